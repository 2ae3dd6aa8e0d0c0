"""The consent form's agency chooser (issue 15): the chosen agencies ticked and a search to add
others, instead of one checkbox per agency in the county. Without JavaScript the "Search" button
draws the form again; with it, htmx asks consent_agency_options as the navigator types."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import AccessLogEntry, Consent
from tests.conftest import login
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

RECIPIENT_BOX = re.compile(r'<input type="checkbox" name="recipients" value="(\d+)"([^>]*)>')


def _form_url(c):
    return reverse("casework:consent_create", args=[c.pk])


def _options_url(c):
    return reverse("casework:consent_agency_options", args=[c.pk])


def _boxes(body: str) -> dict[int, bool]:
    """The page's agency checkboxes: agency id -> ticked."""
    return {int(pk): " checked" in rest for pk, rest in RECIPIENT_BOX.findall(body)}


def _consent_data(personas, **extra):
    return {
        "scopes": ["contact", "intake"],
        "recipients": [personas.agency_x.pk],
        "method": "written",
        "given_on": "2026-11-01",
        "expires_on": "2027-05-01",
        **extra,
    }


def _many_agencies(count, name="Harbor Services"):
    return [
        AgencyFactory(name=f"{name} {n:03d}", slug=f"harbor-services-{n}") for n in range(count)
    ]


def test_the_send_pages_agency_is_the_only_checkbox_among_300_agencies(client, personas, client_a):
    _many_agencies(300)
    login(client, personas.navigator_a)
    url = f"{_form_url(client_a)}?agency={personas.agency_y.pk}"
    body = client.get(url).content.decode()
    assert _boxes(body) == {personas.agency_y.pk: True}
    assert "Harbor Services 000" not in body and "Agency X Food Bank" not in body
    assert 'id="id_agency_q"' in body and "Find an agency" in body
    # From the client page nothing is chosen yet: no agency checkbox at all, and it says so.
    body = client.get(_form_url(client_a)).content.decode()
    assert _boxes(body) == {}
    assert "No agency chosen yet." in body


def test_the_form_page_makes_as_many_queries_with_300_agencies(
    client, personas, client_a, django_assert_num_queries
):
    login(client, personas.navigator_a)
    url = f"{_form_url(client_a)}?agency={personas.agency_x.pk}&agency_q=a"
    client.get(url)  # sessions, content types: cached from here on
    with CaptureQueriesContext(connection) as few:
        small = client.get(url)
    _many_agencies(300)
    with django_assert_num_queries(len(few.captured_queries)):
        large = client.get(url)
    # The search lists at most 20 agencies however many match.
    assert len(_boxes(small.content.decode())) == 2
    assert len(_boxes(large.content.decode())) == 20


