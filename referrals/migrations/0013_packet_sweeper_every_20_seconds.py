from django.db import migrations


def sweep_every_20_seconds(apps, schema_editor):
    from referrals.packets.schedule import ensure_packet_periodic_tasks

    ensure_packet_periodic_tasks(apps)


class Migration(migrations.Migration):
    """The packet sweeper runs every 20 s (was every minute): with the 20 s rendering lease, a
    packet whose worker died is rendered again within a minute (issue 9, finding 13)."""

    dependencies = [
        ('referrals', '0012_packet_disclosed_fields'),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(sweep_every_20_seconds, migrations.RunPython.noop)]
