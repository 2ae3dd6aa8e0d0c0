"""The client page's suggestions panel and the "what if" view."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import AccessLogEntry, IntakeInterview
from referrals.demo import seed_demo
from referrals.eligibility import compiled
from referrals.models import Criterion, Program, RuleSet
from tests.conftest import login
from tests.factories import ClientFactory, ProgramFactory

pytestmark = pytest.mark.django_db

CALFRESH = "CalFresh (SNAP food benefits)"


def whatif_url(client):
    return reverse("referrals:screening_whatif", args=[client.pk])


def section(html, status):
    """The HTML of one status group (its heading up to the next group heading)."""
    start = html.index(f'id="suggestions-{status}"')
    nxt = [html.find('id="suggestions-', start + 10)]
    end = nxt[0] if nxt[0] != -1 else len(html)
    return html[start:end]


def test_client_page_shows_suggestions_ranked_with_reasons(client, client_a, personas):
    seed_demo()
    login(client, personas.navigator_a)
    html = client.get(reverse("casework:client_detail", args=[client_a.pk])).content.decode()
    assert "Program suggestions" in html
    # The client stated a food need: CalFresh comes first, in "Matches a stated need".
    need = section(html, "need")
    assert html.index('id="suggestions-need"') < html.index('id="suggestions-likely_eligible"')
    assert CALFRESH in need
    assert (
        "Monthly income $2,300 is at or under 200% of the 2026 poverty guideline for a household "
        "of 2: $3,607" in need
    )
    assert f"{reverse('referrals:send', args=[client_a.pk])}?program=" in need  # Refer button
    # Each card: agency, address, hours, languages spoken, last verified.
    assert "Santa Clara County Social Services Agency" in need
    assert "1867 Senter Rd" in need and "Mon–Fri 8:00–17:00" in need
    assert "Español, Tiếng Việt" in need
    assert "Last verified" in need
    # The demo-data warning once per page, not on every card.
    assert html.count("Demo data — verify before use") == 1
    more = section(html, "need_more_info")
    assert "Ask the client:" in more
    assert section(html, "not_eligible").count("Refer<") == 0  # no Refer on a not-eligible card
    assert 'id="panel-suggestions"' in html


def test_what_if_changes_results_and_saves_nothing(client, client_a, personas):
    seed_demo()
    login(client, personas.navigator_a)
    response = client.get(
        whatif_url(client_a),
        {
            "monthly_gross_income": "5000",
            "household_size": "2",
            "household_has_elderly_or_disabled": "no",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert CALFRESH in section(html, "not_eligible")
    assert "Monthly income $5,000 is over 200% of the 2026 poverty guideline" in html
    assert "These results are not saved." in html
    bigger = client.get(
        whatif_url(client_a), {"monthly_gross_income": "5000", "household_size": "5"}
    ).content.decode()
    assert "<html" in bigger  # without htmx it is a page of its own
    assert CALFRESH in section(bigger, "need")
    intake = IntakeInterview.objects.get(client=client_a)
    assert (intake.monthly_gross_income, intake.household_size) == (Decimal("2300.00"), 2)
    assert AccessLogEntry.objects.filter(client_id=client_a.pk, object_type="intake").exists()


def test_what_if_bad_input_says_what_to_enter(client, client_a, personas):
    login(client, personas.navigator_a)
    html = client.get(
        whatif_url(client_a), {"monthly_gross_income": "lots", "household_size": "0"}
    ).content.decode()
    assert "Enter the monthly income as an amount in dollars" in html
    assert "Enter the household size as a whole number from 1 to 30." in html


@pytest.mark.parametrize(
    "persona", ["navigator_b", "partner_x", "partner_y", "manager", "outsider"]
)
def test_what_if_is_404_for_the_wrong_persona(client, client_a, personas, persona):
    login(client, getattr(personas, persona))
    assert client.get(whatif_url(client_a)).status_code == 404
    assert client.get(reverse("referrals:screening_whatif", args=[999999])).status_code == 404


def test_client_without_intake_gets_profile_only_suggestions(client, personas):
    seed_demo()
    new = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        date_of_birth=datetime.date(2005, 1, 1),
        zip_code="95116",
    )
    login(client, personas.navigator_a)
    html = client.get(whatif_url(new)).content.decode()
    assert "No intake interview yet" in html
    assert "What is the household&#x27;s total monthly income before taxes?" in html


def _add_programs(n):
    for i in range(n):
        program = ProgramFactory(name=f"Extra program {i}", service_area_county="Santa Clara")
        rule_set = RuleSet.objects.create(
            program=program,
            version=1,
            effective_from=datetime.date(2025, 1, 1),
            guideline_year=2026,
        )
        Criterion.objects.create(
            rule_set=rule_set,
            fact="monthly_gross_income",
            operator="lte_fpl_pct",
            value=150,
            explanation="x",
            citation="y",
        )
        Criterion.objects.create(
            rule_set=rule_set, fact="age", operator="gte", value=18, explanation="x", citation="y"
        )


def test_what_if_query_count_does_not_grow_with_programs(
    client, client_a, personas, django_assert_num_queries
):
    login(client, personas.navigator_a)
    _add_programs(1)
    client.get(whatif_url(client_a))  # warm caches (content types) shared by every request
    compiled.invalidate()  # measure the worst case: rules reloaded from the database
    with CaptureQueriesContext(connection) as few:
        assert client.get(whatif_url(client_a), {"household_size": "3"}).status_code == 200
    with CaptureQueriesContext(connection) as few_warm:
        client.get(whatif_url(client_a), {"household_size": "3"})
    _add_programs(40)
    assert Program.objects.count() == 41
    compiled.invalidate()
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(whatif_url(client_a), {"household_size": "3"}).content.decode()
    assert html.count('class="cb-suggestion ') == 10  # the page's first ten of the group
    with django_assert_num_queries(len(few_warm.captured_queries)):
        html = client.get(
            whatif_url(client_a), {"household_size": "3", "section": "need"}
        ).content.decode()
    assert html.count('class="cb-suggestion ') == 41  # the whole group, when asked
    with django_assert_num_queries(len(few_warm.captured_queries)):
        client.get(whatif_url(client_a), {"household_size": "3"})


def test_client_page_lists_a_few_per_section_and_links_to_all(client, client_a, personas):
    _add_programs(20)
    login(client, personas.navigator_a)
    page = client.get(reverse("casework:client_detail", args=[client_a.pk])).content.decode()
    need = section(page, "need")
    assert "Matches a stated need (20)" in need
    assert need.count('class="cb-suggestion ') == 3
    assert "See all 20 programs in this group" in need
    # The link opens the group whole; the page alone shows its first ten.
    assert f'href="{whatif_url(client_a)}?section=need#suggestions-need"' in need
    full = client.get(whatif_url(client_a), {"section": "need"}).content.decode()
    assert section(full, "need").count('class="cb-suggestion ') == 20
    first = client.get(whatif_url(client_a)).content.decode()
    assert section(first, "need").count('class="cb-suggestion ') == 10
