"""Name search on PostgreSQL: pg_trgm with a GIN trigram index (see migration 0002)."""

import pytest
from django.db import connection

from casework.selectors import client_search
from tests.factories import ClientFactory

pytestmark = pytest.mark.postgres


def test_trigram_extension_and_index_exist(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'casework_client_search_name_trgm'"
        )
        (indexdef,) = cursor.fetchone()
    assert "gin" in indexdef and "gin_trgm_ops" in indexdef


def test_trigram_search_ranks_closest_names_first(personas):
    make = lambda first, last: ClientFactory(  # noqa: E731
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name=first,
        legal_last_name=last,
    )
    make("Rosa", "Martínez")
    make("Rosalind", "Marsh")
    make("Thi", "Nguyen")
    make("Nguyễn", "Văn An")
    result = client_search(user=personas.navigator_a, query="rosa martines")
    names = [c.display_name for c in result.page.object_list]
    assert names[0] == "Rosa Martínez"
    assert "Thi Nguyen" not in names
    result = client_search(user=personas.navigator_a, query="nguyen")
    assert {c.display_name for c in result.page.object_list} == {"Thi Nguyen", "Nguyễn Văn An"}
    # Too short for trigrams: names starting with it.
    result = client_search(user=personas.navigator_a, query="Ng")
    assert [c.display_name for c in result.page.object_list] == ["Nguyễn Văn An"]


def test_other_center_never_matches_on_postgres(personas):
    ClientFactory(
        center=personas.center_b,
        created_by=personas.navigator_b,
        legal_first_name="Rosa",
        legal_last_name="Martinez",
    )
    assert client_search(user=personas.navigator_a, query="rosa").total == 0


def test_phone_fragment_search_is_answered_by_the_trigram_index(personas):
    """Migration 0010: the infix LIKE that phone search emits can use a GIN trigram index (a
    B-tree cannot), so its cost follows the matches, not the number of clients."""
    for i in range(30):
        ClientFactory(
            center=personas.center_a,
            created_by=personas.navigator_a,
            phone=f"+1408555{i:04d}",
        )
    result = client_search(user=personas.navigator_a, query="555-0017")
    assert [c.phone.as_e164 for c in result.page.object_list] == ["+14085550017"]

    from casework.models import Client

    with connection.cursor() as cursor:
        # As on a table too big to read whole: no sequential scan, and no walk of a whole
        # B-tree (the name-order index) filtering row by row. Only an index whose condition
        # is the LIKE itself is left.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = Client.objects.filter(phone__contains="5550017").explain()
    assert "casework_client_phone_trgm" in plan, plan
