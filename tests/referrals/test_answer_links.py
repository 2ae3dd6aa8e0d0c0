"""Answering a referral from the emailed link, without an account (issue 13, point 1).

Each link rule: valid, expired, tampered, another referral's code, revoked (cancellation,
consent revocation, the sending center's action), after close; the email that carries it; the
history and access log naming the agency's address; no session and nothing else granted.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from casework.models import AccessLogEntry, AnswerChannel
from casework.services import consent_revoke
from referrals.disclosure import referral_disclosure
from referrals.models import Referral, ReferralEvent, ReferralLink, ReferralStatus
from referrals.services import notifications, referral_cancel, referral_transition
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory

from .referral_helpers import move_to, send

pytestmark = pytest.mark.django_db

AGENCY_ADDRESS = "intake@agency-x.example.org"
PERSONAS = ["navigator_a", "navigator_b", "partner_x", "partner_y", "manager", "outsider"]
ANSWER_URL = re.compile(r"https?://\S+/referrals/answer/(?P<code>[^/\s]+)/(?P<token>[^/\s]+)/")


@pytest.fixture
def agency_x(personas):
    personas.agency_x.email = AGENCY_ADDRESS
    personas.agency_x.save(update_fields=["email"])
    return personas.agency_x


def _emailed_link(referral) -> str:
    """Sends the new-referral email and returns the answer path in the agency address's copy."""
    mail.outbox.clear()
    notifications.notify_new_referral(referral.pk)
    (message,) = [m for m in mail.outbox if m.to == [AGENCY_ADDRESS]]
    match = ANSWER_URL.search(message.body)
    assert match, message.body
    assert match["code"] == referral.reference_code
    return reverse("referrals:answer", args=[match["code"], match["token"]])


@pytest.fixture
def referral(personas, client_a, agency_x):
    return send(personas, client_a)


@pytest.fixture
def link_path(referral):
    return _emailed_link(referral)


def _act(client, link_path, action, **data):
    return client.post(f"{link_path}do/{action}/", data)


def _status(referral):
    return Referral.objects.get(pk=referral.pk).status


# The email ----------------------------------------------------------------------------------


def test_email_to_the_agency_address_carries_a_link_and_staff_get_the_portal(
    personas, referral, agency_x
):
    mail.outbox.clear()
    notifications.notify_new_referral(referral.pk)
    agency = next(m for m in mail.outbox if m.to == [AGENCY_ADDRESS])
    staff = next(m for m in mail.outbox if m.to == [personas.partner_x.email])
    token = ANSWER_URL.search(agency.body)["token"]
    assert ANSWER_URL.search(staff.body) is None
    assert reverse("referrals:detail", args=[referral.reference_code]) in staff.body
    assert "14 days" in agency.body
    # Only a hash is stored; nothing about the client is in the link.
    link = ReferralLink.objects.get(referral=referral)
    assert link.email == AGENCY_ADDRESS and token not in link.token_hash
    assert "Rosa" not in agency.body and "Martinez" not in agency.body


def test_portal_only_agency_gets_no_link(personas, referral, agency_x):
    agency_x.answer_channel = AnswerChannel.PORTAL
    agency_x.save(update_fields=["answer_channel"])
    mail.outbox.clear()
    notifications.notify_new_referral(referral.pk)
    assert {tuple(m.to) for m in mail.outbox} == {(AGENCY_ADDRESS,), (personas.partner_x.email,)}
    assert not any(ANSWER_URL.search(m.body) for m in mail.outbox)
    assert not ReferralLink.objects.exists()


def test_email_only_agency_emails_only_its_address_with_the_link(personas, referral, agency_x):
    agency_x.answer_channel = AnswerChannel.EMAIL_ONLY
    agency_x.save(update_fields=["answer_channel"])
    mail.outbox.clear()
    notifications.notify_new_referral(referral.pk)
    assert [m.to for m in mail.outbox] == [[AGENCY_ADDRESS]]
    assert ANSWER_URL.search(mail.outbox[0].body)


# Valid link -------------------------------------------------------------------------------


