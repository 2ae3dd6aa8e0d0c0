"""Issue 10, rules: the named scenarios, every rule set on both sides of its effective dates,
notices instead of "not eligible", the open-to-everyone result and the estimated value."""

import datetime
import itertools
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from referrals.demo import DATA_FILE, demo_uuid, seed_demo
from referrals.eligibility import EligibilityStatus, screen_facts
from referrals.models import Program
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

LIKELY = EligibilityStatus.LIKELY_ELIGIBLE
MORE = EligibilityStatus.NEED_MORE_INFO
NOT = EligibilityStatus.NOT_ELIGIBLE
OPEN = EligibilityStatus.OPEN_TO_ALL
ON = datetime.date(2026, 7, 15)
# 2026 HHS guideline (reference file): 1 $15,960, each additional $5,680
G26 = {n: 15960 + (n - 1) * 5680 for n in range(1, 9)}


@pytest.fixture(autouse=True)
def directory():
    seed_demo()


def program(key):
    return Program.objects.get(hsds_id=demo_uuid("program", key))


def screen(key, on=ON, **facts):
    facts.setdefault("zip_code", "95112")
    [result] = screen_facts(facts=facts, on=on, programs=[program(key)])
    return result


def monthly(size, percent):
    return Decimal(G26[size]) * percent / 1200


def notice_texts(result):
    return [n.render("en") for n in result.notices]


# ---------------------------------------------------------------- the scenarios


def test_18_year_old_alone_with_no_income_is_likely_eligible_for_medi_cal():
    result = screen("medi-cal-children", age=18, household_size=1, monthly_gross_income=0)
    assert result.status == LIKELY
    assert "Age is 18, under 19" in [r.render("en") for r in result.reasons]
    # the adult program still says 19–64: the children's program is the one that covers them
    assert screen("medi-cal-adults", age=18, household_size=1, monthly_gross_income=0).status == NOT


def test_pregnant_woman_alone_at_150_percent_is_likely_eligible():
    income = monthly(1, 150).quantize(Decimal("1"))
    result = screen(
        "medi-cal-pregnancy",
        age=27,
        household_size=1,
        monthly_gross_income=income,
        is_pregnant=True,
    )
    assert result.status == LIKELY
    text = [r.render("en") for r in result.reasons][-1]
    assert "household of 2 (counting expected babies)" in text  # the unborn child counts
    assert "$3,842" in text  # 213% of the two-person 2026 guideline


def test_one_person_at_220_percent_of_the_line_utilities_use_gets_fera_not_care():
    # CARE and FERA use the two-person line for one person (CPUC tables: "1–2 people").
    income = monthly(2, 220).quantize(Decimal("1"))
    household = {"household_size": 1, "monthly_gross_income": income}
    for name, value in (("receives_snap", False), ("receives_medi_cal", False)):
        household[name] = value
    household |= {"receives_ssi": False, "receives_wic": False, "receives_calworks": False}
    fera = screen("pge-fera", **household)
    care = screen("pge-care", **household)
    assert fera.status == LIKELY and care.status == NOT
    assert "which the program uses for a household of 1" in fera.reasons[-1].render("en")
    # 220% of the ONE-person guideline is under 200% of the two-person line: CARE, not FERA.
    low = dict(household, monthly_gross_income=monthly(1, 220).quantize(Decimal("1")))
    assert screen("pge-care", **low).status == LIKELY
    assert screen("pge-fera", **low).status == NOT


def test_family_of_three_at_190_percent_is_not_eligible_for_calworks():
    income = monthly(3, 190).quantize(Decimal("1"))
    result = screen("calworks", household_size=3, monthly_gross_income=income, children_ages=[4, 9])
    assert result.status == NOT
    assert any(
        "over the program's limit for a household of 3" in r.render("en") for r in result.reasons
    )
    # a low-wage family of three passes both tests
    low = screen(
        "calworks",
        household_size=3,
        monthly_gross_income=1000,
        children_ages=[4, 9],
        hours_worked_per_week=20,
    )
    assert low.status == LIKELY


