"""The packet sweeper's django-celery-beat entry, created idempotently (by name).

Called from a data migration (historical app registry) like reports/schedule.py, so every
``migrate`` leaves the schedule in place; safe to call again at any time.
"""

SWEEP_TASK_NAME = "referrals: re-enqueue stuck packets (every minute)"


def ensure_packet_periodic_tasks(apps) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SWEEP_TASK_NAME,
        defaults={
            "task": "referrals.packets_sweep",
            "interval": every_minute,
            "crontab": None,
            "enabled": True,
            # A sweep older than the next one is pointless; don't let them pile up in Redis.
            "expires": None,
            "expire_seconds": 55,
        },
    )
