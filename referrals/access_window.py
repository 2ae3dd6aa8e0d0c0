"""The receiving agency's access window, kept on each referral by the database itself.

A partner sees a referral to their agency while its consent is active and still names the
agency. Asked per row, that is a probe of the consent and of its recipients for every referral
the agency ever received (33,000 for the county's biggest agency, 200 ms for the inbox's status
counts). Instead each referral row carries two columns the database keeps current:

- ``agency_access_from``: the consent's ``given_on``,
- ``agency_access_until``: the consent's ``expires_on``,

both NULL when the consent is revoked or does not name the referral's agency. Triggers (one set
for PostgreSQL, one for SQLite) recompute them whenever a referral's consent or agency changes,
a consent's dates or revocation change, or a recipient is added or removed: every write path
(services, the admin, a bulk ``update()``, a data repair in SQL) keeps them true, and "active
today" stays a comparison with today's date, so expiry needs no job. The columns are not model
fields: Django never writes them (a ``save()`` cannot overwrite them with stale values) and
queries read them through ``AgencyAccessOpen``. A bulk load with triggers off
(``session_replication_role = replica``, bench/county.py) runs ``BACKFILL_SQL`` afterwards.
"""

from __future__ import annotations

import datetime

from casework.kept_columns import KeptColumnCondition

FROM_COLUMN = "agency_access_from"
UNTIL_COLUMN = "agency_access_until"

# The window of referral ``r`` (an alias of referrals_referral), both databases.
_WINDOW = """
    (SELECT c.{column} FROM casework_consent c
     WHERE c.id = {r}.consent_id AND c.revoked_at IS NULL
       AND EXISTS (SELECT 1 FROM casework_consent_recipients cr
                   WHERE cr.consent_id = c.id AND cr.organization_id = {r}.agency_id))
"""


def window_sql(r: str) -> tuple[str, str]:
    return (
        _WINDOW.format(column="given_on", r=r).strip(),
        _WINDOW.format(column="expires_on", r=r).strip(),
    )


def _set_window(r: str) -> str:
    given, expires = window_sql(r)
    return f"{FROM_COLUMN} = {given}, {UNTIL_COLUMN} = {expires}"


BACKFILL_SQL = f"UPDATE referrals_referral SET {_set_window('referrals_referral')}"