def test_valid_link_shows_what_the_consent_allows_and_logs_a_disclosure(
    client, personas, referral, link_path
):
    response = client.get(link_path)
    assert response.status_code == 200
    page = response.content.decode()
    assert referral.reference_code in page and "Rosa" in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "sessionid" not in response.cookies
    entry = AccessLogEntry.objects.get(object_type="referral", object_id=referral.pk)
    assert entry.user is None and entry.external_actor == AGENCY_ADDRESS
    assert entry.action == "disclose"
    assert entry.fields_disclosed == referral_disclosure(referral=referral).keys()
    # The client's disclosure report names the address that read it.
    login(client, personas.navigator_a)
    report = client.get(reverse("referrals:client_disclosures", args=[referral.client_id]))
    assert AGENCY_ADDRESS in report.content.decode()


def test_link_shows_only_the_covered_fields(personas, agency_x):
    client_record = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        phone="(415) 555-0134",
        legal_first_name="Lan",
        legal_last_name="Tran",
    )
    ConsentFactory(
        client=client_record,
        recorded_by=personas.navigator_a,
        recipients=[agency_x],
        scopes=["demographics"],
    )
    referral = send(personas, client_record)
    from django.test import Client

    page = Client().get(_emailed_link(referral)).content.decode()
    assert "Lan" in page and "555-0134" not in page


def test_accept_start_complete_through_the_link_names_the_address_in_the_history(
    client, personas, referral, link_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, link_path, "accept", note="We will call Monday.")
    assert response.status_code == 200
    assert _act(client, link_path, "start").status_code == 200
    response = _act(
        client, link_path, "complete", code="got_help", decided_by="provider", note="Enrolled."
    )
    assert response.status_code == 200
    assert "is now completed" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == "got_help"
    events = list(ReferralEvent.objects.filter(referral=referral).order_by("at", "id"))[1:]
    assert [(e.to_status, e.actor_id, e.actor_email) for e in events] == [
        ("accepted", None, AGENCY_ADDRESS),
        ("in-progress", None, AGENCY_ADDRESS),
        ("completed", None, AGENCY_ADDRESS),
    ]
    assert referral.history.first().history_external_actor == AGENCY_ADDRESS
    # The navigator sees who answered, and was told by email.
    login(client, personas.navigator_a)
    page = client.get(reverse("referrals:detail", args=[referral.reference_code])).content
    events_list = page.decode().split('class="cb-timeline cb-referral-events"', 1)[1]
    events_list = events_list.split("</ol>", 1)[0]
    assert events_list.count(AGENCY_ADDRESS) == 3  # accepted, started, completed
    assert any(
        m.to == [personas.navigator_a.email] and AGENCY_ADDRESS in m.body for m in mail.outbox
    )


def test_decline_needs_a_reason_and_bad_input_changes_nothing(client, referral, link_path):
    response = _act(client, link_path, "reject", note="x")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert _status(referral) == ReferralStatus.REQUESTED
    response = _act(client, link_path, "reject", code="no_capacity")
    assert _status(referral) == ReferralStatus.REJECTED
    assert "closed" in response.content.decode()


def test_cancel_is_not_an_answer_link_action(client, referral, link_path):
    assert _act(client, link_path, "cancel").status_code == 404
    assert _status(referral) == ReferralStatus.REQUESTED


def test_second_answer_is_told_who_acted_first(client, personas, referral, link_path):
    referral_transition(referral=referral, actor=personas.partner_x, action="accept")
    response = _act(client, link_path, "accept")
    assert response.status_code == 409
    assert "already accepted by Priya Singh" in response.content.decode()


# Links that do not work -------------------------------------------------------------------


def _refused(client, path, referral, *, status, text):
    before = _status(referral)
    events = ReferralEvent.objects.filter(referral=referral).count()
    response = client.get(path)
    assert response.status_code == status
    assert text in response.content.decode()
    assert "Rosa" not in response.content.decode()
    response = _act(client, path, "accept")
    assert response.status_code == status
    assert _status(referral) == before
    assert ReferralEvent.objects.filter(referral=referral).count() == events
    assert not AccessLogEntry.objects.filter(external_actor=AGENCY_ADDRESS).exists()


