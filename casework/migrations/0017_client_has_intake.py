"""Whether each client has an intake interview, kept by a PostgreSQL trigger, with a partial
index of the clients without one (casework/intake_flag.py explains why and how)."""

from django.db import migrations

from casework.intake_flag import backward, forward


class Migration(migrations.Migration):
    dependencies = [("casework", "0016_user_history")]

    operations = [migrations.RunPython(forward, backward)]
