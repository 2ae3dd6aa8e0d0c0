"""The daily referral follow-up's django-celery-beat entry, created idempotently (by name) from
a data migration (referrals/migrations/0005_follow_up_schedule.py), so every ``migrate`` leaves
it in place. Runs at 08:00 America/Los_Angeles on weekdays (business days only)."""

FOLLOW_UP_TASK_NAME = "referrals: daily follow-up (reminders, overdue)"


def ensure_follow_up_periodic_task(apps) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    weekday_mornings, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="8",
        day_of_week="1-5",
        day_of_month="*",
        month_of_year="*",
        timezone="America/Los_Angeles",
    )
    PeriodicTask.objects.update_or_create(
        name=FOLLOW_UP_TASK_NAME,
        defaults={
            "task": "referrals.follow_up",
            "crontab": weekday_mornings,
            "interval": None,
            "enabled": True,
            "expire_seconds": 6 * 60 * 60,
        },
    )


CLIENT_CONFIRM_TASK_NAME = "referrals: ask clients whether they got help"


def ensure_client_confirm_periodic_task(apps) -> None:
    """Daily at 10:00 America/Los_Angeles (a decent hour for a text message)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    mornings, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="10",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="America/Los_Angeles",
    )
    PeriodicTask.objects.update_or_create(
        name=CLIENT_CONFIRM_TASK_NAME,
        defaults={
            "task": "referrals.client_confirmations",
            "crontab": mornings,
            "interval": None,
            "enabled": True,
            "expire_seconds": 6 * 60 * 60,
        },
    )
