"""The packet sweeper's django-celery-beat entry, created idempotently (by name).

Called from a data migration (historical app registry) like reports/schedule.py, so every
``migrate`` leaves the schedule in place; safe to call again at any time.
"""

SWEEP_TASK_NAME = "referrals: re-enqueue stuck packets (every 20 seconds)"
OLD_SWEEP_TASK_NAMES = ("referrals: re-enqueue stuck packets (every minute)",)
# Every 20 s: with the 20 s lease a packet whose worker died is rendered again within ~45 s.
SWEEP_EVERY_SECONDS = 20


def ensure_packet_periodic_tasks(apps) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    interval, _ = IntervalSchedule.objects.get_or_create(
        every=SWEEP_EVERY_SECONDS, period="seconds"
    )
    PeriodicTask.objects.filter(name__in=OLD_SWEEP_TASK_NAMES).delete()
    PeriodicTask.objects.update_or_create(
        name=SWEEP_TASK_NAME,
        defaults={
            "task": "referrals.packets_sweep",
            "interval": interval,
            "crontab": None,
            "enabled": True,
            # A sweep older than the next one is pointless; don't let them pile up in Redis.
            "expires": None,
            "expire_seconds": SWEEP_EVERY_SECONDS - 5,
        },
    )
