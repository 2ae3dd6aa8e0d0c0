"""The webhook sweeper's django-celery-beat entry (every 5 minutes), created idempotently by
name from a data migration and re-ensured after every ``migrate``/``flush`` (api/apps.py)."""

from django.apps import apps as global_apps

SWEEP_TASK_NAME = "api: webhook deliveries sweeper"


def ensure_webhook_sweeper(apps) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SWEEP_TASK_NAME,
        defaults={
            "task": "api.webhooks_sweep",
            "interval": every_5_minutes,
            "crontab": None,
            "enabled": True,
            "expire_seconds": 300,
        },
    )


def ensure_required_rows(sender, *, apps=global_apps, **kwargs) -> None:
    try:
        apps.get_model("django_celery_beat", "PeriodicTask")
    except LookupError:
        return
    ensure_webhook_sweeper(apps)
