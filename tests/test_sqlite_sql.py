"""The embedded database (SQLite, `make run`) compiles every visibility query: CI runs on
PostgreSQL, and a query only SQLite refuses (an ORDER BY inside a UNION) once broke every page
of the embedded install. Each queryset is compiled for an in-memory SQLite connection, where
SQLite's compiler refuses what it cannot run."""

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection as default_connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test.utils import CaptureQueriesContext

from casework.access import clients_visible_to, grant_keys_query
from referrals.access import referrals_received_by, referrals_sent_by, referrals_visible_to

pytestmark = pytest.mark.django_db


def _sqlite():
    connection = DatabaseWrapper(
        {
            "NAME": ":memory:",
            "ENGINE": "django.db.backends.sqlite3",
            "OPTIONS": {},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
        },
        alias="sqlite_check",
    )
    return connection


def _compiles(queryset, connection) -> str:
    sql, _params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql


@pytest.mark.parametrize("persona", ["navigator_a", "partner_x", "manager"])
def test_every_visibility_query_compiles_for_sqlite(personas, persona):
    user = getattr(personas, persona)
    connection = _sqlite()
    try:
        querysets = [
            grant_keys_query(user, "referrals.view_referral"),
            clients_visible_to(user=user),
            referrals_visible_to(user=user),
            referrals_received_by(user=user),
            referrals_sent_by(user=user),
        ]
        for queryset in querysets:
            try:
                sql = _compiles(queryset, connection)
            except EmptyResultSet:
                # Nothing to ask (a navigator has no agency to receive at): Django answers
                # without a query, on any database.
                with CaptureQueriesContext(default_connection) as asked:
                    assert list(queryset) == []
                assert len(asked) == 0
            else:
                assert "SELECT" in sql
    finally:
        connection.close()


def test_the_embedded_database_refuses_an_order_by_in_a_union(personas):
    """The check above can fail: SQLite's compiler refuses what broke the embedded install."""
    from django.db.utils import DatabaseError

    from casework.access import _permission_ids, user_group_ids

    user = personas.navigator_a
    ordered = (
        user_group_ids(user)
        .values_list("group_id")
        .union(_permission_ids("referrals.view_referral").values_list("pk"), all=True)
    )
    connection = _sqlite()
    try:
        with pytest.raises(DatabaseError, match="ORDER BY not allowed"):
            _compiles(ordered, connection)
    finally:
        connection.close()


def test_the_sqlite_triggers_keep_the_window_and_come_back_after_a_rebuild():
    """The access window's SQLite triggers on a bare copy of the three tables they read: they
    follow a revocation, a recipient removed and added, and ``ensure_sqlite`` (run after every
    migrate) puts back a lost trigger and lost columns, as a table rebuild would lose them."""
    from referrals import access_window

    connection = _sqlite()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE casework_consent (id integer PRIMARY KEY, given_on date, "
                "expires_on date, revoked_at datetime NULL)"
            )
            cursor.execute(
                "CREATE TABLE casework_consent_recipients (id integer PRIMARY KEY, "
                "consent_id integer, organization_id integer)"
            )
            cursor.execute(
                "CREATE TABLE referrals_referral (id integer PRIMARY KEY, consent_id integer, "
                "agency_id integer)"
            )
            for statement in access_window.SQLITE_FORWARD:
                cursor.execute(statement)
            cursor.execute(
                "INSERT INTO casework_consent VALUES (1, '2026-01-05', '2027-01-05', NULL)"
            )
            cursor.execute("INSERT INTO casework_consent_recipients VALUES (1, 1, 7)")
            cursor.execute(
                "INSERT INTO referrals_referral (id, consent_id, agency_id) VALUES (1, 1, 7)"
            )

            def window():
                cursor.execute(
                    "SELECT agency_access_from, agency_access_until FROM referrals_referral"
                )
                return tuple(None if v is None else str(v) for v in cursor.fetchone())

            assert window() == ("2026-01-05", "2027-01-05")
            cursor.execute("DELETE FROM casework_consent_recipients WHERE organization_id = 7")
            assert window() == (None, None)
            cursor.execute("INSERT INTO casework_consent_recipients VALUES (2, 1, 7)")
            assert window() == ("2026-01-05", "2027-01-05")
            cursor.execute(
                "UPDATE casework_consent SET revoked_at = '2026-06-01 10:00' WHERE id = 1"
            )
            assert window() == (None, None)
            cursor.execute("UPDATE casework_consent SET revoked_at = NULL WHERE id = 1")
            assert window() == ("2026-01-05", "2027-01-05")

            # A lost trigger comes back.
            cursor.execute("DROP TRIGGER cb_consent_window")
            access_window.ensure_sqlite(connection)
            cursor.execute("UPDATE casework_consent SET expires_on = '2026-12-31' WHERE id = 1")
            assert window() == ("2026-01-05", "2026-12-31")
            # Lost columns (a rebuilt table) come back, filled.
            cursor.execute("DROP INDEX referral_agency_access_idx")
            cursor.execute("ALTER TABLE referrals_referral DROP COLUMN agency_access_until")
            cursor.execute("ALTER TABLE referrals_referral DROP COLUMN agency_access_from")
            access_window.ensure_sqlite(connection)
            assert window() == ("2026-01-05", "2026-12-31")
    finally:
        connection.close()
