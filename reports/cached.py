"""The dashboard's figures, cached for a short while (issue 15).

Working through the day a manager reloads the same dashboard and downloads its CSV; each time
the live figures cost about 350 ms of database work at county scale. ``cached_report`` keeps
a report for ``REPORTS_CACHE_SECONDS`` (default 60) under its filters and the **data version**,
a counter every saved referral moves once its transaction commits (the same post_save that
recomputes the roll-ups): a change made through the product shows at the next load, and
anything else (a bulk update, a repair in SQL) within the minute. The page says when its
figures were computed. A cache outage only means computing them again.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from casework.cache import cache_call

from .metrics import Report, ReportFilters, build_report

VERSION_KEY = "reports:data-version"


def data_version() -> int | None:
    """The counter every committed referral change moves; None when the cache is down."""
    version = cache_call(cache.get, VERSION_KEY, 0, what="reports cache", default=-1)
    return None if version == -1 else int(version or 0)


def bump_data_version() -> None:
    """Called after a referral's change has committed."""
    if not cache_call(cache.add, VERSION_KEY, 1, None, what="reports cache", default=True):
        cache_call(cache.incr, VERSION_KEY, what="reports cache")


def report_key(filters: ReportFilters, version: int) -> str:
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:24]
    return f"reports:dashboard:v1:{version}:{digest}"


def current_key(filters: ReportFilters) -> str | None:
    """The cache key of ``filters``' report now, or None when the cache is off or down (the
    dashboard's template caches its drawn tables under the same key)."""
    version = data_version()
    if settings.REPORTS_CACHE_SECONDS <= 0 or version is None:
        return None
    return report_key(filters, version)


def cached_report(filters: ReportFilters, key: str | None = None) -> tuple[Report, object]:
    """The report for ``filters`` and when it was computed, from the cache when fresh."""
    key = key or current_key(filters)
    if key is None:
        return build_report(filters), timezone.now()
    hit = cache_call(cache.get, key, what="reports cache")
    if hit is not None:
        return hit
    computed = (build_report(filters), timezone.now())
    cache_call(cache.set, key, computed, settings.REPORTS_CACHE_SECONDS, what="reports cache")
    return computed
