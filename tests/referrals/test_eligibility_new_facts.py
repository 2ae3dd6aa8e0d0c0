"""Issue 10, facts: the young-adult and household facts, "not asked" distinct from "no",
taken by the intake, the "what if" form, the ``screen`` command and the referral snapshot."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from referrals.demo import seed_demo
from referrals.eligibility import screen_program
from referrals.eligibility.facts import complete_facts, facts_from_intake, parse_fact
from referrals.eligibility.panel import parse_what_if
from tests.conftest import login
from tests.factories import ClientFactory, IntakeFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_parse_fact_reads_health_insurance_none_as_the_answer_none():
    assert parse_fact("health_insurance", "none") == "none"
    assert parse_fact("health_insurance", "unknown") is None
    assert parse_fact("is_tax_dependent", "no") is False
    assert parse_fact("hours_worked_per_week", "20") == 20
    assert parse_fact("household_immigration_status", "some_not_qualifying") == (
        "some_not_qualifying"
    )


def test_screen_command_reads_health_insurance_none():
    seed_demo()
    out = StringIO()
    call_command(
        "screen", "--zip", "95112", "--fact", "health_insurance=none", "--json", stdout=out
    )
    rows = {row["program"]: row for row in json.loads(out.getvalue())}
    bhs = rows["Behavioral Health Services Call Center"]
    assert bhs["status"] == "likely_eligible"
    assert "health_insurance" not in bhs["missing"]


@pytest.mark.parametrize(
    ("facts", "size", "income"),
    [
        # a pregnancy counts the unborn child(ren) in the household size
        ({"household_size": 1, "monthly_gross_income": 100, "is_pregnant": True}, 2, 100),
        (
            {
                "household_size": 2,
                "monthly_gross_income": 100,
                "is_pregnant": True,
                "expected_babies": 2,
            },
            4,
            100,
        ),
        # 19–20, nobody claims them: their own household and income
        (
            {
                "age": 19,
                "household_size": 4,
                "monthly_gross_income": 9000,
                "is_tax_dependent": False,
                "client_monthly_income": 700,
            },
            1,
            700,
        ),
        # 19–20 claimed as a dependent: the household's
        (
            {
                "age": 20,
                "household_size": 4,
                "monthly_gross_income": 9000,
                "is_tax_dependent": True,
                "client_monthly_income": 700,
            },
            4,
            9000,
        ),
        # 19–20 living with others, dependent answer not asked: unknown, never a guess
        ({"age": 19, "household_size": 4, "monthly_gross_income": 9000}, None, None),
        # 19–20 not a dependent, own income not asked: unknown
        (
            {"age": 20, "household_size": 3, "monthly_gross_income": 50, "is_tax_dependent": False},
            None,
            None,
        ),
        # 23, not claimed, living with others who bring in most of the income: their own
        (
            {
                "age": 23,
                "household_size": 3,
                "monthly_gross_income": 5000,
                "is_tax_dependent": False,
                "client_monthly_income": 10,
            },
            1,
            10,
        ),
        # a 19-year-old who is not claimed and brings in all the income heads the household
        (
            {
                "age": 19,
                "household_size": 4,
                "monthly_gross_income": 2632,
                "is_tax_dependent": False,
                "client_monthly_income": 2632,
                "children_ages": [5, 12],
            },
            4,
            2632,
        ),
    ],
)
def test_medi_cal_counts_unborn_children_and_young_adults_own_income(facts, size, income):
    derived = complete_facts(facts)
    assert derived["magi_household_size"] == size
    assert derived["magi_monthly_income"] == income


def test_intake_facts_and_not_asked(personas):
    client = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    intake = IntakeFactory(
        client=client,
        navigator=personas.navigator_a,
        is_tax_dependent=False,
        client_monthly_income=Decimal("640"),
        household_immigration_status="prefer_not_to_say",
    )
    facts = facts_from_intake(intake, on=datetime.date(2026, 6, 1))
    assert facts["is_tax_dependent"] is False
    assert facts["client_monthly_income"] == Decimal("640")
    assert facts["hours_worked_per_week"] is None  # not asked
    assert facts["household_immigration_status"] is None  # declined is not an answer


def test_what_if_takes_the_new_facts_and_explains_bad_ones():
    overrides, errors = parse_what_if(
        {"is_college_half_time": "yes", "hours_worked_per_week": "25", "expected_babies": "x"}
    )
    assert overrides == {"is_college_half_time": True, "hours_worked_per_week": 25}
    assert errors == ["“x” is not a valid answer for Babies expected."]


def test_what_if_page_shows_the_new_fields_and_applies_them(client, personas):
    seed_demo()
    c = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        date_of_birth=datetime.date(2007, 1, 1),
    )
    IntakeFactory(client=c, navigator=personas.navigator_a, household_size=4)
    login(client, personas.navigator_a)
    url = reverse("referrals:screening_whatif", args=[c.pk])
    page = client.get(url, {"is_tax_dependent": "no", "client_monthly_income": "600"})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="client_monthly_income"' in body and 'value="600"' in body
    assert 'value="no" selected' in body


def test_referral_snapshot_keeps_the_facts_but_not_immigration(personas):
    seed_demo()
    client = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    intake = IntakeFactory(
        client=client,
        navigator=personas.navigator_a,
        hours_worked_per_week=30,
        is_college_half_time=True,
        household_immigration_status="all_qualifying",
    )
    snapshot = screen_program(intake=intake, program=ProgramFactory()).to_snapshot()
    snapshot = json.loads(json.dumps(snapshot))
    assert snapshot["facts"]["hours_worked_per_week"] == 30
    assert snapshot["facts"]["is_college_half_time"] is True
    assert snapshot["facts"]["monthly_gross_income"] == "2300.00"
    assert "household_immigration_status" not in snapshot["facts"]
    assert "is_former_foster_youth" not in snapshot["facts"]  # not asked: not recorded


def test_client_page_shows_the_estimated_value_with_its_working(client, personas):
    seed_demo()
    c = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        date_of_birth=datetime.date(1990, 1, 1),
        zip_code="95112",
    )
    IntakeFactory(
        client=c,
        navigator=personas.navigator_a,
        household_size=1,
        monthly_gross_income=Decimal("1000"),
        hours_worked_per_week=20,
        household_has_elderly_or_disabled=False,
    )
    login(client, personas.navigator_a)
    body = client.get(reverse("casework:client_detail", args=[c.pk])).content.decode()
    assert "Estimated value — an estimate, not a promise:" in body
    # The client page shows the first programs of each group; the suggestions page has them all.
    body = client.get(reverse("referrals:screening_whatif", args=[c.pk])).content.decode()
    assert "Federal Lifeline: $9.25 a month off phone or internet" in body
    assert "30% of net income" in body  # CalFresh's working
