from .access import agencies_for_request, centers_for_request, is_program_manager_for_request


class _Navigation:
    """Which areas the user works in, asked lazily of the request's memberships (read once
    per request, in one query, for all three)."""

    def __init__(self, request):
        self.request = request

    @property
    def is_navigator(self) -> bool:
        return bool(centers_for_request(self.request))

    @property
    def is_partner(self) -> bool:
        return bool(agencies_for_request(self.request))

    @property
    def is_manager(self) -> bool:
        return is_program_manager_for_request(self.request)


def navigation(request):
    """What the top navigation needs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav": _Navigation(request)}
