from django.db import migrations


def create_periodic_task(apps, schema_editor):
    from referrals.schedule import ensure_follow_up_periodic_task

    ensure_follow_up_periodic_task(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_packet_sweeper"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_periodic_task, migrations.RunPython.noop)]
