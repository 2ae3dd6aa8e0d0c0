"""The cache as a shortcut: a failing cache backend (Redis down, a timeout) is logged and the
caller computes what it wanted as if nothing were cached."""

import logging

log = logging.getLogger(__name__)


def cache_call(method, *args, what: str = "cache", default=None):
    """``method(*args)`` (a cache method: get, set, add, incr), or ``default`` if the cache
    backend fails; ``what`` names the cached thing in the warning."""
    try:
        return method(*args)
    except Exception:  # any cache backend failure
        log.warning("%s unavailable", what, exc_info=True)
        return default