POSTGRESQL_FORWARD = [
    f"ALTER TABLE referrals_referral ADD COLUMN {FROM_COLUMN} date NULL, "
    f"ADD COLUMN {UNTIL_COLUMN} date NULL",
    # The referral's own row: before it is written (not when only the window columns change).
    f"""
    CREATE FUNCTION cb_referral_window() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT {window_sql("NEW")[0]}, {window_sql("NEW")[1]}
        INTO NEW.{FROM_COLUMN}, NEW.{UNTIL_COLUMN};
      RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER cb_referral_window BEFORE INSERT OR UPDATE OF consent_id, agency_id "
    "ON referrals_referral FOR EACH ROW EXECUTE FUNCTION cb_referral_window()",
    # A consent's dates or revocation: every referral under it.
    f"""
    CREATE FUNCTION cb_consent_window() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE referrals_referral r SET {_set_window("r")} WHERE r.consent_id = NEW.id;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER cb_consent_window AFTER UPDATE OF given_on, expires_on, revoked_at "
    "ON casework_consent FOR EACH ROW WHEN (OLD.given_on IS DISTINCT FROM NEW.given_on "
    "OR OLD.expires_on IS DISTINCT FROM NEW.expires_on "
    "OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at) EXECUTE FUNCTION cb_consent_window()",
    # A recipient added or removed: the referrals under that consent to that agency.
    f"""
    CREATE FUNCTION cb_consent_recipient_window() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE referrals_referral r SET {_set_window("r")}
        WHERE r.consent_id = OLD.consent_id AND r.agency_id = OLD.organization_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE referrals_referral r SET {_set_window("r")}
        WHERE r.consent_id = NEW.consent_id AND r.agency_id = NEW.organization_id;
      END IF;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER cb_consent_recipient_window AFTER INSERT OR UPDATE OR DELETE "
    "ON casework_consent_recipients FOR EACH ROW EXECUTE FUNCTION cb_consent_recipient_window()",
    BACKFILL_SQL,
    # The inbox and its counts: one agency's referrals, read from the index alone.
    f"CREATE INDEX referral_agency_access_idx ON referrals_referral "
    f"(agency_id, {UNTIL_COLUMN}) INCLUDE (id, {FROM_COLUMN}, status, sending_center_id, "
    "overdue_at, created_at, consent_id)",
]

POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS cb_consent_recipient_window ON casework_consent_recipients",
    "DROP FUNCTION IF EXISTS cb_consent_recipient_window()",
    "DROP TRIGGER IF EXISTS cb_consent_window ON casework_consent",
    "DROP FUNCTION IF EXISTS cb_consent_window()",
    "DROP TRIGGER IF EXISTS cb_referral_window ON referrals_referral",
    "DROP FUNCTION IF EXISTS cb_referral_window()",
    "DROP INDEX IF EXISTS referral_agency_access_idx",
    f"ALTER TABLE referrals_referral DROP COLUMN {FROM_COLUMN}, DROP COLUMN {UNTIL_COLUMN}",
]

_SQLITE_ROW = f"UPDATE referrals_referral SET {_set_window('referrals_referral')}"
SQLITE_FORWARD = [
    f"ALTER TABLE referrals_referral ADD COLUMN {FROM_COLUMN} date NULL",
    f"ALTER TABLE referrals_referral ADD COLUMN {UNTIL_COLUMN} date NULL",
    f"CREATE TRIGGER cb_referral_window_insert AFTER INSERT ON referrals_referral BEGIN "
    f"{_SQLITE_ROW} WHERE id = NEW.id; END",
    f"CREATE TRIGGER cb_referral_window_update AFTER UPDATE OF consent_id, agency_id "
    f"ON referrals_referral BEGIN {_SQLITE_ROW} WHERE id = NEW.id; END",
    f"CREATE TRIGGER cb_consent_window AFTER UPDATE OF given_on, expires_on, revoked_at "
    f"ON casework_consent BEGIN {_SQLITE_ROW} WHERE consent_id = NEW.id; END",
    f"CREATE TRIGGER cb_consent_recipient_window_insert AFTER INSERT "
    f"ON casework_consent_recipients BEGIN {_SQLITE_ROW} "
    f"WHERE consent_id = NEW.consent_id AND agency_id = NEW.organization_id; END",
    f"CREATE TRIGGER cb_consent_recipient_window_delete AFTER DELETE "
    f"ON casework_consent_recipients BEGIN {_SQLITE_ROW} "
    f"WHERE consent_id = OLD.consent_id AND agency_id = OLD.organization_id; END",
    BACKFILL_SQL,
    f"CREATE INDEX referral_agency_access_idx ON referrals_referral (agency_id, {UNTIL_COLUMN})",
]

_SQLITE_DROP_TRIGGERS_AND_INDEX = [
    "DROP TRIGGER IF EXISTS cb_consent_recipient_window_delete",
    "DROP TRIGGER IF EXISTS cb_consent_recipient_window_insert",
    "DROP TRIGGER IF EXISTS cb_consent_window",
    "DROP TRIGGER IF EXISTS cb_referral_window_update",
    "DROP TRIGGER IF EXISTS cb_referral_window_insert",
    "DROP INDEX IF EXISTS referral_agency_access_idx",
]
SQLITE_BACKWARD = [
    *_SQLITE_DROP_TRIGGERS_AND_INDEX,
    f"ALTER TABLE referrals_referral DROP COLUMN {UNTIL_COLUMN}",
    f"ALTER TABLE referrals_referral DROP COLUMN {FROM_COLUMN}",
]


def run(schema_editor, statements) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    run(schema_editor, POSTGRESQL_FORWARD if vendor == "postgresql" else SQLITE_FORWARD)


def backward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    run(schema_editor, POSTGRESQL_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD)


class AgencyAccessOpen(KeptColumnCondition):
    """True when the referral's agency may see it on ``day`` under its consent:
    ``agency_access_from <= day <= agency_access_until``, on whatever alias the query gives
    the referral's table (a sub-query's ``U0`` as well as ``referrals_referral``)."""

    anchor_field = anchor_column = "agency_id"

    def __init__(self, day: datetime.date, agency=None):
        super().__init__(agency)
        self.day = day

    def condition_sql(self, table: str, connection) -> tuple[str, tuple]:
        sql = (
            f"({table}{connection.ops.quote_name(FROM_COLUMN)} <= %s AND "
            f"{table}{connection.ops.quote_name(UNTIL_COLUMN)} >= %s)"
        )
        return sql, (self.day, self.day)


def ensure_sqlite(connection) -> None:
    """SQLite rebuilds a table to alter it (a later migration on Referral or Consent): that
    drops the window's columns or triggers. Run after every migrate (referrals.apps): puts back
    whatever is missing and recomputes the windows. PostgreSQL alters in place."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA table_info(referrals_referral)")
        columns = {row[1] for row in cursor.fetchall()}
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
        if FROM_COLUMN not in columns:
            for statement in _SQLITE_DROP_TRIGGERS_AND_INDEX:
                cursor.execute(statement)
            for statement in SQLITE_FORWARD:
                cursor.execute(statement)
            return
        missing = [
            s
            for s in SQLITE_FORWARD
            if s.startswith("CREATE TRIGGER") and s.split()[2] not in triggers
        ]
        for statement in missing:
            cursor.execute(statement)
        if missing:
            cursor.execute(BACKFILL_SQL)
