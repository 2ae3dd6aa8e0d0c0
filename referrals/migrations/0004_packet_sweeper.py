from django.db import migrations


def create_periodic_tasks(apps, schema_editor):
    from referrals.packets.schedule import ensure_packet_periodic_tasks

    ensure_packet_periodic_tasks(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_poverty_guidelines_2025_2026"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_periodic_tasks, migrations.RunPython.noop)]
