"""The demo directory loads, is idempotent, and every rule in it passes admin validation."""

import datetime
import json
from io import StringIO

import pytest

from referrals.demo import seed_demo
from referrals.eligibility import EligibilityStatus, screen_facts
from referrals.models import Criterion, Program, RuleSet

pytestmark = pytest.mark.django_db


def test_demo_directory_has_25_real_programs_with_cited_rules():
    out = StringIO()
    counts = seed_demo(stdout=out)
    assert "verify before use" in out.getvalue()
    real = Program.objects.exclude(agency__slug__startswith="demo-")
    assert real.count() >= 25
    assert Program.objects.filter(is_demo=False).count() == 0
    names = " ".join(real.values_list("name", flat=True))
    for expected in [
        "CalFresh",
        "WIC",
        "Second Harvest",
        "Medi-Cal",
        "Covered California",
        "Lifeline",
        "internet",
        "hotspot",
        "work2future",
        "Section 8",
        "CARE",
        "FERA",
        "Immigration",
        "Eviction",
    ]:
        assert expected in names, expected
    assert Criterion.objects.filter(citation="").count() == 0
    assert counts["programs"] == Program.objects.count()


def test_seed_demo_twice_creates_nothing_new():
    seed_demo()
    before = (Program.objects.count(), RuleSet.objects.count(), Criterion.objects.count())
    assert seed_demo() == {}
    assert (Program.objects.count(), RuleSet.objects.count(), Criterion.objects.count()) == before


def test_demo_household_gets_explained_results():
    seed_demo()
    results = screen_facts(
        facts={"household_size": 2, "monthly_gross_income": 2300, "age": 34, "zip_code": "95116"},
        on=datetime.date(2026, 5, 1),
        needs=["food"],
    )
    calfresh = next(r for r in results if r.program.name == "CalFresh (SNAP food benefits)")
    assert calfresh.status == EligibilityStatus.LIKELY_ELIGIBLE
    texts = [r.render("en") for r in calfresh.reasons]
    assert (
        "Monthly income $2,300 is at or under 200% of the 2025 poverty guideline for a household "
        "of 2: $3,525" in texts
    )
    assert results[0].matches_need
    json.dumps([r.to_snapshot() for r in results])
