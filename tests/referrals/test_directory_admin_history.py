"""Directory changes made in the admin go through the directory services: each one is in the
history naming the administrator who made it (locations, rule sets and their criteria, poverty
guidelines, the HSDS publishing switch, a program's locations)."""

import datetime

import pytest
from django.urls import reverse

from referrals.models import (
    Criterion,
    DirectoryPublishing,
    Location,
    PovertyGuideline,
    RuleSet,
    ServiceAtLocation,
)
from tests.admin_forms import admin_form_data
from tests.factories import AgencyFactory, LocationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def post_change(admin, url, **changes):
    response = admin.post(url, admin_form_data(admin.get(url), **changes))
    assert response.status_code == 302, response.context and response.context["errors"]
    return response


def latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_id").first()


def test_location_added_changed_and_deleted_in_the_admin(admin, admin_user):
    agency = AgencyFactory()
    response = admin.post(
        reverse("admin:referrals_location_add"),
        {
            "agency": agency.pk,
            "name": "Eastside office",
            "address_1": "1 Main St",
            "city": "San José",
            "state_province": "CA",
            "postal_code": "95112",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    location = Location.objects.get(name="Eastside office")
    assert latest(Location, location.pk).history_user == admin_user

    post_change(admin, reverse("admin:referrals_location_change", args=[location.pk]), hours="9–5")
    changed = latest(Location, location.pk)
    assert (changed.history_type, changed.hours, changed.history_user) == ("~", "9–5", admin_user)

    delete = reverse("admin:referrals_location_delete", args=[location.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    assert not Location.objects.filter(pk=location.pk).exists()
    deleted = latest(Location, location.pk)
    assert (deleted.history_type, deleted.history_user) == ("-", admin_user)


def _rule_set_data(program, **criterion):
    data = {
        "program": program.pk,
        "version": 1,
        "effective_from": "2025-10-01",
        "guideline_year": "2025",
        "notes": "",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-position": "0",
        "criteria-0-explanation": "Income under 200%",
        "criteria-0-citation": "7 CFR 273.9",
        "criteria-0-if_not_met": "exclude",
    }
    data.update({f"criteria-0-{k}": v for k, v in criterion.items()})
    return data


def test_rule_set_and_criteria_edited_in_the_admin(admin, admin_user):
    program = ProgramFactory()
    response = admin.post(
        reverse("admin:referrals_ruleset_add"),
        _rule_set_data(program, fact="monthly_gross_income", operator="lte_fpl_pct", value="200"),
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    rule_set = RuleSet.objects.get(program=program)
    criterion = rule_set.criteria.get()
    assert latest(RuleSet, rule_set.pk).history_user == admin_user
    assert latest(Criterion, criterion.pk).history_user == admin_user

    url = reverse("admin:referrals_ruleset_change", args=[rule_set.pk])
    post_change(admin, url, **{"criteria-0-value": "185"})
    criterion.refresh_from_db()
    assert criterion.value == 185
    changed = latest(Criterion, criterion.pk)
    assert (changed.history_type, changed.value, changed.history_user) == ("~", 185, admin_user)

    post_change(admin, url, **{"criteria-0-DELETE": "on"})
    assert not rule_set.criteria.exists()
    deleted = latest(Criterion, criterion.pk)
    assert (deleted.history_type, deleted.history_user) == ("-", admin_user)


def test_a_bad_criterion_change_is_refused_and_changes_nothing(admin):
    program = ProgramFactory()
    admin.post(
        reverse("admin:referrals_ruleset_add"),
        _rule_set_data(program, fact="age", operator="gte", value="16"),
    )
    rule_set = RuleSet.objects.get(program=program)
    criterion = rule_set.criteria.get()
    url = reverse("admin:referrals_ruleset_change", args=[rule_set.pk])
    data = admin_form_data(admin.get(url), notes="changed", **{"criteria-0-value": "[16"})

    response = admin.post(url, data)

    assert response.status_code == 200
    assert "is not a non-negative whole number" in response.content.decode()
    rule_set.refresh_from_db()
    criterion.refresh_from_db()
    assert (rule_set.notes, criterion.value) == ("", 16)
    assert Criterion.history.filter(id=criterion.pk).count() == 1


def test_poverty_guideline_edit_in_the_admin(admin, admin_user):
    guideline = PovertyGuideline.objects.get(year=2025, household_size=1)
    url = reverse("admin:referrals_povertyguideline_change", args=[guideline.pk])
    post_change(admin, url, annual_amount="16000")
    changed = latest(PovertyGuideline, guideline.pk)
    assert (changed.annual_amount, changed.history_user) == (16000, admin_user)


def test_hsds_publishing_switch_in_the_admin(admin, admin_user):
    response = admin.post(
        reverse("admin:referrals_directorypublishing_add"), {"hsds_api_public": "on"}
    )
    assert response.status_code == 302
    assert DirectoryPublishing.hsds_api_is_public()
    url = reverse("admin:referrals_directorypublishing_change", args=[1])
    post_change(admin, url, hsds_api_public=None)
    assert not DirectoryPublishing.hsds_api_is_public()
    assert [(h.hsds_api_public, h.history_user) for h in DirectoryPublishing.history.all()] == [
        (False, admin_user),
        (True, admin_user),
    ]


def test_program_location_link_added_and_removed_in_the_admin(admin, admin_user):
    program = ProgramFactory(last_verified_on=datetime.date(2025, 1, 1))
    location = LocationFactory(agency=program.agency)
    url = reverse("admin:referrals_program_change", args=[program.pk])
    prefix = "serviceatlocation_set"
    post_change(
        admin,
        url,
        **{
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-location": str(location.pk),
            f"{prefix}-0-program": str(program.pk),
        },
    )
    link = ServiceAtLocation.objects.get(program=program)
    assert link.location == location
    added = latest(ServiceAtLocation, link.pk)
    assert (added.history_type, added.history_user) == ("+", admin_user)

    post_change(admin, url, **{f"{prefix}-0-DELETE": "on"})
    assert not ServiceAtLocation.objects.filter(program=program).exists()
    removed = latest(ServiceAtLocation, link.pk)
    assert (removed.history_type, removed.history_user) == ("-", admin_user)
