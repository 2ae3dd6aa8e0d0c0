from decimal import Decimal

import pytest
from django.urls import reverse

from casework.models import IntakeInterview
from tests.conftest import login
from tests.factories import ClientFactory


@pytest.fixture
def new_client(personas):
    return ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name="Thi",
        legal_last_name="Nguyen",
        preferred_language="vi",
    )


def _url(c):
    return reverse("casework:intake_create", args=[c.pk])


def _minimal(personas, **extra):
    return {
        "interview_date": "2026-11-02",
        "navigator": personas.navigator_a.pk,
        "language": "vi",
        "channel": "phone",
        **extra,
    }


def test_form_defaults_and_explains_optional_questions(client, personas, new_client):
    login(client, personas.navigator_a)
    body = client.get(_url(new_client)).content.decode()
    # Navigator defaults to the current user, language to the client's.
    assert f'<option value="{personas.navigator_a.pk}" selected>Maria Lopez</option>' in body
    assert '<option value="vi" selected>' in body
    assert "Optional — only ask if the client wants help that depends on it; never required" in body
    # Tri-state questions start on "Not asked".
    assert (
        'name="is_veteran" value="unknown" class="usa-radio__input" id="id_is_veteran_0" checked'
        in body
    )
    assert '<legend class="usa-legend usa-legend--large">Digital access</legend>' in body
    assert 'for="id_is_veteran_1">Yes</label>' in body


def test_everything_left_unanswered_is_saved_as_not_asked(client, personas, new_client):
    login(client, personas.navigator_a)
    data = _minimal(personas, is_veteran="unknown", has_internet_at_home="unknown")
    response = client.post(_url(new_client), data)
    assert response.status_code == 302
    intake = IntakeInterview.objects.get()
    for name in (
        "is_veteran",
        "has_internet_at_home",
        "income_sources",
        "needs",
        "benefits_received",
        "children_ages",
        "household_size",
        "monthly_gross_income",
    ):
        assert getattr(intake, name) is None, name
    assert intake.housing_status == "" and intake.immigration_status == ""
    assert intake.navigator == personas.navigator_a
    page = client.get(reverse("casework:client_detail", args=[new_client.pk])).content.decode()
    assert "25 questions not asked." in page


def test_answers_including_no_and_none(client, personas, new_client):
    login(client, personas.navigator_a)
    data = _minimal(
        personas,
        household_size="3",
        monthly_gross_income="$1,900.50",
        income_sources=["wages"],
        is_veteran="false",
        has_working_device="true",
        benefits_received=["__none__"],
        needs=["food", "digital_access"],
        children_ages="3, 7",
        housing_status="rents",
    )
    response = client.post(_url(new_client), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    intake = IntakeInterview.objects.get()
    assert intake.household_size == 3
    assert intake.monthly_gross_income == Decimal("1900.50")
    assert intake.income_sources == ["wages"]
    assert intake.is_veteran is False
    assert intake.has_working_device is True
    assert intake.is_student is None
    assert intake.benefits_received == []  # asked: none
    assert intake.needs == ["food", "digital_access"]
    assert intake.children_ages == [3, 7]


def test_no_children_checkbox_means_empty_list(client, personas, new_client):
    login(client, personas.navigator_a)
    client.post(_url(new_client), _minimal(personas, no_children="on"))
    assert IntakeInterview.objects.get().children_ages == []


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"children_ages": "3, seven"}, "whole numbers from 0 to 25"),
        ({"children_ages": "2.5"}, "whole numbers from 0 to 25"),
        ({"children_ages": "-1"}, "whole numbers from 0 to 25"),
        ({"household_size": "2", "children_ages": "1, 2, 3"}, "more children than people"),
        ({"needs": ["food", "__none__"]}, "not both"),
        ({"monthly_gross_income": "lots"}, "Enter an amount in dollars"),
        ({"household_size": "0"}, "greater than or equal to 1"),
        ({"interview_date": ""}, "This field is required"),
    ],
)
def test_bad_answers_are_explained(client, personas, new_client, extra, message):
    login(client, personas.navigator_a)
    response = client.post(_url(new_client), _minimal(personas, **extra))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Please fix the following" in body
    assert not IntakeInterview.objects.exists()