def test_abawd_age_adult_gets_a_calfresh_notice_not_not_eligible():
    adult = {
        "age": 30,
        "household_size": 1,
        "monthly_gross_income": 900,
        "children_ages": [],
        "is_pregnant": False,
        "has_disability": False,
        "hours_worked_per_week": 0,
        "household_has_elderly_or_disabled": False,
    }
    after = screen("calfresh", datetime.date(2026, 6, 1), **adult)
    assert after.status == LIKELY
    assert any(t.startswith("Work rules may apply") for t in notice_texts(after))
    before = screen("calfresh", datetime.date(2026, 5, 31), **adult)
    assert before.status == LIKELY and notice_texts(before) == []
    # working 20 hours, or caring for a child under 14, means no notice
    assert notice_texts(screen("calfresh", ON, **(adult | {"hours_worked_per_week": 20}))) == []
    assert notice_texts(screen("calfresh", ON, **(adult | {"children_ages": [13]}))) == []
    assert notice_texts(screen("calfresh", ON, **(adult | {"age": 65}))) != ["Work rules may apply"]


def test_calfresh_student_immigration_and_elderly_notices():
    base = {"age": 20, "household_size": 1, "monthly_gross_income": 900, "children_ages": []}
    student = screen(
        "calfresh",
        **base,
        is_college_half_time=True,
        hours_worked_per_week=5,
        has_disability=False,
        receives_calworks=False,
        household_has_elderly_or_disabled=False,
        is_pregnant=False,
    )
    assert student.status == MORE  # asks rather than turning the student away
    assert any(t.startswith("College students enrolled") for t in notice_texts(student))
    working = screen(
        "calfresh",
        **base,
        is_college_half_time=True,
        hours_worked_per_week=20,
        household_has_elderly_or_disabled=False,
    )
    assert working.status == LIKELY
    mixed = screen(
        "calfresh",
        **base,
        household_immigration_status="some_not_qualifying",
        household_has_elderly_or_disabled=False,
    )
    assert mixed.status == LIKELY
    assert any(t.startswith("Household members without") for t in notice_texts(mixed))
    # over 200% with someone 60+ or disabled: the net-income test decides, never "not eligible"
    over = {"household_size": 2, "monthly_gross_income": 4000, "zip_code": "95112"}
    elderly = screen("calfresh", **over, household_has_elderly_or_disabled=True)
    assert elderly.status == MORE
    assert any("net-income test" in t for t in notice_texts(elderly))
    assert screen("calfresh", **over, household_has_elderly_or_disabled=False).status == NOT


def test_a_missing_fact_never_produces_not_eligible():
    everyone = screen_facts(facts={}, on=ON)
    assert not [r.program.name for r in everyone if r.status == NOT]
    # one fact at a time, each known as "no", others unknown: only rules on that fact can fail
    young = screen_facts(
        facts={"age": 19, "household_size": 4, "monthly_gross_income": 9000, "zip_code": "95112"},
        on=ON,
        programs=[program("medi-cal-adults"), program("medi-cal-pregnancy")],
    )
    assert {r.status for r in young} == {MORE}  # dependent answer and pregnancy unknown


def test_young_adult_not_claimed_is_judged_on_own_income():
    household = {"age": 19, "household_size": 4, "monthly_gross_income": 9000}
    own = screen(
        "medi-cal-adults",
        **household,
        is_tax_dependent=False,
        client_monthly_income=800,
        immigration_status="citizen",
    )
    assert own.status == LIKELY
    claimed = screen(
        "medi-cal-adults",
        **household,
        is_tax_dependent=True,
        client_monthly_income=800,
        immigration_status="citizen",
    )
    assert claimed.status == NOT


