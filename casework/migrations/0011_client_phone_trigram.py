"""Phone search from an index (PostgreSQL only; issue 15).

Client.phone is stored in E.164 ("+14085550123": digits after the plus), and client search
matches a typed number or fragment anywhere in it (`LIKE '%5550123%'`). A B-tree cannot answer
an infix LIKE, so it scanned every client; a GIN trigram index on the phone column can. On
SQLite this does nothing.
"""

from django.db import migrations

INDEX = "casework_client_phone_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON casework_client USING gin (phone gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [('casework', '0010_client_administrative_gender')]

    operations = [migrations.RunPython(forwards, backwards)]
