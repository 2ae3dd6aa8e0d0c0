"""Whether a client has had an intake interview, kept on the client's row by PostgreSQL.

The navigator dashboard lists a center's clients with no intake interview yet, and how many.
Asked per client, that is a walk of every client of the center with a probe of the intakes
for each: 20,000 probes for the county's biggest center, 16 ms on every dashboard, to find
none. Instead ``casework_client.has_intake`` is kept by a trigger on the intakes (an intake
added, deleted or moved to another client recomputes its client's flag), and a partial index
holds only the clients without one, so the dashboard reads just those.

The column is not a model field: Django never writes it (a ``save()`` cannot overwrite it with
a stale value), so every write path keeps it true (services, the admin, a bulk ``update()``, a
repair in SQL). Queries read it through ``ClientHasIntake``. A bulk load with triggers off
(``session_replication_role = replica``, bench/county.py) runs ``BACKFILL_SQL`` afterwards.
PostgreSQL only: SQLite (development) keeps asking per client, which is fine at its sizes.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef

from .kept_columns import KeptColumnCondition

COLUMN = "has_intake"

_EXISTS = "EXISTS (SELECT 1 FROM casework_intakeinterview i WHERE i.client_id = {client})"

BACKFILL_SQL = f"UPDATE casework_client c SET {COLUMN} = {_EXISTS.format(client='c.id')}"

POSTGRESQL_FORWARD = [
    f"ALTER TABLE casework_client ADD COLUMN {COLUMN} boolean NOT NULL DEFAULT false",
    f"""
    CREATE FUNCTION cb_client_has_intake() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE casework_client c SET {COLUMN} = {_EXISTS.format(client="c.id")}
        WHERE c.id = OLD.client_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE casework_client c SET {COLUMN} = true
        WHERE c.id = NEW.client_id AND NOT c.{COLUMN};
      END IF;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER cb_client_has_intake AFTER INSERT OR DELETE OR UPDATE OF client_id "
    "ON casework_intakeinterview FOR EACH ROW EXECUTE FUNCTION cb_client_has_intake()",
    BACKFILL_SQL,
    # The dashboard's walk: a center's clients without an intake, newest first.
    f"CREATE INDEX client_without_intake_idx ON casework_client (center_id, id DESC) "
    f"WHERE NOT {COLUMN}",
    # Statistics of the new column at once: without them the planner walks the wrong index
    # (the dashboard took 75 ms instead of 0.1 until the next autovacuum).
    "ANALYZE casework_client",
]

POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS cb_client_has_intake ON casework_intakeinterview",
    "DROP FUNCTION IF EXISTS cb_client_has_intake()",
    "DROP INDEX IF EXISTS client_without_intake_idx",
    f"ALTER TABLE casework_client DROP COLUMN IF EXISTS {COLUMN}",
]


def _run(schema_editor, statements) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement, params=None)


def forward(apps, schema_editor) -> None:
    _run(schema_editor, POSTGRESQL_FORWARD)


def backward(apps, schema_editor) -> None:
    _run(schema_editor, POSTGRESQL_BACKWARD)


class ClientHasIntake(KeptColumnCondition):
    """True when the client has an intake interview: the kept column, on whatever alias the
    query gives the client's table (a sub-query's ``U0`` too). PostgreSQL only: use
    ``client_has_intake()``."""

    def condition_sql(self, table: str, connection) -> tuple[str, tuple]:
        return f"{table}{connection.ops.quote_name(COLUMN)}", ()


def client_has_intake():
    """The condition "the client has an intake interview", for a query on clients: the kept
    column on PostgreSQL, the ``EXISTS`` it stands for elsewhere."""
    if connection.vendor == "postgresql":
        return ClientHasIntake()
    from .models import IntakeInterview

    return Exists(IntakeInterview.objects.filter(client=OuterRef("pk")))
