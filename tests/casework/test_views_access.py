"""Every client URL answers 404 to anyone outside the client's center, exactly like a missing
client, for GET and POST; and nothing changes."""

import re

import pytest
from django.urls import reverse

from casework.models import AccessLogEntry, Client, Consent, HouseholdMember, Note
from tests.conftest import login

WRONG_PERSONAS = ["navigator_b", "partner_x", "partner_y", "manager", "outsider"]


def _client_urls(client_a):
    member = HouseholdMember.objects.create(client=client_a, name="Luis", relationship="child")
    intake = client_a.intakes.get()
    consent = client_a.consents.get()
    pk = client_a.pk
    return {
        "client_detail": reverse("casework:client_detail", args=[pk]),
        "client_update": reverse("casework:client_update", args=[pk]),
        "household_member_create": reverse("casework:household_member_create", args=[pk]),
        "household_member_update": reverse(
            "casework:household_member_update", args=[pk, member.pk]
        ),
        "household_member_remove": reverse(
            "casework:household_member_remove", args=[pk, member.pk]
        ),
        "note_create": reverse("casework:note_create", args=[pk]),
        "intake_create": reverse("casework:intake_create", args=[pk]),
        "intake_update": reverse("casework:intake_update", args=[pk, intake.pk]),
        "consent_create": reverse("casework:consent_create", args=[pk]),
        "consent_agency_options": reverse("casework:consent_agency_options", args=[pk]),
        "consent_revoke": reverse("casework:consent_revoke", args=[pk, consent.pk]),
    }


URL_NAMES = [
    "client_detail",
    "client_update",
    "household_member_create",
    "household_member_update",
    "household_member_remove",
    "note_create",
    "intake_create",
    "intake_update",
    "consent_create",
    "consent_agency_options",
    "consent_revoke",
]
POST_DATA = {
    "legal_first_name": "Hacked",
    "legal_last_name": "Name",
    "preferred_language": "en",
    "relationship": "child",
    "body": "A note",
    "interview_date": "2026-01-05",
    "language": "en",
    "channel": "phone",
    "scopes": ["contact"],
    "method": "verbal",
    "given_on": "2026-01-05",
    "note": "revoked",
}


@pytest.mark.parametrize("persona", WRONG_PERSONAS)
@pytest.mark.parametrize("url_name", URL_NAMES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_wrong_persona_gets_404_on_every_client_url(
    client, personas, client_a, persona, url_name, method
):
    url = _client_urls(client_a)[url_name]
    login(client, personas.all_users[persona])
    data = {**POST_DATA, "navigator": personas.all_users[persona].pk}
    data["recipients"] = [personas.agency_x.pk]
    before = (Note.objects.count(), Consent.objects.count(), HouseholdMember.objects.count())

    response = getattr(client, method)(url, data) if method == "post" else client.get(url)

    # POST-only URLs answer GET with 405 to everyone, including the right navigator (and
    # GET-only ones POST).
    wrong_method = url_name in (POST_ONLY if method == "get" else GET_ONLY)
    expected = 405 if wrong_method else 404
    assert response.status_code == expected
    assert "Rosa" not in response.content.decode()
    client_a.refresh_from_db()
    assert client_a.legal_first_name == "Rosa"
    assert client_a.consents.get().revoked_at is None
    assert before == (
        Note.objects.count(),
        Consent.objects.count(),
        HouseholdMember.objects.count(),
    )
    assert not AccessLogEntry.objects.exists()


POST_ONLY = {"household_member_remove", "note_create", "consent_revoke"}
GET_ONLY = {"consent_agency_options"}  # the consent form's live agency search


@pytest.mark.parametrize("url_name", sorted(set(URL_NAMES) - POST_ONLY))
def test_own_navigator_can_open_every_client_page(client, personas, client_a, url_name):
    url = _client_urls(client_a)[url_name]
    login(client, personas.navigator_a)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_missing_client_is_404_like_a_forbidden_one(client, personas, client_a, url_name):
    urls = _client_urls(client_a)
    missing = urls[url_name].replace(f"/clients/{client_a.pk}/", "/clients/999999/")
    login(client, personas.navigator_b)
    ask = client.get if url_name in GET_ONLY else client.post
    response = ask(missing, POST_DATA)
    assert response.status_code == 404
    forbidden = ask(urls[url_name], POST_DATA)
    assert forbidden.status_code == 404
    # Same page, apart from the per-request CSRF token.
    strip = re.compile(rb'value="[^"]*"|"X-CSRFToken": "[^"]*"')
    assert strip.sub(b"", forbidden.content) == strip.sub(b"", response.content)


def test_other_centers_sub_objects_are_404(client, personas, client_a):
    """An intake of client A addressed through a client of center B is not found either."""
    from tests.factories import ClientFactory

    own = ClientFactory(center=personas.center_b, created_by=personas.navigator_b)
    intake_a = client_a.intakes.get()
    login(client, personas.navigator_b)
    url = reverse("casework:intake_update", args=[own.pk, intake_a.pk])
    assert client.get(url).status_code == 404
    url = reverse("casework:consent_revoke", args=[own.pk, client_a.consents.get().pk])
    assert client.post(url, {"note": "x"}).status_code == 404
    assert client_a.consents.get().revoked_at is None


def test_anonymous_is_sent_to_login(client, client_a):
    response = client.get(reverse("casework:client_detail", args=[client_a.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_partner_cannot_create_clients(client, personas):
    login(client, personas.partner_x)
    url = reverse("casework:client_create")
    assert client.get(url).status_code == 404
    assert client.post(url, POST_DATA).status_code == 404
    assert not Client.objects.exists()
