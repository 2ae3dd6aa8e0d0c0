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


@shared_task(name="referrals.client_confirmations", soft_time_limit=600, time_limit=660)
def client_confirmations_task() -> int:
    """Daily (Celery beat): asks clients whether they got help (referrals/client_confirm.py)."""
    from .client_confirm import client_confirmations_send

    return len(client_confirmations_send(now=timezone.now()))
