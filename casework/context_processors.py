from .access import agencies_for_request, centers_for_request, is_program_manager_for_request


def navigation(request):
    """What the top navigation needs: which areas this user works in (lazily evaluated, from
    the request's memberships: one query for all three)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    class _Nav:
        def __init__(self):
            self._cache = {}

        def _get(self, key, fn):
            if key not in self._cache:
                self._cache[key] = fn()
            return self._cache[key]

        @property
        def is_navigator(self):
            return self._get("nav", lambda: bool(centers_for_request(request)))

        @property
        def is_partner(self):
            return self._get("partner", lambda: bool(agencies_for_request(request)))

        @property
        def is_manager(self):
            return self._get("manager", lambda: is_program_manager_for_request(request))

    return {"nav": _Nav()}
