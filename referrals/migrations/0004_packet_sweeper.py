from django.db import migrations


class Migration(migrations.Migration):
    """Used to write the beat entry for the packet sweeper into django-celery-beat's tables. Every
    periodic task is now declared in CELERY_BEAT_SCHEDULE (config/settings.py), which beat's
    DatabaseScheduler writes into those tables, under the same names, when it starts."""

    dependencies = [
        ("referrals", "0003_poverty_guidelines_2025_2026"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
