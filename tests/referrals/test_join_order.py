"""``joins_in_written_order`` (casework.access): the referral page's one row with its seven
related tables is planned with the joins in the order written (PostgreSQL otherwise tries every
order: 5 ms of planning for 0.4 ms of work at county scale), and only that query: the setting
is put back for the rest of a transaction that goes on."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from casework.access import joins_in_written_order
from referrals.access import get_referral_or_404

from .referral_helpers import program_x, send

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner setting"
)


def _limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('join_collapse_limit')")
        return cursor.fetchone()[0]


def test_inside_the_joins_keep_their_order_and_an_outer_transaction_gets_its_setting_back(db):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 6")
        with joins_in_written_order():
            assert _limit() == "1"
        assert _limit() == "6"


def test_outside_a_transaction_the_setting_ends_with_it(transactional_db):
    default = _limit()
    with joins_in_written_order():
        assert _limit() == "1"
    assert _limit() == default != "1"


def test_the_referral_is_fetched_with_its_joins_in_written_order(personas, client_a):
    referral = send(personas, client_a, program=program_x(personas))
    with transaction.atomic():  # as in a request that goes on to write
        with CaptureQueriesContext(connection) as queries:
            found = get_referral_or_404(
                user=personas.partner_x, reference_code=referral.reference_code
            )
        after = _limit()
    assert found == referral
    assert found.client == client_a  # the related rows came with it
    sql = [q["sql"] for q in queries.captured_queries]
    fetch = next(i for i, s in enumerate(sql) if 'FROM "referrals_referral" INNER JOIN' in s)
    assert "set_config('join_collapse_limit', '1', true)" in sql[fetch - 1]
    assert after != "1"


def _fetched_in_written_order(queries, table: str) -> bool:
    sql = [q["sql"] for q in queries.captured_queries]
    fetch = next(i for i, s in enumerate(sql) if f'FROM "{table}" INNER JOIN' in s)
    return "set_config('join_collapse_limit', '1', true)" in sql[fetch - 1]


def test_the_jobs_load_their_rows_with_the_joins_in_written_order(personas, client_a):
    """The packet job's referral (7 related tables: 11 ms of planning under load) and the
    status-change notice's event (8 ms), each one row by its key."""
    from referrals.models import ReferralEvent
    from referrals.packets.services import _load as packet_load
    from referrals.services.notifications import notify_status_change

    referral = send(personas, client_a, program=program_x(personas))
    with CaptureQueriesContext(connection) as queries:
        assert packet_load(referral.pk) == referral
    assert _fetched_in_written_order(queries, "referrals_referral")
    event = ReferralEvent.objects.filter(referral=referral).latest("at")
    with CaptureQueriesContext(connection) as queries:
        notify_status_change(event.pk)
    assert _fetched_in_written_order(queries, "referrals_referralevent")
