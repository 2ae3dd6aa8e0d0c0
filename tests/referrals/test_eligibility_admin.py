"""Administrators edit rules in the admin; unknown facts and malformed values are refused
with a message that says what to write instead."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from referrals.demo import seed_demo
from referrals.models import Criterion, Program, RuleSet
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule_set():
    return RuleSet.objects.create(
        program=ProgramFactory(),
        version=1,
        effective_from=datetime.date(2025, 1, 1),
        guideline_year=2025,
    )


@pytest.mark.parametrize(
    ("fact", "operator", "value", "field", "message"),
    [
        ("shoe_size", "lte", 10, "fact", "Unknown fact “shoe_size”"),
        ("age", "lte_fpl_pct", 200, "operator", "cannot be used with age"),
        ("age", "between", [24, 16], "value", "The lowest value is above the highest."),
        ("age", "between", "16-24", "value", "Give [lowest, highest]"),
        ("age", "gte", 17.5, "value", "is not a non-negative whole number"),
        ("monthly_gross_income", "lte", "lots", "value", "is not a non-negative amount"),
        ("housing_status", "in", ["rents", "castle"], "value", "“castle” is not one of"),
        ("is_veteran", "eq", "yes", "value", "Use true or false."),
        ("children_ages", "any_under", "five", "value", "Give an age as a whole number"),
        ("monthly_gross_income", "lte_fpl_pct", "200%", "value", "positive number"),
    ],
)
def test_model_validation_refuses_bad_criteria(rule_set, fact, operator, value, field, message):
    criterion = Criterion(
        rule_set=rule_set, fact=fact, operator=operator, value=value, explanation="x", citation="y"
    )
    with pytest.raises(ValidationError) as excinfo:
        criterion.full_clean()
    errors = excinfo.value.message_dict
    assert field in errors
    assert any(message in text for text in errors[field]), errors


def test_income_percentage_needs_a_loaded_guideline_year(rule_set):
    rule_set.guideline_year = None
    c = Criterion(
        rule_set=rule_set,
        fact="monthly_gross_income",
        operator="lte_fpl_pct",
        value=200,
        explanation="x",
        citation="y",
    )
    with pytest.raises(ValidationError, match="Say which year"):
        c.full_clean()
    c.guideline_year = 2019
    with pytest.raises(ValidationError, match="No poverty guideline is loaded for 2019"):
        c.full_clean()
    c.guideline_year = 2026
    c.full_clean()


def test_rule_sets_of_a_program_may_not_overlap(rule_set):
    overlapping = RuleSet(
        program=rule_set.program, version=2, effective_from=datetime.date(2025, 6, 1)
    )
    with pytest.raises(ValidationError, match="overlap"):
        overlapping.full_clean()
    rule_set.effective_to = datetime.date(2025, 5, 31)
    rule_set.save()
    overlapping.full_clean()


def _rule_set_post(program, **criterion):
    data = {
        "program": program.pk,
        "version": 1,
        "effective_from": "2025-10-01",
        "effective_to": "",
        "guideline_year": "2025",
        "notes": "",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-position": "0",
        "criteria-0-any_of_group": "",
        "criteria-0-explanation": "Income under 200%",
        "criteria-0-citation": "7 CFR 273.9",
        "criteria-0-guideline_year": "",
        "criteria-0-if_not_met": "exclude",
        "criteria-0-notice": "",
    }
    data.update({f"criteria-0-{k}": v for k, v in criterion.items()})
    return data


def test_admin_adds_a_rule_set_with_an_inline_income_criterion(admin):
    program = ProgramFactory()
    url = reverse("admin:referrals_ruleset_add")
    response = admin.post(
        url,
        _rule_set_post(program, fact="monthly_gross_income", operator="lte_fpl_pct", value="200"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    criterion = Criterion.objects.get(rule_set__program=program)
    assert criterion.value == 200 and criterion.rule_set.guideline_year == 2025


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (
            {"fact": "shoe_size", "operator": "lte", "value": "10"},
            "Select a valid choice. shoe_size is not one of the available choices.",
        ),
        (
            {"fact": "age", "operator": "between", "value": "[16"},
            "Give [lowest, highest], e.g. [16, 24].",
        ),
        (
            {"fact": "housing_status", "operator": "eq", "value": "mansion"},
            "“mansion” is not one of",
        ),
        ({"fact": "age", "operator": "lte_fpl_pct", "value": "200"}, "cannot be used with age"),
    ],
)
def test_admin_form_refuses_bad_criteria_with_clear_messages(admin, criterion, message):
    program = ProgramFactory()
    response = admin.post(
        reverse("admin:referrals_ruleset_add"), _rule_set_post(program, **criterion)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RuleSet.objects.filter(program=program).exists()


def test_admin_bare_text_values_are_strings(admin):
    program = ProgramFactory()
    admin.post(
        reverse("admin:referrals_ruleset_add"),
        _rule_set_post(program, fact="housing_status", operator="eq", value="rents"),
    )
    assert Criterion.objects.get(rule_set__program=program).value == "rents"


def test_program_list_sorts_and_filters_by_last_verified(admin):
    seed_demo()
    url = reverse("admin:referrals_program_changelist")
    index = ["name", "agency", "capacity_status", "last_verified_on"].index("last_verified_on")
    response = admin.get(url, {"o": f"-{index + 1}", "verified": "recent"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Weekly groceries and CalFresh help (demo agency)" in page
    assert "CalFresh (SNAP food benefits)" not in page  # never verified
    never = admin.get(url, {"verified": "never", "capacity_status__exact": "closed"})
    assert "Housing Choice Voucher (Section 8) waiting list" in never.content.decode()
    program = Program.objects.get(name="CalFresh (SNAP food benefits)")
    history = admin.get(reverse("admin:referrals_program_history", args=[program.pk]))
    assert history.status_code == 200


def test_rule_set_and_guideline_admin_pages_open(admin):
    seed_demo()
    rule_set = RuleSet.objects.filter(criteria__isnull=False).first()
    assert (
        admin.get(reverse("admin:referrals_ruleset_change", args=[rule_set.pk])).status_code == 200
    )
    assert admin.get(reverse("admin:referrals_ruleset_changelist")).status_code == 200
    guidelines = admin.get(reverse("admin:referrals_povertyguideline_changelist"))
    assert "15,960" in guidelines.content.decode() or "15960" in guidelines.content.decode()
