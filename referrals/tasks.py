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


@shared_task(
    bind=True,
    name="referrals.client_message",
    max_retries=None,  # bounded by settings.CLIENT_MESSAGE_MAX_RETRIES below
    acks_late=True,
    soft_time_limit=30,
    time_limit=60,
)
def client_message_task(self, message_id: int) -> str:
    """Sends one message to a client (referrals/client_messages.py); a provider error is
    retried with exponential backoff, then the message stays "failed"."""
    from django.conf import settings

    from .client_messages import client_message_deliver, retry_countdown

    try:
        return client_message_deliver(message_id)
    except Exception as exc:
        if self.request.retries >= settings.CLIENT_MESSAGE_MAX_RETRIES:
            return "failed"
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(name="referrals.client_messages_sweep", soft_time_limit=60, time_limit=90)
def client_messages_sweep_task() -> int:
    """Beat: publishes client messages left queued (broker down) or claimed by a dead worker."""
    from .client_messages import client_messages_sweep

    return client_messages_sweep()


@shared_task(name="referrals.end_expired_access", soft_time_limit=600, time_limit=660)
def referrals_end_expired_access_task() -> int:
    """Nightly (Celery beat): the agency grants of expired consents end
    (``referrals.services.referrals_end_expired_access``)."""
    from .services import referrals_end_expired_access

    return referrals_end_expired_access()


@shared_task(name="referrals.client_confirmations", soft_time_limit=600, time_limit=660)
def client_confirmations_task() -> int:
    """Daily (Celery beat): asks clients whether they got help (referrals/client_confirm.py)."""
    from .client_confirm import client_confirmations_send

    return len(client_confirmations_send(now=timezone.now()))