def test_expired_link(client, referral, link_path, settings):
    later = timezone.now() + datetime.timedelta(days=settings.REFERRAL_LINK_DAYS, minutes=1)
    with time_machine.travel(later):
        _refused(client, link_path, referral, status=410, text="This link has expired")


def test_link_works_until_it_expires(client, referral, link_path, settings):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=13)):
        assert client.get(link_path).status_code == 200


def test_tampered_link(client, referral, link_path):
    code, token = link_path.rstrip("/").split("/")[-2:]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    path = reverse("referrals:answer", args=[code, tampered])
    _refused(client, path, referral, status=404, text="This link is not valid")


def test_link_does_not_open_another_referral(client, personas, client_a, referral, link_path):
    other = send(personas, client_a)
    token = link_path.rstrip("/").split("/")[-1]
    path = reverse("referrals:answer", args=[other.reference_code, token])
    _refused(client, path, other, status=404, text="This link is not valid")


def test_cancelling_the_referral_revokes_the_link(client, personas, referral, link_path):
    referral_cancel(referral=referral, actor=personas.navigator_a)
    assert ReferralLink.objects.get(referral=referral).revoked_reason == "cancelled"
    _refused(client, link_path, referral, status=410, text="withdrawn")


def test_revoking_the_consent_revokes_the_link(client, personas, referral, link_path):
    consent_revoke(actor=personas.navigator_a, consent=referral.consent)
    assert ReferralLink.objects.get(referral=referral).revoked_reason == "consent_revoked"
    _refused(client, link_path, referral, status=410, text="withdrawn")


def test_consent_no_longer_naming_the_agency_closes_the_link(client, personas, referral, link_path):
    referral.consent.recipients.clear()  # as an admin edit would leave it
    _refused(client, link_path, referral, status=410, text="no longer covers your agency")


def test_sending_center_ends_the_links(client, personas, referral, link_path):
    login(client, personas.navigator_a)
    detail = client.get(reverse("referrals:detail", args=[referral.reference_code]))
    assert AGENCY_ADDRESS in detail.content.decode()
    response = client.post(reverse("referrals:answer_links_revoke", args=[referral.reference_code]))
    assert response.status_code == 302
    link = ReferralLink.objects.get(referral=referral)
    assert link.revoked_reason == "staff"
    assert link.history.first().history_user == personas.navigator_a
    client.logout()
    _refused(client, link_path, referral, status=410, text="withdrawn")


def test_link_after_close(client, personas, referral, link_path):
    move_to(personas, referral, ReferralStatus.COMPLETED)
    _refused(client, link_path, referral, status=410, text="This referral is closed")


# Wrong persona and nothing else granted ---------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_revoking_links_is_for_the_sending_center_only(
    client, personas, referral, link_path, persona
):
    login(client, getattr(personas, persona))
    url = reverse("referrals:answer_links_revoke", args=[referral.reference_code])
    response = client.post(url)
    assert response.status_code == (302 if persona == "navigator_a" else 404)
    revoked = ReferralLink.objects.filter(referral=referral, revoked_at__isnull=False).exists()
    assert revoked == (persona == "navigator_a")


@pytest.mark.parametrize("persona", PERSONAS)
def test_signed_in_people_without_the_token_get_404(client, personas, referral, persona):
    login(client, getattr(personas, persona))
    path = reverse("referrals:answer", args=[referral.reference_code, "not-the-token"])
    assert client.get(path).status_code == 404
    assert client.post(f"{path}do/accept/").status_code == 404
    assert _status(referral) == ReferralStatus.REQUESTED


def test_link_grants_nothing_else(client, personas, referral, link_path):
    assert client.get(link_path).status_code == 200
    for url in (
        reverse("referrals:detail", args=[referral.reference_code]),
        reverse("referrals:inbox"),
        reverse("referrals:packet_status", args=[referral.reference_code]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert "_auth_user_id" not in client.session
