"""``ProbeExists`` (casework.access): the dashboard's "awaiting a response" walk checks the
grant of each referral it visits by an index probe, never by hashing every grant the center's
group holds (at county scale: 100,000 grants hashed to show 20 rows, 80 ms instead of 5)."""

import pytest
from django.db import connection

from referrals.access import referrals_sent_by
from referrals.models import ReferralStatus

from .referral_helpers import program_x, send

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner; SQLite has no hashed subplan"
)


def _plan(queryset) -> str:
    """PostgreSQL's plan, with a probe made as dear as it can be against a hash (the planner
    then hashes whatever it is allowed to)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL cpu_operator_cost = 0")
        cursor.execute("SET LOCAL random_page_cost = 1000")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_awaiting_walk_probes_each_grant(personas, client_a):
    for _ in range(3):
        send(personas, client_a, program=program_x(personas))
    user = personas.navigator_a

    def waiting(probe):
        return (
            referrals_sent_by(user=user, probe=probe)
            .filter(status=ReferralStatus.REQUESTED)
            .order_by("created_at")[:20]
        )

    # The plain form: with probes made dear the planner hashes the group's grants ...
    assert "hashed SubPlan" in _plan(waiting(False))
    # ... the probe form cannot be hashed, whatever the costs.
    plan = _plan(waiting(True))
    assert "SubPlan" in plan and "hashed" not in plan
    assert list(waiting(True)) == list(waiting(False))
