from django.db import migrations


class Migration(migrations.Migration):
    """Used to write the beat entries for the weekly report, the nightly roll-ups and the report-
    run sweeper into django-celery-beat's tables. Every periodic task is now declared in
    CELERY_BEAT_SCHEDULE (config/settings.py), which beat's DatabaseScheduler writes into those
    tables, under the same names, when it starts."""

    dependencies = [
        ("reports", "0001_report_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
