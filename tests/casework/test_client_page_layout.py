"""The client page as a navigator uses it: compact header, actions at hand, open referrals
first, long sections collapsed, the whole history on its own page."""

from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import AccessLogEntry
from tests.conftest import login
from tests.referrals.referral_helpers import move_to, send


def _url(c):
    return reverse("casework:client_detail", args=[c.pk])


def test_header_shows_language_age_center_flags_and_open_referrals(client, personas, client_a):
    intake = client_a.intakes.get()
    services.intake_update(
        actor=personas.navigator_a,
        intake=intake,
        has_working_device=False,
        has_internet_at_home=False,
    )
    send(personas, client_a)
    move_to(personas, send(personas, client_a), "completed")
    login(client, personas.navigator_a)
    body = client.get(_url(client_a)).content.decode()
    header = body[
        body.index('class="cb-client-header"') : body.index(
            "</header>", body.index('class="cb-client-header"')
        )
    ]
    assert "Rosa Martinez" in header
    assert '<li lang="es">Español</li>' in header
    assert f"{client_a.age_on(timezone.localdate())} years old" in header
    assert "Northside Community Center" in header
    assert "No working device" in header and "No internet at home" in header
    assert "1 open referral<" in header
    assert reverse("casework:intake_create", args=[client_a.pk]) in header
    assert f'{reverse("referrals:send", args=[client_a.pk])}">Send referral' in header
    assert 'href="#notes">Add note' in header


def test_open_referrals_come_before_suggestions_and_closed_ones_are_collapsed(
    client, personas, client_a
):
    open_one = send(personas, client_a)
    closed = move_to(personas, send(personas, client_a), "completed")
    login(client, personas.navigator_a)
    body = client.get(_url(client_a)).content.decode()
    assert body.index('id="panel-referrals"') < body.index('id="panel-suggestions"')
    assert body.index('id="panel-suggestions"') < body.index('id="timeline"')
    assert body.index(open_one.reference_code) < body.index("Show 1 closed referral")
    assert body.index("Show 1 closed referral") < body.index(closed.reference_code)


def test_consent_form_is_not_on_the_page_and_the_timeline_is_cut(client, personas, client_a):
    for n in range(20):
        services.note_add(actor=personas.navigator_a, client=client_a, body=f"note number {n}")
    login(client, personas.navigator_a)
    body = client.get(_url(client_a)).content.decode()
    assert 'name="recipients"' not in body  # the consent form is a page of its own
    assert "Show the latest 15 entries" in body
    assert "note number 19" in body and "note number 0" not in body
    history = reverse("casework:client_history", args=[client_a.pk])
    assert history in body
    full = client.get(history).content.decode()
    assert "note number 0" in full and "note number 19" in full


def test_history_page_is_logged_and_404_for_other_personas(client, personas, client_a):
    history = reverse("casework:client_history", args=[client_a.pk])
    for user in (personas.navigator_b, personas.partner_x, personas.manager, personas.outsider):
        login(client, user)
        assert client.get(history).status_code == 404
    assert not AccessLogEntry.objects.exists()
    login(client, personas.navigator_a)
    assert client.get(history).status_code == 200
    assert (
        AccessLogEntry.objects.filter(client_id=client_a.pk, user=personas.navigator_a).count() == 1
    )


def test_saving_an_intake_lands_on_the_new_suggestions_with_the_confirmation(
    client, personas, client_a
):
    login(client, personas.navigator_a)
    url = reverse("casework:intake_create", args=[client_a.pk])
    data = {
        "interview_date": "2026-11-02",
        "navigator": personas.navigator_a.pk,
        "language": "es",
        "channel": "phone",
        "household_size": "3",
    }
    response = client.post(url, data, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "referrals:screening_whatif", args=[client_a.pk]
    )
    assert body.index("Intake interview saved.") < body.index('id="suggestions-heading"')
