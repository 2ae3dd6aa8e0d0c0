"""Every numeric threshold the seeded rules use, one under / at / one over, plus the published
reference figures. The poverty guideline table here is typed in from the reference file, not
read from the database, so the engine's arithmetic is checked against an independent source."""

import datetime
import json
import math
from decimal import Decimal

import pytest

from referrals.demo import DATA_FILE
from referrals.eligibility.engine import evaluate_criterion
from referrals.models import Criterion, PovertyGuideline, RuleSet
from referrals.models.eligibility import annual_guideline, monthly_threshold

pytestmark = pytest.mark.django_db

# /work/shared/reference/eligibility-facts.md: first person, each additional person
REFERENCE = {2025: (15650, 5500), 2026: (15960, 5680)}


def reference_annual(year, size):
    first, step = REFERENCE[year]
    return first + (size - 1) * step


def reference_monthly_limit(year, size, percent):
    # Published SNAP/CalFresh tables round the monthly figure up to the next dollar.
    return math.ceil(Decimal(reference_annual(year, size)) * Decimal(percent) / 1200)


def _numeric_criteria():
    return list(_iter_numeric_criteria())


def _iter_numeric_criteria():
    data = json.loads(DATA_FILE.read_text())
    for program in data["programs"]:
        for rs in program["rule_sets"]:
            for position, c in enumerate(rs["criteria"]):
                if c["operator"] in (
                    "lte_fpl_pct",
                    "gt_fpl_pct",
                    "lte_table",
                    "lte",
                    "lt",
                    "gte",
                    "gt",
                    "between",
                    "any_under",
                ):
                    yield pytest.param(
                        program["key"],
                        rs,
                        position,
                        c,
                        id=f"{program['key']}-v{rs['version']}-{c['fact']}-{c['operator']}",
                    )


def _cases(rs, c):
    """(facts, expected met?) at one under, at, and one over each threshold."""
    op, value, fact = c["operator"], c["value"], c["fact"]
    if op in ("lte_fpl_pct", "gt_fpl_pct"):
        year = c.get("guideline_year") or rs["guideline_year"]
        percent, min_size = (
            (value["percent"], value.get("min_size", 1)) if isinstance(value, dict) else (value, 1)
        )
        lte = op == "lte_fpl_pct"
        sizes = (1,) if fact == "client_monthly_income" else (1, 2, 3, 4, 8, 9, 11)
        for size in sizes:
            limit = reference_monthly_limit(year, max(size, min_size), percent)
            for income, under in ((limit - 1, True), (limit, True), (limit + 1, False)):
                facts = {"household_size": size, "monthly_gross_income": income, "age": 40}
                if fact != "monthly_gross_income":
                    facts[fact] = income
                    facts["magi_household_size"] = size
                yield facts, under == lte
        return
    if op == "lte_table":
        limits, disregard = value["limits"], value.get("earned_disregard", 0)
        share = Decimal(str(value.get("earned_share_counted", 1)))
        for size in range(1, len(limits) + 3):
            limit = limits[str(min(size, len(limits)))] + max(0, size - len(limits)) * value.get(
                "each_additional", 0
            )
            # the income at which the countable income equals the limit, worked by hand
            at = Decimal(limit) / share + disregard
            for income, met in ((at - 1, True), (at, True), (at + 1, False)):
                yield {"household_size": size, "monthly_gross_income": income}, met
            # no earnings (0 hours): no disregard
            yield (
                {"household_size": size, "monthly_gross_income": limit, "hours_worked_per_week": 0},
                True,
            )
            yield (
                {
                    "household_size": size,
                    "monthly_gross_income": limit + 1,
                    "hours_worked_per_week": 0,
                },
                False,
            )
        return
    if op == "any_under":
        for age, met in ((value - 1, True), (value, False), (value + 1, False)):
            yield {"children_ages": [age]}, met
        return
    if op == "between":
        low, high = value
        points = (
            (low - 1, False),
            (low, True),
            (low + 1, True),
            (high - 1, True),
            (high, True),
            (high + 1, False),
        )
    else:
        met_under, met_at, met_over = {
            "lte": (True, True, False),
            "lt": (True, False, False),
            "gte": (False, True, True),
            "gt": (False, False, True),
        }[op]
        points = ((value - 1, met_under), (value, met_at), (value + 1, met_over))
    for number, met in points:
        yield {fact: number}, met


@pytest.mark.parametrize(("key", "rule_set", "position", "criterion"), _numeric_criteria())
def test_every_seeded_threshold(key, rule_set, position, criterion):
    # The same objects seed_demo saves, built from the demo data file without the database.
    on = datetime.date.fromisoformat(rule_set["effective_from"])
    crit = Criterion(
        rule_set=RuleSet(version=rule_set["version"], guideline_year=rule_set["guideline_year"]),
        fact=criterion["fact"],
        operator=criterion["operator"],
        value=criterion["value"],
        guideline_year=criterion.get("guideline_year"),
        citation=criterion["citation"],
    )
    for facts, met in _cases(rule_set, criterion):
        reason = evaluate_criterion(crit, facts=facts, on=on)
        assert reason.outcome == ("met" if met else "not_met"), facts
        assert reason.citation == criterion["citation"]


@pytest.mark.parametrize(
    ("year", "percent", "size", "expected"),
    [
        # CalFresh FY2026, 200% of the 2025 guideline (reference file)
        (2025, 200, 1, 2609),
        (2025, 200, 2, 3525),
        (2025, 200, 3, 4442),
        (2025, 200, 4, 5359),
        # SNAP FY2026, 130% of the 2025 guideline, 7 CFR 273.9(a)(3); +$596 each
        (2025, 130, 1, 1696),
        (2025, 130, 2, 2292),
        (2025, 130, 3, 2888),
        (2025, 130, 4, 3483),
        (2025, 130, 5, 4079),
        # Medi-Cal adults ≈ $1,800/month for one person in 2025
        (2025, 138, 1, 1800),
        # 2026 table: 8 people $55,720; 9 people adds $5,680
        (2026, 100, 8, 4644),
        (2026, 100, 9, 5117),
        (2026, 200, 2, 3607),
    ],
)
def test_monthly_limits_reproduce_published_figures(year, percent, size, expected):
    rows = dict(
        PovertyGuideline.objects.filter(year=year).values_list("household_size", "annual_amount")
    )
    assert monthly_threshold(annual_guideline(rows, size), percent) == expected


def test_guidelines_loaded_for_2025_and_2026_match_reference():
    for year in REFERENCE:
        rows = dict(
            PovertyGuideline.objects.filter(year=year).values_list(
                "household_size", "annual_amount"
            )
        )
        assert rows == {size: reference_annual(year, size) for size in range(1, 9)}
    assert annual_guideline(rows, 10) == reference_annual(2026, 10)
