"""The periodic tasks reports needs in django-celery-beat, created idempotently (by name).

Called from a data migration (with the historical app registry) so every `migrate` leaves the
schedule in place; safe to call again at any time.
"""

WEEKLY_TASK_NAME = "reports: weekly report (Mondays 07:00 Los Angeles)"
ROLLUP_TASK_NAME = "reports: weekly roll-ups of recent weeks (nightly 02:30 Los Angeles)"
SWEEP_TASK_NAME = "reports: sweep stale report runs (every 5 minutes)"
WEEKLY_TIMEZONE = "America/Los_Angeles"


def ensure_periodic_tasks(apps) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    monday_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="1",
        day_of_month="*",
        month_of_year="*",
        timezone=WEEKLY_TIMEZONE,
    )
    PeriodicTask.objects.update_or_create(
        name=WEEKLY_TASK_NAME,
        defaults={
            "task": "reports.schedule_weekly_report",
            "crontab": monday_morning,
            "interval": None,
            "enabled": True,
        },
    )
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=WEEKLY_TIMEZONE,
    )
    PeriodicTask.objects.update_or_create(
        name=ROLLUP_TASK_NAME,
        defaults={
            "task": "reports.rollup_recent_weeks",
            "crontab": nightly,
            "interval": None,
            "enabled": True,
        },
    )
    every_5_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SWEEP_TASK_NAME,
        defaults={
            "task": "reports.sweep_report_runs",
            "interval": every_5_minutes,
            "crontab": None,
            "enabled": True,
            # A sweep the workers could not take before the next one is pointless.
            "expire_seconds": 240,
        },
    )
