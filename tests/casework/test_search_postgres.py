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


def _all_pages(user, per_page=4):
    pages, number = [], 1
    while True:
        found = client_search(user=user, page_number=number, per_page=per_page)
        pages.append([c.pk for c in found.page.object_list])
        if not found.page.has_next():
            return pages, found.total
        number += 1


def test_the_unsearched_list_reads_the_same_walked_or_joined(personas, monkeypatch):
    """The list's pages by a walk of the name index with a grant probe per client, and by a
    join of the user's grants: the same clients, in the same order, on every page."""
    from casework import selectors
    from casework.access import grant_client_to_center

    for i in range(7):
        ClientFactory(center=personas.center_a, legal_last_name=f"Adams{i % 3}")
        b = ClientFactory(center=personas.center_b, legal_last_name=f"Baker{i % 2}")
        if i % 3 == 0:  # shared with center A
            grant_client_to_center(client=b, center=personas.center_a)
    for persona in (personas.navigator_a, personas.navigator_b):
        monkeypatch.setattr(selectors, "NAME_WALK_MAX_ROWS", 10**9)
        walked, walked_total = _all_pages(persona)
        monkeypatch.setattr(selectors, "NAME_WALK_MAX_ROWS", 0)
        joined, joined_total = _all_pages(persona)
        assert walked == joined and walked_total == joined_total > 4
    assert len(_all_pages(personas.navigator_a)[0][0]) == 4


@pytest.mark.parametrize(
    ("total", "page", "walk"),
    [
        (20_000, 1, True),  # the county's biggest center, first page: 250 rows walked
        (20_000, 40, True),  # 10,000 rows
        (20_000, 41, False),  # deeper: the join
        (100, 1, False),  # a small center: 50,000 rows to walk for one page
        (0, 1, False),
    ],
)
def test_the_walk_is_chosen_only_when_it_visits_few_rows(db, monkeypatch, total, page, walk):
    from casework import selectors

    monkeypatch.setattr(selectors, "_clients_in_county", lambda: 200_000.0)
    assert selectors._name_walk_pays(total=total, page_number=page, per_page=25) is walk


def test_a_name_search_page_brings_its_total_in_the_same_query(personas):
    """The page's query also counts the matches (a window count): one query where the
    paginator used to count first; the pages and the total are those of Django's paginator,
    including a page past the end (the last page) and a page that is not a number (the
    first)."""
    from django.core.paginator import Paginator
    from django.test.utils import CaptureQueriesContext

    from casework.access import clients_visible_to
    from casework.selectors import _name_paginator

    for i in range(7):
        ClientFactory(center=personas.center_a, legal_first_name="Rosa", legal_last_name=f"M{i}")
    ClientFactory(center=personas.center_b, legal_first_name="Rosa", legal_last_name="B")
    user = personas.navigator_a
    searched = _name_paginator(clients_visible_to(user=user), "rosa", 3)
    plain = Paginator(searched.object_list, 3)
    for number in (1, 2, 3, 4, "x", None):
        windowed = _name_paginator(clients_visible_to(user=user), "rosa", 3)
        with CaptureQueriesContext(connection) as queries:
            page = windowed.get_page(number)
            rows = [c.pk for c in page.object_list]
        expected = plain.get_page(number)
        assert rows == [c.pk for c in expected.object_list]
        assert (page.number, windowed.count, windowed.num_pages) == (expected.number, 7, 3)
        # Past the end: the count, then the last page; otherwise the page alone.
        assert len(queries) == (3 if number == 4 else 1), [q["sql"] for q in queries]
    nothing = _name_paginator(clients_visible_to(user=user), "zzyzx", 3)
    with CaptureQueriesContext(connection) as queries:
        page = nothing.get_page(1)
        assert (list(page.object_list), nothing.count, page.number) == ([], 0, 1)
    assert len(queries) == 1
