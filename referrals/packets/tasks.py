"""Thin Celery tasks for packets: take an id, call a service, retry transient failures."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

logger = logging.getLogger(__name__)

# What a retry can fix: storage/network I/O, a database hiccup, a render that ran out of time.
TRANSIENT_ERRORS = (OSError, DatabaseError, SoftTimeLimitExceeded)
# Retry countdowns: 10 s, 20 s, 40 s, 80 s, never more than this (well under the broker's
# visibility timeout, so a waiting retry is not redelivered early).
RETRY_BACKOFF_CAP_SECONDS = 300


@shared_task(
    bind=True,
    name="referrals.packet_render",  # routed to the "pdf" queue by CELERY_TASK_ROUTES
    max_retries=4,
    soft_time_limit=45,
    time_limit=60,
    acks_late=True,
    reject_on_worker_lost=True,
)
def packet_render_task(self, referral_id: int) -> None:
    from .services import _describe, packet_fail, packet_render

    try:
        packet_render(referral_id=referral_id)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            packet_fail(referral_id=referral_id, error=_describe(exc))
            return
        countdown = min(10 * 2**self.request.retries, RETRY_BACKOFF_CAP_SECONDS)
        logger.warning("packet %s: %s, retrying in %ss", referral_id, exc, countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc
    except Exception as exc:  # a template or data error: retrying would fail the same way
        logger.exception("packet %s: render failed", referral_id)
        packet_fail(referral_id=referral_id, error=_describe(exc))


@shared_task(name="referrals.packets_sweep", soft_time_limit=60, time_limit=90)
def packets_sweep_task() -> int:
    from .services import packets_sweep

    return packets_sweep()