def test_search_without_javascript_keeps_what_was_entered_and_records_nothing(
    client, personas, client_a
):
    login(client, personas.navigator_a)
    url = _form_url(client_a)
    next_url = f"{reverse('referrals:send', args=[client_a.pk])}?program=1"
    response = client.post(
        url, _consent_data(personas, agency_q="  LEGAL ", find_agencies="1", next=next_url)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert client_a.consents.count() == 1  # the fixture's, nothing new
    assert "Please fix the following" not in body
    assert "1 agency matches “LEGAL”." in body
    assert _boxes(body) == {personas.agency_x.pk: True, personas.agency_y.pk: False}
    # Everything entered is still there, and the search box has the focus.
    for scope in ("contact", "intake"):
        assert re.search(rf'name="scopes" value="{scope}"[^>]*checked', body)
    assert not re.search(r'name="scopes" value="notes"[^>]*checked', body)
    assert re.search(r'name="method" value="written"[^>]*checked', body)
    assert 'name="given_on" value="2026-11-01"' in body
    assert 'name="expires_on" value="2027-05-01"' in body
    assert f'name="next" value="{next_url}"' in body.replace("&amp;", "&")
    assert re.search(r'id="id_agency_q"[^>]*value="LEGAL"[^>]*autofocus', body.replace("\n", " "))

    # Ticking the match and recording names both agencies.
    response = client.post(
        url,
        _consent_data(
            personas, recipients=[personas.agency_x.pk, personas.agency_y.pk], agency_q="legal"
        ),
    )
    assert response.status_code == 302
    consent = client_a.consents.order_by("-pk").first()
    assert set(consent.recipients.all()) == {personas.agency_x, personas.agency_y}
    assert consent.scopes == ["contact", "intake"]


def test_search_says_when_nothing_matches_and_when_more_match_than_are_listed(
    client, personas, client_a
):
    _many_agencies(25)
    login(client, personas.navigator_a)
    url = _form_url(client_a)
    body = client.post(url, _consent_data(personas, agency_q="harbor", find_agencies="1"))
    body = body.content.decode()
    assert (
        "More than 20 agencies match “harbor”: the first 20 are listed. "
        "Type more of the name to narrow the list."
    ) in body
    assert list(_boxes(body).values()).count(False) == 20
    assert "Harbor Services 000" in body and "Harbor Services 020" not in body

    body = client.post(
        url, _consent_data(personas, agency_q="harbor services 02", find_agencies="1")
    )
    assert "5 agencies match “harbor services 02”." in body.content.decode()

    body = client.post(url, _consent_data(personas, agency_q="Shelter", find_agencies="1"))
    body = body.content.decode()
    assert "No agency matches “Shelter”." in body
    assert _boxes(body) == {personas.agency_x.pk: True}


def test_an_agency_that_cannot_receive_information_is_refused_and_nothing_saved(
    client, personas, client_a
):
    closed = AgencyFactory(name="Closed Agency", is_active=False)
    login(client, personas.navigator_a)
    for not_allowed in (personas.center_b, closed):
        response = client.post(
            _form_url(client_a),
            _consent_data(personas, recipients=[personas.agency_y.pk, not_allowed.pk]),
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "Please fix the following" in body
        assert "is not an active partner agency, so it cannot receive" in body
        # The summary links to the agencies' group; the allowed choice stays ticked.
        assert 'href="#id_recipients-group"' in body and 'id="id_recipients-group"' in body
        assert _boxes(body) == {personas.agency_y.pk: True}
        assert client_a.consents.count() == 1


def test_chosen_agencies_survive_a_validation_error(client, personas, client_a):
    login(client, personas.navigator_a)
    response = client.post(
        _form_url(client_a),
        _consent_data(personas, scopes=[], recipients=[personas.agency_x.pk, personas.agency_y.pk]),
    )
    body = response.content.decode()
    assert "Please fix the following" in body
    assert _boxes(body) == {personas.agency_x.pk: True, personas.agency_y.pk: True}
    # None chosen: the message says how to choose one.
    response = client.post(_form_url(client_a), _consent_data(personas, recipients=[]))
    assert "Choose at least one agency: find it by name, then tick it." in (
        response.content.decode()
    )
    assert client_a.consents.count() == 1


def test_the_live_search_answers_the_list_and_its_status(client, personas, client_a):
    login(client, personas.navigator_a)
    reads = AccessLogEntry.objects.count()
    response = client.get(
        _options_url(client_a),
        {"agency_q": "legal", "recipients": [personas.agency_x.pk]},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body  # a fragment for htmx
    assert _boxes(body) == {personas.agency_x.pk: True, personas.agency_y.pk: False}
    assert '<p id="agency-status" hx-swap-oob="innerHTML">1 agency matches “legal”.</p>' in body
    assert '<div id="agency-chosen" hx-swap-oob="innerHTML">' in body
    # It shows nothing about the client: no read of the client is logged per keystroke.
    assert AccessLogEntry.objects.count() == reads
    # A cleared box lists only the chosen ones.
    body = client.get(_options_url(client_a), {"agency_q": ""}).content.decode()
    assert _boxes(body) == {}
    assert "No agency chosen yet." in body


@pytest.mark.parametrize("persona", ["navigator_b", "partner_x", "manager", "outsider"])
def test_the_live_search_is_404_outside_the_clients_center(client, personas, client_a, persona):
    login(client, personas.all_users[persona])
    response = client.get(_options_url(client_a), {"agency_q": "legal"})
    assert response.status_code == 404
    assert "Agency Y Legal Aid" not in response.content.decode()


def test_the_live_search_needs_a_login(client, client_a):
    response = client.get(_options_url(client_a), {"agency_q": "legal"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_searching_changes_no_row(client, personas, client_a):
    """Neither the live search nor the Search button records or changes a consent."""
    login(client, personas.navigator_a)
    before = (Consent.objects.count(), Consent.history.model.objects.count())
    client.get(_options_url(client_a), {"agency_q": "agency"})
    client.post(_form_url(client_a), _consent_data(personas, agency_q="a", find_agencies="1"))
    assert (Consent.objects.count(), Consent.history.model.objects.count()) == before


@pytest.mark.parametrize("posted", ["99999999999999999999", "12.5", "²", "-3"])
def test_a_posted_agency_that_cannot_be_an_id_is_a_clear_error_before_any_query(
    personas, posted, django_assert_num_queries
):
    """SQLite (the embedded install) cannot bind a number beyond a bigint: such a value is the
    field's own error, found before the database is asked."""
    from casework.forms import ConsentForm

    form = ConsentForm(
        data={
            "scopes": ["contact"],
            "recipients": [str(personas.agency_x.pk), posted],
            "method": "verbal",
            "given_on": "11/01/2026",
        }
    )
    with django_assert_num_queries(0):
        errors = form.errors
    assert "recipients" in errors
    assert errors.as_data()["recipients"][0].code == "invalid_pk_value"
