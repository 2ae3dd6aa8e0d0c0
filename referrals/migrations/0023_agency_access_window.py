"""The receiving agency's access window on each referral, kept by database triggers
(referrals/access_window.py explains why and how)."""

from django.db import migrations

from referrals.access_window import backward, forward


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0014_guardian_object_probe_index"),
        ("referrals", "0022_awaiting_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
