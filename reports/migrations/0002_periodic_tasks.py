from django.db import migrations


def create_periodic_tasks(apps, schema_editor):
    from reports.schedule import ensure_periodic_tasks

    ensure_periodic_tasks(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_report_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_periodic_tasks, migrations.RunPython.noop)]
