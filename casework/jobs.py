"""One way to run background work: every job (packets, report runs, webhook deliveries,
referral emails) uses these few pieces, so the rules hold the same everywhere.

- ``enqueue`` / ``enqueue_on_commit``: publish a task by reference, after the surrounding
  transaction commits. Broker-safe: a broker outage is logged and never raised into the
  request; the job's row stays pending for the sweeper (or, for a job without a row, a
  ``fallback`` runs it in-process).
- ``Lease`` and ``claim``: a job row moves pending -> running in one conditional UPDATE that
  stamps when it was claimed. Whoever changes the row goes on; a duplicate or late message does
  nothing. A claim older than the lease belongs to a worker that died and may be claimed again.
  ``LeaseRenewal`` keeps a long job's claim fresh while it runs.
- ``sweep``: run by beat; gives up on expired claims out of attempts, then re-enqueues rows
  left pending too long and rows whose lease expired, stopping at the first broker failure.

Periodic tasks are declared once, in ``CELERY_BEAT_SCHEDULE`` (config/settings.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


# --- Enqueueing ---------------------------------------------------------------------------------


# After a failed publish, this process does not try the broker again for a few seconds: a
# request that queues several jobs (a packet, an email, a roll-up) then waits on a dead broker
# once, not once per job. The sweepers always try (``probe=True``); their success ends it.
_broker_failed_at: float | None = None


def broker_backoff_reset() -> None:
    global _broker_failed_at
    _broker_failed_at = None


def _broker_backing_off() -> bool:
    from django.conf import settings

    seconds = getattr(settings, "BROKER_BACKOFF_SECONDS", 5)
    return _broker_failed_at is not None and time.monotonic() - _broker_failed_at < seconds


def enqueue(
    task, *args, fallback: Callable[..., Any] | None = None, probe: bool = False, **options
) -> bool:
    """Publishes ``task(*args)``; returns whether it was handed to the broker.

    A broker error (kombu and redis raise many types) is logged, never raised. Then, if given,
    ``fallback(*args)`` runs here instead (its own error is logged too); otherwise the job's row
    stays pending and the sweeper publishes it later. Within a few seconds of a failure the
    broker is not tried again (unless ``probe``): the same outcome, without the wait."""
    global _broker_failed_at
    backing_off = not probe and _broker_backing_off()
    try:
        if backing_off:
            raise ConnectionError("the broker failed moments ago; not trying again yet")
        task.apply_async(args=list(args), **options)
    except Exception:
        if not backing_off:
            _broker_failed_at = time.monotonic()
        logger.warning(
            "%s%s: could not enqueue, %s",
            task.name,
            list(args),
            "running it in-process" if fallback else "the sweeper will retry",
            exc_info=not backing_off,
        )
        if fallback is not None:
            try:
                fallback(*args)
            except Exception:
                logger.exception("%s%s: in-process fallback failed", task.name, list(args))
        return False
    _broker_failed_at = None
    return True


def enqueue_on_commit(task, *args, fallback: Callable[..., Any] | None = None, **options) -> None:
    """``enqueue`` once the surrounding transaction commits (at once outside one), so a worker
    never looks for a row that is not there yet. The request never waits on a dead broker:
    publishing gives up fast (CELERY_BROKER_CONNECTION_TIMEOUT, no publish retries)."""
    transaction.on_commit(lambda: enqueue(task, *args, fallback=fallback, **options), robust=True)


# --- Claiming -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lease:
    """Where a job keeps its claim on its row: ``status`` is ``pending`` or ``running``, and
    ``claimed_at`` says when the running claim was taken (or last renewed). A claim older than
    ``length`` belongs to a worker that died and may be claimed again."""

    status: str
    pending: str | tuple[str, ...]  # several: e.g. queued, and failed awaiting a retry
    running: str
    claimed_at: str
    length: timedelta

    def expired(self, now: datetime) -> Q:
        return Q(**{self.status: self.running, f"{self.claimed_at}__lt": now - self.length})

    def claimable(self, now: datetime) -> Q:
        pending = (self.pending,) if isinstance(self.pending, str) else self.pending
        return Q(**{f"{self.status}__in": pending}) | self.expired(now)

    def held(self, token: datetime) -> Q:
        return Q(**{self.status: self.running, self.claimed_at: token})


def claim(
    queryset: QuerySet,
    pk: int,
    *,
    lease: Lease,
    attempts: str | None = None,
    now: datetime | None = None,
    **updates,
) -> datetime | None:
    """Claims row ``pk`` of ``queryset`` (pending, or running with an expired lease) in one
    conditional UPDATE: status -> running, ``claimed_at`` -> now, ``attempts`` + 1 if named,
    plus ``updates``. Returns the claim's token (its time) or None when someone else holds it,
    it is finished, or it is gone."""
    now = now or timezone.now()
    values = {lease.status: lease.running, lease.claimed_at: now, **updates}
    if attempts:
        values[attempts] = F(attempts) + 1
    changed = queryset.filter(lease.claimable(now), pk=pk).update(**values)
    return now if changed else None


def held(queryset: QuerySet, pk: int, *, lease: Lease, token: datetime) -> QuerySet:
    """Row ``pk`` while the claim ``token`` still holds it: finish the job with ``.update()``
    on this, and if no row changed, someone took over an expired claim and theirs wins."""
    return queryset.filter(lease.held(token), pk=pk)


class LeaseRenewal:
    """Renews a claim from a thread while a long job runs (every quarter lease), so only a dead
    worker's claim expires. Stops renewing after ``max_seconds`` (a hung job is taken over).
    Use as a context manager; ``token`` is the claim's current value; stop() before the final
    conditional update."""

    def __init__(self, queryset: QuerySet, pk: int, *, lease: Lease, token: datetime, max_seconds):
        self.queryset = queryset
        self.pk = pk
        self.lease = lease
        self.token = token
        self.max_seconds = max_seconds
        self.started = time.monotonic()
        self.interval = max(0.5, lease.length.total_seconds() / 4)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-lease", daemon=True)

    def __enter__(self):
        from django.db import connection

        # Inside a transaction (tests) other connections cannot see, let alone renew, the claim.
        if not connection.in_atomic_block:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()

    def _run(self) -> None:
        from django.db import connection

        try:
            while not self._stop.wait(self.interval):
                if time.monotonic() - self.started > self.max_seconds:
                    return  # a hung job gives up its claim
                renewed = timezone.now()
                changed = held(self.queryset, self.pk, lease=self.lease, token=self.token).update(
                    **{self.lease.claimed_at: renewed}
                )
                if not changed:
                    return  # the claim was lost; the final update will notice
                self.token = renewed
        except Exception:  # the database went away: the lease lapses, the sweeper recovers
            logger.warning("%s: lease renewal failed", self.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection


# --- Sweeping -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Swept:
    enqueued: int = 0  # handed to the broker again
    expired: int = 0  # of which: claims whose lease expired (their worker died)
    failed: int = 0  # expired claims that used up their attempts


def sweep(
    task,
    queryset: QuerySet,
    *,
    lease: Lease,
    stuck: Q,
    now: datetime | None = None,
    attempts: str | None = None,
    max_attempts: int | None = None,
    give_up: dict | None = None,
    order_by: str = "pk",
    batch: int = 500,
    publish: Callable[[int], bool] | None = None,
) -> Swept:
    """Beat's safety net for one kind of job; idempotent (a claim decides who runs a row).

    1. Expired claims with ``attempts >= max_attempts`` fail: ``give_up`` is written, beside
       status = ``failed`` if it names one.
    2. Rows matching ``stuck`` (pending too long: the message was never published, or lost)
       and rows with an expired lease are published again, oldest first, at most ``batch``;
       the claim lets a worker take the expired ones over. The first broker failure stops the
       sweep (the next one tries again)."""
    now = now or timezone.now()
    publish = publish or (lambda pk: enqueue(task, pk, probe=True))
    failed = 0
    if max_attempts is not None and attempts:
        failed = queryset.filter(lease.expired(now), **{f"{attempts}__gte": max_attempts}).update(
            **(give_up or {})
        )
    rows = list(
        queryset.filter(stuck | lease.expired(now))
        .order_by(order_by)
        .values_list("pk", lease.status)[:batch]
    )
    enqueued = expired = 0
    for pk, status in rows:
        if not publish(pk):
            break  # the broker is down
        enqueued += 1
        expired += status == lease.running
    return Swept(enqueued=enqueued, expired=expired, failed=failed)


def publish_each(task, ids: Iterable[int]) -> int:
    """Publishes ``task(pk)`` for each id, stopping at the first broker failure."""
    count = 0
    for pk in ids:
        if not enqueue(task, pk, probe=True):
            break
        count += 1
    return count
