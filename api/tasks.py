"""Thin Celery tasks for webhooks (api.webhooks has the rules)."""

from celery import shared_task

from casework import jobs

from .models import DeliveryState, WebhookDelivery
from .webhooks import webhook_deliver, webhooks_sweep


@shared_task(name="api.webhook_deliver", soft_time_limit=30, time_limit=60, ignore_result=True)
def webhook_deliver_task(delivery_id: int) -> str | None:
    """One attempt; a failed one schedules the next at the row's ``next_attempt_at``."""
    state = webhook_deliver(delivery_id=delivery_id)
    if state == DeliveryState.PENDING and not webhook_deliver_task.app.conf.task_always_eager:
        eta = WebhookDelivery.objects.values_list("next_attempt_at", flat=True).get(pk=delivery_id)
        jobs.enqueue(webhook_deliver_task, delivery_id, eta=eta)  # broker down: the sweeper
    return state


@shared_task(name="api.webhooks_sweep", soft_time_limit=120, time_limit=180, ignore_result=True)
def webhooks_sweep_task() -> int:
    return webhooks_sweep()
