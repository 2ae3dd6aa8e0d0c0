"""Thin Celery tasks for referrals: take ids, call a service. The packet job lives in
referrals/packets/tasks.py. Services import these tasks (to enqueue them by reference), so the
services are imported inside each task."""

from celery import shared_task
from django.utils import timezone

# One referral email: retried with backoff when the mail server cannot be reached.
_EMAIL = {
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 5,
    "soft_time_limit": 30,
    "time_limit": 60,
}


@shared_task(name="referrals.notify_new_referral", **_EMAIL)
def notify_new_referral_task(referral_id: int) -> int:
    from .services import notifications

    return notifications.notify_new_referral(referral_id)


@shared_task(name="referrals.notify_status_change", **_EMAIL)
def notify_status_change_task(event_id: int) -> int:
    from .services import notifications

    return notifications.notify_status_change(event_id)


@shared_task(name="referrals.notify_reminder", **_EMAIL)
def notify_reminder_task(referral_id: int) -> int:
    from .services import notifications

    return notifications.notify_reminder(referral_id)


@shared_task(name="referrals.notify_overdue", **_EMAIL)
def notify_overdue_task(referral_id: int) -> int:
    from .services import notifications

    return notifications.notify_overdue(referral_id)


@shared_task(name="referrals.notify_nudge", **_EMAIL)
def notify_nudge_task(referral_id: int) -> int:
    from .services import notifications

    return notifications.notify_nudge(referral_id)


@shared_task(name="referrals.notify_message_added", **_EMAIL)
def notify_message_added_task(message_id: int) -> int:
    from .services import notifications

    return notifications.notify_message_added(message_id)


@shared_task(name="referrals.follow_up", soft_time_limit=600, time_limit=660)
def referrals_follow_up_task() -> dict:
    """Daily (Celery beat): reminders after 2 business days, overdue after 5."""
    from .services.followup import referrals_follow_up

    run = referrals_follow_up(now=timezone.now())
    return {"reminders": len(run.reminders), "overdue": len(run.overdue)}
