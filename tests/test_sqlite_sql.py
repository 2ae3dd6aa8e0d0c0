"""The embedded database (SQLite, `make run`) compiles every visibility query: CI runs on
PostgreSQL, and a query only SQLite refuses (an ORDER BY inside a UNION) once broke every page
of the embedded install. Each queryset is compiled for an in-memory SQLite connection, where
SQLite's compiler refuses what it cannot run."""

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

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
            assert "SELECT" in _compiles(queryset, connection)
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