@pytest.mark.parametrize(
    ("key", "facts", "status"),
    [
        (
            "medi-cal-aged-disabled",
            {"age": 70, "household_size": 1, "monthly_gross_income": 1800},
            LIKELY,
        ),
        (
            "medi-cal-aged-disabled",
            {
                "age": 70,
                "household_size": 1,
                "monthly_gross_income": 1837,
                "hours_worked_per_week": 0,
                "receives_ssi": False,
            },
            NOT,
        ),
        (
            "medi-cal-aged-disabled",
            {
                "age": 40,
                "has_disability": False,
                "receives_ssi": True,
                "household_size": 1,
                "monthly_gross_income": 2500,
            },
            LIKELY,
        ),
        (
            "medi-cal-working-disabled",
            {
                "has_disability": True,
                "hours_worked_per_week": 10,
                "household_size": 1,
                "monthly_gross_income": 3325,
            },
            LIKELY,
        ),
        (
            "medi-cal-working-disabled",
            {
                "has_disability": True,
                "hours_worked_per_week": 0,
                "household_size": 1,
                "monthly_gross_income": 100,
            },
            NOT,
        ),
        (
            "medi-cal-former-foster-youth",
            {"is_former_foster_youth": True, "foster_care_exit_age": 18, "age": 25},
            LIKELY,
        ),
        (
            "medi-cal-former-foster-youth",
            {"is_former_foster_youth": True, "foster_care_exit_age": 18, "age": 26},
            NOT,
        ),
        (
            "medi-cal-former-foster-youth",
            {"is_former_foster_youth": True, "foster_care_exit_age": 17, "age": 20},
            NOT,
        ),
        (
            "ab12-extended-foster-care",
            {"is_former_foster_youth": True, "foster_care_exit_age": 18, "age": 20},
            LIKELY,
        ),
        (
            "ab12-extended-foster-care",
            {"is_former_foster_youth": True, "foster_care_exit_age": 18, "age": 21},
            NOT,
        ),
        (
            "scc-ilp",
            {"is_former_foster_youth": True, "foster_care_exit_age": 16, "age": 16},
            LIKELY,
        ),
        (
            "thp-plus",
            {"is_former_foster_youth": True, "foster_care_exit_age": 19, "age": 24},
            LIKELY,
        ),
        ("thp-plus", {"is_former_foster_youth": False, "age": 20}, NOT),
        ("job-corps", {"age": 17, "household_size": 3, "monthly_gross_income": 500}, LIKELY),
        ("job-corps", {"age": 25, "household_size": 3, "monthly_gross_income": 500}, NOT),
        ("work2future-youth", {"age": 22, "is_former_foster_youth": True}, LIKELY),
        ("cash-for-college", {"age": 16}, LIKELY),
        # A&D: $20 + $65 and half of earnings disregarded before the 138% test
        (
            "medi-cal-aged-disabled",
            {
                "age": 74,
                "household_size": 1,
                "monthly_gross_income": 2370,
                "hours_worked_per_week": 40,
            },
            LIKELY,
        ),
        (
            "medi-cal-aged-disabled",
            {
                "age": 70,
                "household_size": 1,
                "monthly_gross_income": 1836,
                "hours_worked_per_week": 0,
            },
            LIKELY,
        ),
        # MCAP and C-CHIP: 322%, the unborn child counting
        (
            "medi-cal-access-program",
            {"is_pregnant": True, "household_size": 1, "monthly_gross_income": 5807},
            LIKELY,
        ),
        (
            "medi-cal-access-program",
            {"is_pregnant": True, "household_size": 1, "monthly_gross_income": 5808},
            NOT,
        ),
        (
            "scc-cchip",
            {"children_ages": [9], "household_size": 2, "monthly_gross_income": 5021},
            LIKELY,
        ),
        (
            "scc-cchip",
            {"children_ages": [9], "household_size": 2, "monthly_gross_income": 5808},
            NOT,
        ),
        # CalWORKs: a client under 18 is the child
        (
            "calworks",
            {"age": 17, "children_ages": [], "household_size": 1, "monthly_gross_income": 0},
            LIKELY,
        ),
        ("ca-lifeline", {"household_size": 2, "monthly_gross_income": 2692}, LIKELY),
        (
            "ca-lifeline",
            {
                "household_size": 1,
                "monthly_gross_income": 2693,
                "receives_snap": False,
                "receives_medi_cal": False,
                "receives_ssi": False,
                "receives_wic": False,
                "receives_calworks": False,
                "receives_public_housing": False,
            },
            NOT,
        ),
    ],
)
def test_new_programs(key, facts, status):
    result = screen(key, **facts)
    assert result.status == status, [r.render("en") for r in result.reasons]
    assert program(key).is_demo


