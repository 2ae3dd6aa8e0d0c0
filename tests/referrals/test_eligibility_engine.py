"""Screening behaviour a navigator relies on: statuses, reasons with numbers, questions for
missing facts, effective dates, service areas, capacity, ranking and the referral snapshot."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from referrals.demo import demo_uuid, seed_demo
from referrals.eligibility import (
    EligibilityStatus,
    compiled,
    render_reason,
    screen_facts,
    screen_intake,
    screen_program,
)
from referrals.eligibility.facts import facts_from_intake
from referrals.models import Criterion, Program
from tests.factories import ClientFactory, IntakeFactory, ProgramFactory

pytestmark = pytest.mark.django_db

LIKELY = EligibilityStatus.LIKELY_ELIGIBLE
MORE = EligibilityStatus.NEED_MORE_INFO
NOT = EligibilityStatus.NOT_ELIGIBLE


@pytest.fixture
def directory():
    seed_demo()
    return {p.hsds_id: p for p in Program.objects.all()}


def program(key):
    return Program.objects.get(hsds_id=demo_uuid("program", key))


def screen_one(key, on, **facts):
    facts.setdefault("zip_code", "95112")
    [result] = screen_facts(facts=facts, on=on, programs=[program(key)])
    return result


def texts(result, language="en"):
    return [r.render(language) for r in result.reasons]


def test_same_household_two_dates_two_guideline_years(directory):
    household = {
        "household_size": 2,
        "monthly_gross_income": Decimal("3550"),
        "household_has_elderly_or_disabled": False,
    }
    before = screen_one("calfresh", datetime.date(2026, 9, 30), **household)
    after = screen_one("calfresh", datetime.date(2026, 10, 1), **household)
    assert (before.status, before.rule_set_version, before.guideline_year) == (NOT, 2, 2025)
    assert (after.status, after.rule_set_version, after.guideline_year) == (LIKELY, 3, 2026)
    assert texts(before) == [
        "ZIP 95112 is in Santa Clara County, which the program serves",
        "Monthly income $3,550 is over 200% of the 2025 poverty guideline for a household of 2: "
        "$3,525",
        "Someone in the household is 60+ or disabled: no; the program requires yes",
    ]
    assert texts(after)[1] == (
        "Monthly income $3,550 is at or under 200% of the 2026 poverty guideline for a household "
        "of 2: $3,607"
    )


def test_medi_cal_rule_versions_follow_the_2026_enrollment_freeze(directory):
    adult = {"household_size": 1, "monthly_gross_income": 1500, "age": 40}
    assert screen_one("medi-cal-adults", datetime.date(2025, 12, 31), **adult).status == LIKELY
    jan = screen_one("medi-cal-adults", datetime.date(2026, 1, 2), **adult)
    assert jan.status == MORE and jan.rule_set_version == 2
    assert jan.missing == ["immigration_status"]
    assert jan.questions()[0].startswith("Only if the client is comfortable answering")
    frozen = screen_one(
        "medi-cal-adults", datetime.date(2026, 1, 2), immigration_status="undocumented", **adult
    )
    assert frozen.status == NOT


def test_missing_facts_ask_questions_and_never_make_not_eligible(directory):
    results = screen_facts(facts={}, on=datetime.date(2026, 5, 1))
    assert len(results) >= 25
    assert not [r.program.name for r in results if r.status == NOT]
    calfresh = next(r for r in results if r.program.name == "CalFresh (SNAP food benefits)")
    assert calfresh.status == MORE
    assert set(calfresh.missing) == {
        "zip_code",
        "monthly_gross_income",
        "household_size",
        "household_has_elderly_or_disabled",
    }
    assert "What is the household's total monthly income before taxes?" in calfresh.questions()


def test_a_known_failure_wins_over_unknown_facts(directory):
    result = screen_one("medi-cal-adults", datetime.date(2026, 5, 1), age=70)
    assert result.status == NOT
    assert "Age is 70, outside 19 to 64" in texts(result)


def test_any_of_group_lifeline(directory):
    on = datetime.date(2026, 5, 1)
    over = {"household_size": 1, "monthly_gross_income": 5000}
    unknown = screen_one("lifeline", on, **over)
    assert unknown.status == MORE
    assert "receives_snap" in unknown.missing
    on_snap = screen_one("lifeline", on, receives_snap=True, **over)
    assert on_snap.status == LIKELY
    assert texts(on_snap) == ["Receives CalFresh (SNAP): yes, as the program requires"]
    no_benefits = {name: False for name in unknown.missing}
    assert screen_one("lifeline", on, **no_benefits, **over).status == NOT


def test_wic_needs_a_child_or_pregnancy_and_income_or_adjunctive(directory):
    on = datetime.date(2026, 5, 1)
    ok = screen_one("wic", on, children_ages=[3], household_size=3, monthly_gross_income=4000)
    assert ok.status == LIKELY
    teen = screen_one(
        "wic",
        on,
        children_ages=[12],
        is_pregnant=False,
        household_size=3,
        monthly_gross_income=4000,
    )
    assert teen.status == NOT
    assert "No child under 5 (children's ages: 12)" in texts(teen)


def test_out_of_area_and_closed_programs_say_so(directory):
    on = datetime.date(2026, 5, 1)
    sf = screen_one("calfresh", on, zip_code="94102", household_size=1, monthly_gross_income=1)
    assert sf.status == NOT and sf.in_area is False
    assert "ZIP 94102 is outside Santa Clara County, which the program serves" in texts(sf)
    cupertino = screen_one(
        "demo-digital-bridge-laptops",
        on,
        zip_code="95014",
        has_working_device=False,
        household_size=1,
        monthly_gross_income=1,
    )
    assert cupertino.status == NOT
    assert texts(cupertino)[0].startswith("ZIP 95014 is outside the program's service area")
    section8 = screen_one("scc-section-8", on, receives_public_housing=False)
    assert section8.status == LIKELY and section8.is_closed
    assert [n.render() for n in section8.notices] == [
        "The program is closed to new referrals right now"
    ]


def test_programs_matching_stated_needs_rank_first(directory):
    results = screen_facts(
        facts={"zip_code": "95116"}, on=datetime.date(2026, 5, 1), needs=["housing"]
    )
    matching = [r.matches_need for r in results]
    assert matching[0] and matching == sorted(matching, reverse=True)
    assert {"housing"} <= set(results[0].program.need_categories)
    first_non_match = matching.index(False)
    statuses = [r.status for r in results[:first_non_match]]
    order = [LIKELY, MORE, NOT]
    assert statuses == sorted(statuses, key=order.index)


def test_facts_from_intake_derive_age_county_and_benefits(personas):
    client = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        date_of_birth=datetime.date(2008, 6, 15),
        zip_code="95116",
    )
    intake = IntakeFactory(
        client=client,
        navigator=personas.navigator_a,
        benefits_received=["calfresh"],
        children_ages=None,
        immigration_status="prefer_not_to_say",
    )
    facts = facts_from_intake(intake, on=datetime.date(2026, 6, 14))
    assert facts["age"] == 17
    assert facts_from_intake(intake, on=datetime.date(2026, 6, 15))["age"] == 18
    assert facts["county"] == "Santa Clara"
    assert facts["receives_snap"] is True and facts["receives_ssi"] is False
    assert facts["children_ages"] is None
    assert facts["immigration_status"] is None
    assert facts["monthly_gross_income"] == Decimal("2300.00")


def test_snapshot_is_json_and_rerenders_in_another_language(personas):
    seed_demo()
    client = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    intake = IntakeFactory(client=client, navigator=personas.navigator_a)
    result = screen_program(
        intake=intake, program=program("calfresh"), on=datetime.date(2026, 5, 1)
    )
    snapshot = json.loads(json.dumps(result.to_snapshot()))
    assert snapshot["status"] == "likely_eligible"
    assert snapshot["rule_set_version"] == 1 and snapshot["screened_on"] == "2026-05-01"
    income = snapshot["reasons"][1]
    assert income["message_id"] == "income_fpl.met"
    assert income["text"].startswith("Monthly income $2,300 is at or under 200%")
    assert income["citation"].startswith("CDSS CalFresh")
    # message id + params re-render in any language; the figures survive translation
    assert "$3,525" in render_reason(income, "es")
    assert "$3,525" in render_reason(income, "vi")


def test_what_if_overrides_change_results_without_saving(personas):
    seed_demo()
    client = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    intake = IntakeFactory(client=client, navigator=personas.navigator_a)
    cf = [program("calfresh")]
    on = datetime.date(2026, 5, 1)
    assert screen_intake(intake=intake, on=on, programs=cf)[0].status == LIKELY
    richer = screen_intake(
        intake=intake,
        on=on,
        programs=cf,
        overrides={
            "monthly_gross_income": Decimal("5000"),
            "household_has_elderly_or_disabled": False,
        },
    )
    assert richer[0].status == NOT
    intake.refresh_from_db()
    assert intake.monthly_gross_income == Decimal("2300.00")


def test_program_without_rules_is_open_and_says_so():
    p = ProgramFactory(service_area_county="")
    [result] = screen_facts(facts={}, programs=[p])
    assert result.status == EligibilityStatus.OPEN_TO_ALL
    assert result.get_status_display() == "Open to everyone in the service area"
    assert texts(result) == ["The program lists no eligibility rules on this date"]


def test_screening_queries_do_not_grow_with_programs(django_assert_num_queries):
    on = datetime.date(2026, 5, 1)
    ProgramFactory()
    # Cold: one freshness check, then guidelines, criteria, rule sets, programs.
    compiled.invalidate()
    with django_assert_num_queries(5):
        assert len(screen_facts(facts={"age": 30}, on=on)) == 1
    # Warm: only the freshness check.
    with django_assert_num_queries(1):
        screen_facts(facts={"age": 30}, on=on)
    seed_demo()
    compiled.invalidate()
    with django_assert_num_queries(5):
        everything = screen_facts(facts={"age": 30}, on=on)
    with django_assert_num_queries(1):
        assert len(screen_facts(facts={"age": 30}, on=on)) == len(everything) > 30
    with django_assert_num_queries(2):  # a queryset of programs costs one more query
        assert len(screen_facts(facts={}, on=on, programs=Program.objects.all()[:3])) == 3


def test_rule_changes_are_seen_at_once(directory):
    on = datetime.date(2026, 5, 1)
    household = {"household_size": 1, "monthly_gross_income": 2000, "age": 30}
    assert screen_one("clipper-start", on, **household).status == LIKELY
    criterion = program("clipper-start").rule_sets.get(version=2).criteria.get(fact="age")
    criterion.value = [35, 64]
    criterion.save()
    assert screen_one("clipper-start", on, **household).status == NOT
    # A change made elsewhere (another process) is seen through the history stamp.
    Criterion.objects.filter(pk=criterion.pk).update(value=[19, 64])
    Criterion.history.create(
        id=criterion.pk,
        rule_set_id=criterion.rule_set_id,
        position=0,
        fact="age",
        operator="between",
        value=[19, 64],
        explanation="",
        citation="",
        history_date=timezone.now(),
        history_type="~",
    )
    assert screen_one("clipper-start", on, **household).status == LIKELY


def test_a_date_no_rule_set_covers_needs_more_information(directory):
    result = screen_one("wic", datetime.date(2025, 6, 30), household_size=2)
    assert result.status == MORE and result.rule_set_id is None
    assert texts(result)[-1] == (
        "None of the program's rule sets is in force on 2025-06-30; check the rules with the "
        "program"
    )
