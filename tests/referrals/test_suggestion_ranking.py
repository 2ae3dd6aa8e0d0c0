"""Suggestions ranked as a navigator works: stated need, likely eligible, need more information,
open to everyone; not eligible last; closed programs after open ones within a section."""

import datetime

import pytest
from django.urls import reverse

from referrals.models import Criterion, RuleSet
from tests.conftest import login
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def _with_rule(program, *, fact, operator, value):
    rule_set = RuleSet.objects.create(
        program=program, version=1, effective_from=datetime.date(2025, 1, 1)
    )
    Criterion.objects.create(
        rule_set=rule_set,
        fact=fact,
        operator=operator,
        value=value,
        explanation=f"{fact} {operator} {value}",
        citation="x",
    )
    return program


def test_sections_in_order_with_closed_programs_last(client, personas, client_a):
    # client_a: household of 2, $2,300 a month, stated need "food"; veteran status not asked.
    agency = personas.agency_x
    food_closed = ProgramFactory(agency=agency, name="A pantry (closed)", need_categories=["food"])
    food_closed.capacity_status = "closed"
    food_closed.save()
    food_open = ProgramFactory(agency=agency, name="Z pantry", need_categories=["food"])
    likely = _with_rule(
        ProgramFactory(agency=agency, name="Job club", need_categories=["jobs"]),
        fact="household_size",
        operator="gte",
        value=1,
    )
    more = _with_rule(
        ProgramFactory(agency=agency, name="Vets help", need_categories=["jobs"]),
        fact="is_veteran",
        operator="eq",
        value=True,
    )
    everyone = ProgramFactory(agency=agency, name="Library cards", need_categories=["education"])
    not_eligible = _with_rule(
        ProgramFactory(agency=agency, name="Big households", need_categories=["housing"]),
        fact="household_size",
        operator="gte",
        value=8,
    )
    login(client, personas.navigator_a)
    body = client.get(reverse("referrals:screening_whatif", args=[client_a.pk])).content.decode()
    order = [
        body.index(f'data-program="{p.pk}"')
        for p in (food_open, food_closed, likely, more, everyone, not_eligible)
    ]
    assert order == sorted(order)
    headings = [
        body.index(f'id="suggestions-{key}"')
        for key in ("need", "likely_eligible", "need_more_info", "open", "not_eligible")
    ]
    assert headings == sorted(headings)
    assert "Open to everyone (1)" in body
    more_card = body[order[3] : order[4]]
    assert "Ask the client:" in more_card
    assert "Does not meet:" in body[order[5] :]  # not eligible shows its reason


def test_the_page_shows_ten_per_group_and_a_group_in_full_on_asking(
    client, personas, client_a, django_assert_num_queries
):
    """A county catalogue made the page after every intake draw every program: now each group
    shows its first ten and a link to see the whole group, which lists every one of them."""
    from referrals.eligibility.panel import PAGE_LIMIT

    everyone = [
        ProgramFactory(
            agency=personas.agency_x, name=f"Library {n:02d}", need_categories=["education"]
        )
        for n in range(PAGE_LIMIT + 5)
    ]
    login(client, personas.navigator_a)
    url = reverse("referrals:screening_whatif", args=[client_a.pk])
    body = client.get(url).content.decode()
    assert "Open to everyone (15)" in body
    shown = [p for p in everyone if f'data-program="{p.pk}"' in body]
    assert [p.name for p in shown] == [f"Library {n:02d}" for n in range(PAGE_LIMIT)]
    link = f"{url}?section=open#suggestions-open"
    assert f'href="{link}"' in body and "See all 15 programs in this group" in body

    whole = client.get(f"{url}?section=open").content.decode()
    assert all(f'data-program="{p.pk}"' in whole for p in everyone)
    assert "See all 15 programs in this group" not in whole
    # An unknown group is ignored: the page as before.
    other = client.get(f"{url}?section=nonsense").content.decode()
    assert sum(f'data-program="{p.pk}"' in other for p in everyone) == PAGE_LIMIT
    # The whole group costs the same queries however many programs it holds.
    before = _queries(client, f"{url}?section=open")
    for n in range(10):
        ProgramFactory(agency=personas.agency_y, name=f"Museum {n}", need_categories=["education"])
    client.get(f"{url}?section=open")
    with django_assert_num_queries(before):
        client.get(f"{url}?section=open")


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)