def test_every_rule_set_switches_on_its_effective_dates():
    data = json.loads(DATA_FILE.read_text())
    checked = 0
    for spec in data["programs"]:
        versions = sorted(spec["rule_sets"], key=lambda rs: rs["effective_from"])
        for older, newer in itertools.pairwise(versions):
            first = datetime.date.fromisoformat(newer["effective_from"])
            last = first - datetime.timedelta(days=1)
            assert older["effective_to"] == last.isoformat(), spec["key"]
            assert screen(spec["key"], last).rule_set_version == older["version"]
            after = screen(spec["key"], first)
            assert after.rule_set_version == newer["version"]
            assert after.guideline_year == newer["guideline_year"]
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize(
    ("key", "year_before", "year_after", "switch"),
    [
        ("medi-cal-children", 2025, 2026, "2026-04-01"),
        ("pge-fera", 2025, 2026, "2026-06-01"),
        ("att-access", 2025, 2026, "2026-01-13"),
        ("clipper-start", 2025, 2026, "2026-01-13"),
        ("shfb-csfp", 2025, 2026, "2026-07-01"),
        ("college-promise-grant", 2025, 2026, "2026-07-01"),
    ],
)
def test_guideline_pinned_programs_move_to_2026_on_their_own_date(
    key, year_before, year_after, switch
):
    day = datetime.date.fromisoformat(switch)
    assert screen(key, day - datetime.timedelta(days=1)).guideline_year == year_before
    assert screen(key, day).guideline_year == year_after


def test_programs_without_rules_are_open_to_everyone_and_rank_after_screened_in():
    open_program = ProgramFactory(service_area_county="", name="AAA open program")
    results = screen_facts(
        facts={"age": 30, "household_size": 1, "monthly_gross_income": 900, "zip_code": "95112"},
        on=ON,
        programs=[open_program, program("clipper-start")],
    )
    assert [r.status for r in results] == [LIKELY, OPEN]
    assert (
        results[1].reasons[0].render("en") == "The program lists no eligibility rules on this date"
    )


# ---------------------------------------------------------------- estimated value


def test_calfresh_estimate_shows_its_working():
    result = screen(
        "calfresh",
        household_size=1,
        monthly_gross_income=1000,
        hours_worked_per_week=20,
        household_has_elderly_or_disabled=False,
    )
    # FY2026 (before 2026-10-01): max $298; 1,000 − 20% (200) − standard 209 = 591; 30% → 178
    assert result.estimated_monthly_value == Decimal("120")
    working = [w.render("en") for w in result.value_working]
    assert working[0] == (
        "Estimate for 1 people (FY2026): maximum $298 − 30% of net income. Net income = $1,000 "
        "− earned-income deduction $200 − standard deduction $209 = $591; 30% is $178; $298 − "
        "$178 = $120 a month"
    )
    fy27 = screen(
        "calfresh",
        datetime.date(2026, 10, 1),
        household_size=3,
        monthly_gross_income=0,
        household_has_elderly_or_disabled=False,
    )
    assert fy27.estimated_monthly_value == Decimal("808")
    # the minimum benefit for 1–2 people
    small = screen(
        "calfresh",
        household_size=1,
        monthly_gross_income=2500,
        hours_worked_per_week=0,
        household_has_elderly_or_disabled=False,
    )
    assert small.estimated_monthly_value == Decimal("24")


def test_lifeline_and_care_values():
    lifeline = screen("lifeline", household_size=1, monthly_gross_income=500)
    assert lifeline.estimated_monthly_value == Decimal("9.25")
    ca = screen("ca-lifeline", household_size=1, monthly_gross_income=500)
    assert ca.estimated_monthly_value == Decimal("19")
    care = screen("pge-care", household_size=1, monthly_gross_income=500)
    assert care.estimated_monthly_value is None
    assert care.value_working[0].render("en").startswith("About 30–35% off the electric bill")
    # no estimate for a program the client is not eligible for
    assert screen("pge-fera", household_size=1, monthly_gross_income=500).value_working == []


def test_screen_json_has_estimated_value_and_working():
    out = StringIO()
    call_command(
        "screen",
        "--household-size",
        "1",
        "--monthly-income",
        "1000",
        "--zip",
        "95112",
        "--fact",
        "hours_worked_per_week=20",
        "--fact",
        "household_has_elderly_or_disabled=no",
        "--date",
        "2026-07-15",
        "--json",
        stdout=out,
    )
    rows = {row["program"]: row for row in json.loads(out.getvalue())}
    calfresh = rows["CalFresh (SNAP food benefits)"]
    assert calfresh["estimated_monthly_value"] == "120"
    assert calfresh["value_working"][0].startswith("Estimate for 1 people (FY2026)")
    assert rows["Lifeline phone or internet discount"]["estimated_monthly_value"] == "9.25"
