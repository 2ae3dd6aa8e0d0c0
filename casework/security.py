"""Response headers, rate limits and the sign-in lockout rule.

- ``SecurityHeadersMiddleware``: ``Cache-Control: no-store`` on every response to a signed-in
  user (every page, fragment and file that can carry client data), and ``Permissions-Policy``
  on every response. CSP comes from django-csp, HSTS and the SSL redirect from Django's
  SecurityMiddleware (config/settings.py).
- ``rate_limit(group)``: the one decorator for rate-limited views (django-ratelimit, counted in
  the cache per signed-in user, or per client address for anonymous requests). Limits live in
  ``settings.RATELIMITS``; over the limit the view is not run and the user gets the 429 page.
  The coming API uses ``rate_limit("api")`` on each view (or ``rate_limit("api", methods=...)``).
- ``LockoutHandler``: django-axes with one failure limit per lockout parameter (a username from
  one address: AXES_FAILURE_LIMIT; one address whatever the username: AXES_IP_FAILURE_LIMIT).
"""

from __future__ import annotations

import functools
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_ratelimit import ALL, UNSAFE
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        response = self.get_response(request)
        if signed_in or (user is not None and user.is_authenticated):
            # Pages and files with client data never land in a browser or proxy cache.
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def client_ip(request) -> str:
    """The client address as django-axes computes it (AXES_IPWARE_* proxy settings)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "0.0.0.0"


def _user_or_ip(group, request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


logger = logging.getLogger(__name__)
GROUP_PREFIX = "casebridge."


def _rate(group, request) -> str:
    return settings.RATELIMITS[group.removeprefix(GROUP_PREFIX)]


def rate_limit(group: str, *, methods=ALL, key=_user_or_ip):
    """Limits a view to ``settings.RATELIMITS[group]`` requests per signed-in user (or per
    address). ``methods`` counts only those methods (e.g. ``UNSAFE``: only form posts);
    ``key`` may be any django-ratelimit key (e.g. ``"post:email"``), for a second decorator.
    Over the limit the view is not run: ``Ratelimited`` is answered by ``rate_limited`` (429).
    """
    if group not in settings.RATELIMITS:
        raise KeyError(f"no rate limit configured for {group!r} (settings.RATELIMITS)")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                limited = is_ratelimited(
                    request,
                    group=GROUP_PREFIX + group,
                    key=key,
                    rate=_rate,
                    method=methods,
                    increment=True,
                )
            except Exception:  # the cache (Redis) is down: count nothing, block nothing
                logger.warning(
                    "rate limit %s: cache unavailable, not counted", group, exc_info=True
                )
                limited = False
            if limited:
                raise Ratelimited
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def rate_limited(request, exception=None):
    """RATELIMIT_VIEW: the translated "too many requests" page (429)."""
    template = "_rate_limited.html" if getattr(request, "htmx", False) else "429.html"
    response = render(request, template, status=429)
    response["Retry-After"] = "60"
    return response


__all__ = ["UNSAFE", "LockoutHandler", "rate_limit", "rate_limited"]


class LockoutHandler(AxesDatabaseHandler):
    """Each entry of AXES_LOCKOUT_PARAMETERS has its own limit (AXES_LOCKOUT_PARAMETER_LIMITS).

    axes compares one number with AXES_FAILURE_LIMIT: we report each entry's failure count
    scaled to that limit (count × limit ÷ entry's limit, rounded down), so an entry reaches
    AXES_FAILURE_LIMIT exactly when its own count reaches its own limit."""

    def get_failures(self, request, credentials=None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        limits = settings.AXES_LOCKOUT_PARAMETER_LIMITS
        scaled = [0]
        for attempts, limit in zip(
            self.get_user_attempts(request, credentials), limits, strict=False
        ):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            scaled.append(count * base // limit)
        return max(scaled)
