"""Issue 9, findings 6 and 10: inputs that gave a 500 or stored out-of-range data, reproduced.

Each is refused with a clear message and stores nothing, through the page and through the
service (which the admin's model validation shares); names lose bidi control characters.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework import services
from casework.models import Client, Consent, HouseholdMember, IntakeInterview, Note, Organization
from referrals.models import Referral
from referrals.services import ReferralActionError, referral_send
from reports import services as report_services
from reports.models import ReportRun
from tests.conftest import login
from tests.factories import ProgramFactory

RLO = "\u202e"
HUGE = "x" * 100_000


def intake_data(personas, **extra):
    return {
        "interview_date": "2026-11-02",
        "navigator": personas.navigator_a.pk,
        "language": "es",
        "channel": "phone",
        **extra,
    }


# Finding 6: no input gives a 500 ----------------------------------------------------------


@pytest.mark.parametrize("ages", ["²", "3, ⁷", "٣", "３"])
def test_non_ascii_digits_in_childrens_ages_are_refused(client, personas, client_a, ages):
    login(client, personas.navigator_a)
    before = IntakeInterview.objects.count()
    response = client.post(
        reverse("casework:intake_create", args=[client_a.pk]),
        intake_data(personas, children_ages=ages),
    )
    assert response.status_code == 200
    assert "Enter ages as whole numbers from 0 to 25" in response.content.decode()
    assert IntakeInterview.objects.count() == before


@pytest.mark.parametrize("size", ["²", "٣", "３"])
def test_non_ascii_digits_in_household_size_are_refused(client, personas, client_a, size):
    login(client, personas.navigator_a)
    response = client.post(
        reverse("casework:intake_create", args=[client_a.pk]),
        intake_data(personas, household_size=size),
    )
    assert response.status_code == 200
    assert "Use the digits 0 to 9 only." in response.content.decode()


@pytest.mark.parametrize("size", ["²", "٣"])
def test_what_if_household_size_with_superscript_digits(client, personas, client_a, size):
    login(client, personas.navigator_a)
    response = client.get(
        reverse("referrals:screening_whatif", args=[client_a.pk]), {"household_size": size}
    )
    assert response.status_code == 200
    assert "Enter the household size as a whole number from 1 to 30." in response.content.decode()


def test_consent_given_on_the_last_day_of_9999_with_no_expiry(client, personas, client_a):
    login(client, personas.navigator_a)
    before = Consent.objects.count()
    response = client.post(
        reverse("casework:consent_create", args=[client_a.pk]),
        {
            "scopes": ["contact"],
            "recipients": [personas.agency_x.pk],
            "method": "verbal",
            "given_on": "9999-12-31",
            "expires_on": "",
        },
    )
    assert response.status_code == 200
    assert "Enter a date from" in response.content.decode()
    assert Consent.objects.count() == before
    with pytest.raises(ValidationError) as caught:
        services.consent_record(
            actor=personas.navigator_a,
            client=client_a,
            scopes=["contact"],
            recipients=[personas.agency_x],
            method="verbal",
            given_on=datetime.date(9999, 12, 31),
        )
    assert "given_on" in caught.value.message_dict
    assert Consent.objects.count() == before


@pytest.mark.parametrize("path", ["/referrals/r/%00/", "/referrals/r/CB-%00/packet/"])
def test_nul_byte_in_a_referral_code_is_not_found(client, personas, path):
    login(client, personas.partner_x)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_report_dates_at_year_1_or_9999(client, personas, day):
    login(client, personas.manager)
    for params in ({"start": day}, {"end": day}, {"start": day, "end": day}):
        page = client.get(reverse("reports:dashboard"), params)
        assert page.status_code == 200
        assert "Enter a date from" in page.content.decode()
        assert client.get(reverse("reports:dashboard_csv"), params).status_code == 400


# Finding 10: nothing out of range is stored ------------------------------------------------


def test_interview_dated_year_1_is_refused(client, personas, client_a):
    login(client, personas.navigator_a)
    before = IntakeInterview.objects.count()
    response = client.post(
        reverse("casework:intake_create", args=[client_a.pk]),
        intake_data(personas, interview_date="0001-01-01"),
    )
    assert "Enter a date from 01/01/2000" in response.content.decode()
    with pytest.raises(ValidationError):
        services.intake_create(
            actor=personas.navigator_a, client=client_a, interview_date=datetime.date(1, 1, 1)
        )
    assert IntakeInterview.objects.count() == before


def test_household_birth_date_in_year_1_is_refused(client, personas, client_a):
    login(client, personas.navigator_a)
    response = client.post(
        reverse("casework:household_member_create", args=[client_a.pk]),
        {"relationship": "child", "name": "Ana", "date_of_birth": "0001-01-01"},
    )
    assert "Enter a date from 01/01/1900" in response.content.decode()
    with pytest.raises(ValidationError):
        services.household_member_add(
            actor=personas.navigator_a,
            client=client_a,
            relationship="child",
            date_of_birth=datetime.date(1, 1, 1),
        )
    assert not HouseholdMember.objects.exists()


@pytest.mark.parametrize(
    ("given_on", "expires_on", "field"),
    [
        (datetime.date(2100, 1, 1), None, "given_on"),
        (datetime.date(2026, 11, 1), datetime.date(9999, 12, 31), "expires_on"),
    ],
)
def test_consents_given_in_2100_or_expiring_in_9999_are_refused(
    client, personas, client_a, given_on, expires_on, field
):
    before = Consent.objects.count()
    login(client, personas.navigator_a)
    response = client.post(
        reverse("casework:consent_create", args=[client_a.pk]),
        {
            "scopes": ["contact"],
            "recipients": [personas.agency_x.pk],
            "method": "verbal",
            "given_on": given_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else "",
        },
    )
    assert response.status_code == 200
    assert Consent.objects.count() == before
    with pytest.raises(ValidationError) as caught:
        services.consent_record(
            actor=personas.navigator_a,
            client=client_a,
            scopes=["contact"],
            recipients=[personas.agency_x],
            method="verbal",
            given_on=given_on,
            expires_on=expires_on,
        )
    assert field in caught.value.message_dict
    # The admin validates the model the same way.
    consent = Consent(
        client=client_a,
        scopes=["contact"],
        method="verbal",
        given_on=given_on,
        expires_on=expires_on or given_on,
        recorded_by=personas.navigator_a,
    )
    with pytest.raises(ValidationError) as caught:
        consent.full_clean()
    assert field in caught.value.message_dict
    assert Consent.objects.count() == before


def test_report_run_for_year_1_is_refused(client, personas):
    login(client, personas.manager)
    response = client.post(reverse("reports:run_create"), {"week": "0001-01-01"})
    assert response.status_code == 400
    assert "Enter a date from 01/01/2000" in response.content.decode()
    with pytest.raises(report_services.ReportRunError):
        report_services.report_run_request(week_start=datetime.date(1, 1, 1), actor=None)
    assert not ReportRun.objects.exists()


def test_a_100000_character_note_is_refused(client, personas, client_a):
    login(client, personas.navigator_a)
    response = client.post(reverse("casework:note_create", args=[client_a.pk]), {"body": HUGE})
    assert "Ensure this value has at most 5000 characters" in response.content.decode()
    with pytest.raises(ValidationError):
        services.note_add(actor=personas.navigator_a, client=client_a, body=HUGE)
    assert not Note.objects.exists()


def test_the_note_limit_is_shown_in_the_form(client, personas, client_a):
    login(client, personas.navigator_a)
    page = client.get(reverse("casework:client_detail", args=[client_a.pk])).content.decode()
    assert 'maxlength="5000"' in page
    assert "Up to 5,000 characters." in page
    assert 'maxlength="1000"' in page  # why consent was revoked


def test_a_100000_character_referral_reason_is_refused(client, personas, client_a):
    program = ProgramFactory(agency=personas.agency_x)
    login(client, personas.navigator_a)
    response = client.post(
        reverse("referrals:send", args=[client_a.pk]),
        {"program": program.pk, "need_category": "food", "urgency": "routine", "reason": HUGE},
    )
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    with pytest.raises(ReferralActionError):
        referral_send(
            actor=personas.navigator_a,
            client=client_a,
            program=program,
            need_category="food",
            reason=HUGE,
        )
    assert not Referral.objects.exists()


def test_bidi_controls_are_stripped_from_names(client, personas):
    login(client, personas.navigator_a)
    response = client.post(
        reverse("casework:client_create"),
        {
            "legal_first_name": f"Ana{RLO}lisa",
            "legal_last_name": "\u2066Reyes\u2069",
            "preferred_language": "es",
            "confirm_duplicates": "on",
        },
    )
    assert response.status_code == 302
    created = Client.objects.get()
    assert (created.legal_first_name, created.legal_last_name) == ("Analisa", "Reyes")
    services.client_update(
        actor=personas.navigator_a, client=created, preferred_name=f"{RLO}gpj.exe"
    )
    created.refresh_from_db()
    assert created.preferred_name == "gpj.exe"
    # An admin-entered organization name too.
    org = Organization.objects.get(pk=personas.agency_x.pk)
    org.name = f"Agency{RLO} X"
    org.save()
    org.refresh_from_db()
    assert org.name == "Agency X"


@pytest.mark.parametrize("q", ["CB-\x00", "CB-" + "X" * 100])
def test_inbox_reference_filter_refuses_nul_and_overlong_text(client, personas, q):
    login(client, personas.partner_x)
    response = client.get(reverse("referrals:inbox"), {"q": q})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="usa-error-message"' in page
    assert 'maxlength="16"' in page


def test_model_validation_of_a_consent_given_in_9999_raises_no_error_but_its_message(
    personas, client_a
):
    """What the admin runs: the far-future date is refused, nothing overflows."""
    consent = Consent(
        client=client_a,
        scopes=["contact"],
        method="verbal",
        given_on=datetime.date(9999, 12, 31),
        expires_on=datetime.date(9999, 12, 31),
        recorded_by=personas.navigator_a,
    )
    with pytest.raises(ValidationError) as caught:
        consent.full_clean()
    assert "given_on" in caught.value.message_dict
