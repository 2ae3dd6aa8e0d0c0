import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from casework.models import Consent
from tests.conftest import login
from tests.factories import ConsentFactory


def _detail(c):
    return reverse("casework:client_detail", args=[c.pk])


def test_consent_form_defaults_to_one_year_and_shows_it(client, personas, client_a):
    login(client, personas.navigator_a)
    # The client page links to the form (250 agencies would not fit on it).
    assert reverse("casework:consent_create", args=[client_a.pk]) in (
        client.get(_detail(client_a)).content.decode()
    )
    body = client.get(reverse("casework:consent_create", args=[client_a.pk])).content.decode()
    today = timezone.localdate()
    next_year = today + datetime.timedelta(days=365)
    assert f'name="expires_on" value="{next_year:%Y-%m-%d}"' in body
    assert f'name="given_on" value="{today:%Y-%m-%d}"' in body
    # Only partner agencies can be found and named.
    url = reverse("casework:consent_create", args=[client_a.pk])
    body = client.get(url, {"agency_q": "a"}).content.decode()
    assert "Agency X Food Bank" in body and "Agency Y Legal Aid" in body
    assert f'name="recipients" value="{personas.center_b.pk}"' not in body
    body = client.get(url, {"agency_q": "community"}).content.decode()
    assert "No agency matches “community”." in body
    assert 'name="recipients"' not in body


def test_record_consent_from_the_client_page(client, personas, client_a):
    login(client, personas.navigator_a)
    url = reverse("casework:consent_create", args=[client_a.pk])
    response = client.post(
        url,
        {
            "scopes": ["contact", "intake"],
            "recipients": [personas.agency_y.pk],
            "method": "written",
            "given_on": "2026-11-01",
            "expires_on": "",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.filter(recipients=personas.agency_y).get()
    assert consent.scopes == ["contact", "intake"]
    assert consent.expires_on == datetime.date(2026, 11, 1) + datetime.timedelta(days=365)
    assert consent.recorded_by == personas.navigator_a
    assert {h.history_user for h in consent.history.all()} == {personas.navigator_a}


def test_consent_errors_are_explained(client, personas, client_a):
    login(client, personas.navigator_a)
    url = reverse("casework:consent_create", args=[client_a.pk])
    response = client.post(
        url,
        {
            "scopes": [],
            "recipients": [personas.center_b.pk],
            "method": "verbal",
            "given_on": "2026-11-01",
            "expires_on": "2026-10-01",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please fix the following" in body
    # A community center cannot be a recipient.
    assert "is not an active partner agency, so it cannot receive" in body
    assert client_a.consents.count() == 1

    response = client.post(
        url,
        {
            "scopes": ["contact"],
            "recipients": [personas.agency_x.pk],
            "method": "verbal",
            "given_on": "2026-11-01",
            "expires_on": "2026-10-01",
        },
    )
    assert "The expiry date must be on or after" in response.content.decode()
    assert client_a.consents.count() == 1


def test_consent_expires_after_its_date(client, personas, client_a):
    old = ConsentFactory(
        client=client_a,
        recorded_by=personas.navigator_a,
        recipients=[personas.agency_y],
        given_on=datetime.date(2024, 1, 10),
        expires_on=datetime.date(2025, 1, 10),
    )
    with time_machine.travel(datetime.datetime(2025, 1, 10, 12, tzinfo=datetime.UTC)):
        assert old.status == "active"
        assert old in Consent.objects.active()
    with time_machine.travel(datetime.datetime(2025, 1, 12, 12, tzinfo=datetime.UTC)):
        assert old.status == "expired"
        assert old not in Consent.objects.active()
    login(client, personas.navigator_a)
    body = client.get(_detail(client_a)).content.decode()
    assert 'class="usa-tag cb-tone cb-tone--neutral cb-status cb-status--expired">Expired' in body
    assert 'class="usa-tag cb-tone cb-tone--success cb-status cb-status--active">Active' in body


def test_default_expiry_is_one_year(personas, client_a):
    consent = client_a.consents.get()
    assert consent.expires_on == consent.given_on + datetime.timedelta(days=365)


def test_revoke_with_a_note_by_post_only(client, personas, client_a):
    consent = client_a.consents.get()
    login(client, personas.navigator_a)
    url = reverse("casework:consent_revoke", args=[client_a.pk, consent.pk])
    assert client.get(url).status_code == 405
    consent.refresh_from_db()
    assert consent.revoked_at is None

    response = client.post(url, {"note": "Client called to withdraw."})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert consent.revoked_by == personas.navigator_a
    assert consent.revocation_note == "Client called to withdraw."
    assert consent not in Consent.objects.active()
    assert consent.history.first().history_user == personas.navigator_a

    body = client.get(_detail(client_a)).content.decode()
    assert 'class="usa-tag cb-tone cb-tone--danger cb-status cb-status--revoked">Revoked' in body
    assert "Maria Lopez revoked a consent: Client called to withdraw." in body

    # A second revoke says so instead of failing.
    response = client.post(url, {"note": "again"}, follow=True)
    assert "already revoked" in response.content.decode()
