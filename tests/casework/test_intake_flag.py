"""``casework.intake_flag``: each client's "has an intake interview" kept by a PostgreSQL
trigger, so the dashboard's "no intake interview yet" walks only the clients without one (the
county's biggest center: 0.1 ms instead of 16 ms to probe each of its 20,000 clients). The flag
must always equal the question it stands for, whatever writes the intakes."""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef

from casework.access import grant_client_to_center
from casework.models import Client, IntakeInterview
from casework.selectors import clients_without_intake
from tests.factories import ClientFactory, IntakeFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the flag is kept by a PostgreSQL trigger"
)


def _flags() -> dict[int, tuple[bool, bool]]:
    """Per client: (the kept flag, whether an intake exists)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, has_intake FROM casework_client")
        kept = dict(cursor.fetchall())
    exists = dict(
        Client.objects.annotate(
            e=Exists(IntakeInterview.objects.filter(client=OuterRef("pk")))
        ).values_list("pk", "e")
    )
    return {pk: (kept[pk], exists[pk]) for pk in kept}


def _assert_true_everywhere():
    flags = _flags()
    assert flags and all(kept == exists for kept, exists in flags.values()), flags


def test_the_flag_follows_every_way_an_intake_is_written(personas):
    a = ClientFactory(center=personas.center_a)
    b = ClientFactory(center=personas.center_a)
    _assert_true_everywhere()
    assert _flags()[a.pk] == (False, False)  # a new client has none

    first = IntakeFactory(client=a, navigator=personas.navigator_a)
    second = IntakeFactory(client=a, navigator=personas.navigator_a)
    _assert_true_everywhere()
    assert _flags()[a.pk] == (True, True)

    # The client's own save (every model field written) leaves the kept column alone.
    a.refresh_from_db()
    a.legal_first_name = "Renamed"
    a.save()
    assert _flags()[a.pk] == (True, True)

    first.delete()  # one of two left
    assert _flags()[a.pk] == (True, True)
    IntakeInterview.objects.filter(pk=second.pk).update(client=b)  # moved, by a bulk update
    _assert_true_everywhere()
    assert (_flags()[a.pk], _flags()[b.pk]) == ((False, False), (True, True))
    IntakeInterview.objects.filter(client=b).delete()
    _assert_true_everywhere()
    assert _flags()[b.pk] == (False, False)


def test_the_dashboard_list_is_the_clients_with_no_intake(personas, client_a):
    """The same clients and total as the question asked per client, for each navigator,
    with a client shared with another center."""
    for i in range(4):
        c = ClientFactory(center=personas.center_a, legal_first_name=f"A{i}")
        if i % 2:
            IntakeFactory(client=c, navigator=personas.navigator_a)
    shared = ClientFactory(center=personas.center_b, legal_first_name="Shared")
    grant_client_to_center(client=shared, center=personas.center_a)
    ClientFactory(center=personas.center_b, legal_first_name="B")

    for user in (personas.navigator_a, personas.navigator_b, personas.partner_x):
        rows, total = clients_without_intake(user=user, limit=3)
        expected = list(
            Client.objects.filter(center__in=user.memberships.values("organization"))
            .filter(~Exists(IntakeInterview.objects.filter(client=OuterRef("pk"))))
            .order_by("-id")
            .values_list("pk", flat=True)
        )
        assert [c.pk for c in rows] == expected[:3]
        assert total == len(expected)
    assert clients_without_intake(user=personas.navigator_a)[1] == 2