def test_navigator_must_work_at_the_clients_center(client, personas, new_client):
    login(client, personas.navigator_a)
    response = client.post(_url(new_client), _minimal(personas, navigator=personas.navigator_b.pk))
    assert "Select a valid choice" in response.content.decode()


def test_edit_keeps_not_asked_and_records_the_editor(client, personas, client_a):
    intake = client_a.intakes.get()
    login(client, personas.navigator_a)
    url = reverse("casework:intake_update", args=[client_a.pk, intake.pk])
    body = client.get(url).content.decode()
    assert 'value="2300.00"' in body
    assert 'value="food" class="usa-checkbox__input" id="id_needs_0" checked' in body
    data = _minimal(personas, household_size="2", monthly_gross_income="2500", needs=["food"])
    response = client.post(url, data)
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.monthly_gross_income == Decimal("2500")
    assert intake.income_sources is None
    latest = intake.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == personas.navigator_a
    page = client.get(reverse("casework:client_detail", args=[client_a.pk])).content.decode()
    assert "Maria Lopez (Northside Community Center) changed " in page
    assert "monthly income from $2,300.00 to $2,500.00" in page
    assert "channel from In person to Phone" in page


def test_edit_form_shows_none_of_these_for_empty_lists(client, personas, client_a):
    intake = client_a.intakes.get()
    intake.benefits_received = []
    intake.children_ages = []
    intake.save()
    login(client, personas.navigator_a)
    url = reverse("casework:intake_update", args=[client_a.pk, intake.pk])
    body = client.get(url).content.decode()
    assert (
        'value="__none__" class="usa-checkbox__input" id="id_benefits_received_10" checked' in body
    )
    assert 'name="no_children" class="usa-checkbox__input" id="id_no_children" checked' in body


def test_intake_by_a_navigator_who_left_can_still_be_edited(client, personas, client_a):
    from casework import services
    from casework.models import Membership

    intake = client_a.intakes.get()
    colleague = personas.navigator_b
    services.intake_update(actor=personas.navigator_a, intake=intake, navigator=colleague)
    Membership.objects.filter(user=colleague).delete()
    login(client, personas.navigator_a)
    url = reverse("casework:intake_update", args=[client_a.pk, intake.pk])
    data = _minimal(personas, navigator=colleague.pk, household_size="4")
    assert client.post(url, data).status_code == 302
    intake.refresh_from_db()
    assert (intake.navigator, intake.household_size) == (colleague, 4)


def test_young_adult_facts_saved_with_not_asked_distinct_from_no(client, personas, new_client):
    login(client, personas.navigator_a)
    data = _minimal(
        personas,
        client_monthly_income="$850",
        is_tax_dependent="false",
        hours_worked_per_week="12",
        is_college_half_time="true",
        is_former_foster_youth="true",
        foster_care_exit_age="18",
        household_has_elderly_or_disabled="unknown",
        is_pregnant="true",
        expected_babies="2",
        household_immigration_status="some_not_qualifying",
    )
    response = client.post(_url(new_client), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    intake = IntakeInterview.objects.get()
    assert intake.client_monthly_income == Decimal("850")
    assert intake.is_tax_dependent is False  # asked: no
    assert intake.household_has_elderly_or_disabled is None  # not asked
    assert (intake.hours_worked_per_week, intake.expected_babies) == (12, 2)
    assert intake.is_college_half_time is True and intake.is_former_foster_youth is True
    assert intake.foster_care_exit_age == 18
    assert intake.household_immigration_status == "some_not_qualifying"
    assert intake.history.first().history_user == personas.navigator_a


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"is_pregnant": "false", "expected_babies": "1"}, "only for a pregnancy"),
        ({"is_former_foster_youth": "false", "foster_care_exit_age": "18"}, "only for former"),
        ({"hours_worked_per_week": "200"}, "less than or equal to 168"),
        ({"client_monthly_income": "some"}, "Enter an amount in dollars"),
    ],
)
def test_bad_young_adult_answers_are_explained(client, personas, new_client, extra, message):
    login(client, personas.navigator_a)
    response = client.post(_url(new_client), _minimal(personas, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IntakeInterview.objects.exists()
