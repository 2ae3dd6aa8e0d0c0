"""Thin Celery tasks for referrals: take ids, call a service. The packet job lives in
referrals/packets/tasks.py."""

from celery import shared_task
from django.utils import timezone

from .services import notifications
from .services.followup import referrals_follow_up


@shared_task(
    name="referrals.notify",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def referral_notify_task(kind: str, object_id: int) -> int:
    """Sends one referral email (new / status / reminder / overdue); see services.notifications."""
    return notifications.NOTIFIERS[kind](object_id)


@shared_task(name="referrals.follow_up", soft_time_limit=600, time_limit=660)
def referrals_follow_up_task() -> dict:
    """Daily (Celery beat): reminders after 2 business days, overdue after 5."""
    run = referrals_follow_up(now=timezone.now())
    return {"reminders": len(run.reminders), "overdue": len(run.overdue)}
