"""WIC version 3 (from 2026-12-01): a pregnant woman's household counts the babies she expects
(42 U.S.C. 1786(d)(2)(D); 7 CFR 246.7(d)(2)(vii)), found by the PolicyEngine cross-check."""

import datetime
import math

import pytest

from referrals.demo import demo_uuid, seed_demo
from referrals.eligibility import EligibilityStatus, screen_facts
from referrals.eligibility.catalogue import valid_fpl_value
from referrals.models import Program

pytestmark = pytest.mark.django_db

LIKELY = EligibilityStatus.LIKELY_ELIGIBLE
NOT = EligibilityStatus.NOT_ELIGIBLE
BEFORE = datetime.date(2026, 11, 30)  # last day of version 2
FROM = datetime.date(2026, 12, 1)  # first day of version 3
G26 = {n: 15960 + (n - 1) * 5680 for n in range(1, 9)}  # 2026 HHS guideline


def limit(size):
    """185% of the 2026 guideline a month, rounded up to the dollar."""
    return math.ceil(G26[size] * 185 / 1200)


@pytest.fixture(autouse=True)
def directory():
    seed_demo()


def wic(on, **facts):
    facts = {
        "zip_code": "95112",
        "age": 24,
        "household_size": 1,
        "receives_medi_cal": False,
        "receives_snap": False,
    } | facts
    program = Program.objects.get(hsds_id=demo_uuid("program", "wic"))
    [result] = screen_facts(facts=facts, on=on, programs=[program])
    return result


@pytest.mark.parametrize(
    ("income", "status"),
    [(limit(2) - 1, LIKELY), (limit(2), LIKELY), (limit(2) + 1, NOT)],
)
def test_pregnant_woman_alone_is_tested_as_a_household_of_two(income, status):
    result = wic(FROM, is_pregnant=True, monthly_gross_income=income)
    assert result.status == status
    texts = [r.render("en") for r in result.reasons]
    assert any("household of 2 (counting expected babies)" in t for t in texts)


@pytest.mark.parametrize(
    ("income", "status"),
    [(limit(3) - 1, LIKELY), (limit(3), LIKELY), (limit(3) + 1, NOT)],
)
def test_twins_count_as_two_babies(income, status):
    result = wic(FROM, is_pregnant=True, expected_babies=2, monthly_gross_income=income)
    assert result.status == status


def test_the_correction_starts_on_its_effective_date():
    # $3,000 a month: over 185% for one person ($2,461), under it for two ($3,337)
    assert limit(1) < 3000 <= limit(2)
    assert wic(BEFORE, is_pregnant=True, monthly_gross_income=3000).status == NOT
    assert wic(FROM, is_pregnant=True, monthly_gross_income=3000).status == LIKELY


def test_a_household_with_a_young_child_and_no_pregnancy_keeps_its_own_size():
    facts = {"household_size": 2, "children_ages": [3], "is_pregnant": False}
    assert wic(FROM, monthly_gross_income=limit(2), **facts).status == LIKELY
    assert wic(FROM, monthly_gross_income=limit(2) + 1, **facts).status == NOT


def test_count_unborn_is_a_valid_value_only_as_true_or_false():
    assert valid_fpl_value({"percent": 185, "count_unborn": True})
    assert not valid_fpl_value({"percent": 185, "count_unborn": "yes"})
