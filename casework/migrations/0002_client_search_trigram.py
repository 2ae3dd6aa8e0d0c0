"""Trigram search on client names (PostgreSQL only).

Enables pg_trgm and adds a GIN trigram index on Client.search_name, used by
casework.selectors.client_search (TrigramWordSimilarity and LIKE). On SQLite this does nothing:
search there ranks names in Python with rapidfuzz.
"""

from django.db import migrations

INDEX = "casework_client_search_name_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON casework_client "
        "USING gin (search_name gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
