"""The dashboard's figures, cached for a short while (issue 15).

Working through the day a manager reloads the same dashboard and downloads its CSV; each time
the live figures cost about 350 ms of database work at county scale. ``cached_report`` keeps
the latest report for ``REPORTS_CACHE_SECONDS`` (default 60) under its filters, with the
**data version** it was computed at: a counter every saved referral moves once its transaction
commits (the same post_save that recomputes the roll-ups).

- While the version is unchanged the cached figures are served (for up to the minute, so a
  bulk update or a repair in SQL, which moves no version, shows within it).
- Once a referral has changed, the figures are computed again, unless they are younger than
  ``REPORTS_STALE_SECONDS`` (default 30): in a county, referrals change every few seconds, and
  a version-exact cache would compute the figures for nearly every load. A change therefore
  shows within that many seconds; the page says so and when its figures were computed.
- One process computes a report at a time; meanwhile the others serve the figures they have.

A cache outage only means computing them again.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from casework.cache import cache_call

from .metrics import Report, ReportFilters, build_report

VERSION_KEY = "reports:data-version"
# How long one process may hold "computing" before another computes too (a crashed one).
COMPUTING_SECONDS = 30


@dataclass(frozen=True)
class CachedReport:
    report: Report
    computed_at: datetime.datetime
    # The key of these figures (None when the cache is off or down): what is drawn from them
    # (the dashboard's tables, the CSV) is cached under it, so it changes with the figures.
    key: str | None


def data_version() -> int | None:
    """The counter every committed referral change moves; None when the cache is down."""
    version = cache_call(cache.get, VERSION_KEY, 0, what="reports cache", default=-1)
    return None if version == -1 else int(version or 0)


def bump_data_version() -> None:
    """Called after a referral's change has committed."""
    if not cache_call(cache.add, VERSION_KEY, 1, None, what="reports cache", default=True):
        cache_call(cache.incr, VERSION_KEY, what="reports cache")


def report_key(filters: ReportFilters) -> str:
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:24]
    return f"reports:dashboard:v2:{digest}"


def _served(entry: tuple, key: str) -> CachedReport:
    version, computed_at, report = entry
    return CachedReport(report, computed_at, f"{key}:{version}:{computed_at.timestamp()}")


def cached_report(filters: ReportFilters) -> CachedReport:
    """The report for ``filters``, from the cache while fresh (see the module docstring)."""
    version = data_version()
    if settings.REPORTS_CACHE_SECONDS <= 0 or version is None:
        return CachedReport(build_report(filters), timezone.now(), None)
    key = report_key(filters)
    entry = cache_call(cache.get, key, what="reports cache")
    if entry is not None:
        stale_after = entry[1] + datetime.timedelta(seconds=settings.REPORTS_STALE_SECONDS)
        if entry[0] == version or timezone.now() < stale_after:
            return _served(entry, key)
    computing = f"{key}:computing"
    claimed = cache_call(
        cache.add, computing, 1, COMPUTING_SECONDS, what="reports cache", default=True
    )
    if not claimed and entry is not None:  # another process is computing them: these till then
        return _served(entry, key)
    try:
        entry = (version, timezone.now(), build_report(filters))
        cache_call(cache.set, key, entry, settings.REPORTS_CACHE_SECONDS, what="reports cache")
    finally:
        if claimed:
            cache_call(cache.delete, computing, what="reports cache")
    return _served(entry, key)
