"""The client confirms whether they got help (issue 13, "The client confirms").

The daily job asks once, N days after acceptance, only clients who agreed to messages; each
rule of the link (valid, expired, tampered, another referral's code, reused after the answer,
after close) gets a clear page and changes nothing; the answer is recorded with history and
shown next to the agency's outcome; a disagreement or "could not reach them" appears on the
navigator's worklist until followed up; the reports count "confirmed by the client".
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.client_confirm import (
    client_confirmations_send,
    referrals_needing_follow_up,
)
from referrals.client_messages import contact_preference_stop
from referrals.models import ClientConfirmLink, ClientMessage, Referral, ReferralStatus
from referrals.services import referral_transition
from reports.metrics import ReportFilters, client_confirmation
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory

from .client_message_helpers import agree, program_with_location
from .referral_helpers import count_queries, send

pytestmark = pytest.mark.django_db

CONFIRM_URL = re.compile(r"https?://\S+/referrals/confirm/(?P<code>[^/\s]+)/(?P<token>[^/\s]+)/")
PERSONAS = ["navigator_b", "partner_x", "partner_y", "manager", "outsider"]
DAY = datetime.timedelta(days=1)


def _accepted(personas, client, *, days_ago=10, status=ReferralStatus.ACCEPTED, program=None):
    """A referral sent and accepted ``days_ago`` days ago, then moved on to ``status`` now."""
    then = timezone.now() - days_ago * DAY
    referral = send(personas, client, program=program or program_with_location(personas), now=then)
    referral = referral_transition(
        referral=referral, actor=personas.partner_x, action="accept", now=then
    )
    if status == ReferralStatus.COMPLETED:
        for action, kwargs in (
            ("start", {}),
            ("complete", {"code": "got_help", "decided_by": "provider"}),
        ):
            referral = referral_transition(
                referral=referral, actor=personas.partner_x, action=action, **kwargs
            )
    elif status == ReferralStatus.FAILED:
        for action, kwargs in (
            ("start", {}),
            ("fail", {"code": "could_not_contact", "decided_by": "provider"}),
        ):
            referral = referral_transition(
                referral=referral, actor=personas.partner_x, action=action, **kwargs
            )
    return referral


def _ask(django_capture_on_commit_callbacks, sms_outbox, now=None):
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client_confirmations_send(now=now or timezone.now())
    return sent


def _link_path(sms_outbox) -> str:
    (text,) = sms_outbox
    match = CONFIRM_URL.search(text.body)
    assert match, text.body
    return reverse("referrals:client_confirm", args=[match["code"], match["token"]])


@pytest.fixture
def asked(personas, client_a, sms_outbox, django_capture_on_commit_callbacks):
    """Referral accepted 10 days ago, client (Spanish) agreed to texts, confirmation sent."""
    agree(personas, client_a)
    referral = _accepted(personas, client_a)
    assert _ask(django_capture_on_commit_callbacks, sms_outbox) == [referral.pk]
    return referral, _link_path(sms_outbox)


# The daily job -------------------------------------------------------------------------------


def test_the_client_is_asked_once_after_n_days_in_their_language(
    personas, client_a, sms_outbox, django_capture_on_commit_callbacks, settings
):
    settings.CLIENT_CONFIRM_AFTER_DAYS = 10
    agree(personas, client_a)
    referral = _accepted(personas, client_a, days_ago=9)
    assert _ask(django_capture_on_commit_callbacks, sms_outbox) == []
    assert sms_outbox == []
    later = timezone.now() + DAY
    assert _ask(django_capture_on_commit_callbacks, sms_outbox, now=later) == [referral.pk]
    (text,) = sms_outbox
    assert "¿Recibió ayuda de Ayuda con CalFresh?" in text.body
    assert referral.reference_code in text.body
    message = ClientMessage.objects.get(referral=referral, template="confirm")
    assert (message.language, message.status) == ("es", "sent")
    link = ClientConfirmLink.objects.get(referral=referral)
    token = CONFIRM_URL.search(text.body)["token"]
    assert token not in link.token_hash  # only a hash is stored
    # A second run (tomorrow's) asks nothing more.
    assert _ask(django_capture_on_commit_callbacks, sms_outbox, now=later + DAY) == []
    assert sms_outbox == []


def test_a_client_who_stopped_messages_is_not_asked(
    personas, client_a, sms_outbox, django_capture_on_commit_callbacks
):
    agree(personas, client_a)
    stopped_client = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    ConsentFactory(
        client=stopped_client, recorded_by=personas.navigator_a, recipients=[personas.agency_x]
    )
    agree(personas, stopped_client)
    contact_preference_stop(client=stopped_client, actor=None, reason="stop_word")
    program = program_with_location(personas)
    asked = _accepted(personas, client_a, program=program)
    _accepted(personas, stopped_client, program=program)
    assert _ask(django_capture_on_commit_callbacks, sms_outbox) == [asked.pk]
    assert len(sms_outbox) == 1


# The page and each link rule --------------------------------------------------------------------


def test_the_page_is_in_the_clients_language_and_records_the_answer_with_history(
    client, asked, personas
):
    referral, path = asked
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="es">' in html
    assert "¿Recibió ayuda?" in html and "No pude comunicarme con ellos" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[-1]
    assert page["Cache-Control"] == "no-store, private"
    done = client.post(path, {"outcome": "got_help"})
    assert done.status_code == 200
    assert "Su respuesta se envió a su navegador(a)." in done.content.decode()
    referral.refresh_from_db()
    assert referral.client_outcome == "got_help" and referral.client_outcome_at is not None
    latest = referral.history.latest("history_date")
    assert latest.client_outcome == "got_help"
    assert latest.history_change_reason == "client reported: got_help"
    assert "_auth_user_id" not in client.session


def test_no_answer_chosen_gets_a_clear_message_and_changes_nothing(client, asked):
    referral, path = asked
    response = client.post(path, {"outcome": "maybe"})
    assert response.status_code == 400
    assert "Elija una respuesta." in response.content.decode()
    referral.refresh_from_db()
    assert referral.client_outcome == ""


def _assert_dead(response, status, text, referral, outcome=""):
    assert response.status_code == status
    assert text in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).client_outcome == outcome


def test_a_tampered_token_is_unknown(client, asked):
    referral, path = asked
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for response in (client.get(tampered), client.post(tampered, {"outcome": "got_help"})):
        _assert_dead(response, 404, "This link is not valid", referral)


def test_another_referrals_code_is_unknown(client, asked, personas, client_a):
    referral, path = asked
    other = send(personas, client_a, program=program_with_location(personas))
    wrong = path.replace(referral.reference_code, other.reference_code)
    _assert_dead(
        client.post(wrong, {"outcome": "got_help"}), 404, "This link is not valid", referral
    )
    assert Referral.objects.get(pk=other.pk).client_outcome == ""


def test_an_expired_link(client, asked, settings):
    referral, path = asked
    ClientConfirmLink.objects.filter(referral=referral).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    _assert_dead(
        client.post(path, {"outcome": "got_help"}), 410, "Este enlace ya venció.", referral
    )


def test_a_link_reused_after_the_answer(client, asked):
    referral, path = asked
    assert client.post(path, {"outcome": "did_not_go"}).status_code == 200
    again = client.post(path, {"outcome": "got_help"})
    _assert_dead(again, 410, "Usted ya respondió.", referral, outcome="did_not_go")


def test_a_link_after_the_referral_was_closed_without_help(client, asked, personas):
    referral, path = asked
    referral_transition(referral=referral, actor=personas.navigator_a, action="cancel")
    _assert_dead(
        client.post(path, {"outcome": "got_help"}), 410, "Esta remisión se cerró", referral
    )


# Next to the agency's outcome; the navigator's worklist ----------------------------------------


def _answer(client, path, outcome):
    assert client.post(path, {"outcome": outcome}).status_code == 200


def test_the_referral_page_shows_both_outcomes(client, asked, personas):
    referral, path = asked
    referral_transition(referral=referral, actor=personas.partner_x, action="start")
    _answer(client, path, "still_waiting")
    login(client, personas.navigator_a)
    html = client.get(reverse("referrals:detail", args=[referral.reference_code])).content.decode()
    assert "Client-reported outcome" in html
    assert "I am still waiting" in html
    # The history names the change in words, without the bookkeeping fields.
    assert "client answered at" not in html and "client follow up" not in html


@pytest.mark.parametrize(
    "agency_status, client_says, listed",
    [
        (ReferralStatus.COMPLETED, "did_not_go", True),  # agency: got help; client: no
        (ReferralStatus.COMPLETED, "still_waiting", True),
        (ReferralStatus.FAILED, "got_help", True),  # agency: failed; client: got help
        (ReferralStatus.ACCEPTED, "could_not_reach", True),  # always followed up
        (ReferralStatus.COMPLETED, "got_help", False),  # they agree
        (ReferralStatus.ACCEPTED, "still_waiting", False),  # nothing to disagree with yet
    ],
)
def test_disagreements_appear_on_the_navigators_worklist(
    client,
    personas,
    client_a,
    sms_outbox,
    django_capture_on_commit_callbacks,
    agency_status,
    client_says,
    listed,
):
    agree(personas, client_a)
    referral = _accepted(personas, client_a, status=agency_status)
    _ask(django_capture_on_commit_callbacks, sms_outbox)
    _answer(client, _link_path(sms_outbox), client_says)
    login(client, personas.navigator_a)
    html = client.get(reverse("referrals:worklist")).content.decode()
    assert ("Clients to follow up" in html) is listed
    assert (
        f'href="/referrals/r/{referral.reference_code}/">' in html.split("cb-status-counts")[0]
    ) is listed
    if listed:
        assert list(referrals_needing_follow_up(user=personas.navigator_a)) == [referral]
        response = client.post(reverse("referrals:follow_up_done", args=[referral.reference_code]))
        assert response.status_code == 302
        assert list(referrals_needing_follow_up(user=personas.navigator_a)) == []
        referral.refresh_from_db()
        assert referral.history.latest("history_date").history_user == personas.navigator_a


@pytest.mark.parametrize("persona", PERSONAS)
def test_other_personas_cannot_mark_a_follow_up(client, asked, personas, persona):
    referral, path = asked
    _answer(client, path, "could_not_reach")
    login(client, getattr(personas, persona))
    response = client.post(reverse("referrals:follow_up_done", args=[referral.reference_code]))
    assert response.status_code == 404
    assert Referral.objects.get(pk=referral.pk).client_follow_up_done_at is None
    assert list(referrals_needing_follow_up(user=personas.navigator_a)) == [referral]


def test_the_follow_up_list_reads_in_fixed_queries(
    client, personas, sms_outbox, django_capture_on_commit_callbacks
):
    login(client, personas.navigator_a)
    program = program_with_location(personas)
    counts = []
    for size in (1, 4):
        while len(referrals_needing_follow_up(user=personas.navigator_a)) < size:
            person = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
            ConsentFactory(
                client=person, recorded_by=personas.navigator_a, recipients=[personas.agency_x]
            )
            agree(personas, person)
            _accepted(personas, person, program=program)
            _ask(django_capture_on_commit_callbacks, sms_outbox)
            _answer(client, _link_path(sms_outbox), "could_not_reach")
        with count_queries() as counted:
            html = client.get(reverse("referrals:worklist")).content.decode()
        assert html.count('class="cb-follow-up-item"') == size
        counts.append(counted.count)
    assert counts[0] == counts[1]


# The report ---------------------------------------------------------------------------------------


def test_the_report_counts_what_clients_confirmed(
    client, personas, sms_outbox, django_capture_on_commit_callbacks
):
    program = program_with_location(personas)
    answers = ["got_help", "got_help", "did_not_go"]
    for says in answers:
        person = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
        ConsentFactory(
            client=person, recorded_by=personas.navigator_a, recipients=[personas.agency_x]
        )
        agree(personas, person)
        _accepted(personas, person, program=program, status=ReferralStatus.COMPLETED)
        _ask(django_capture_on_commit_callbacks, sms_outbox)
        _answer(client, _link_path(sms_outbox), says)
    today = timezone.localdate()
    current, previous = client_confirmation(
        ReportFilters(start=today - datetime.timedelta(days=30), end=today)
    )
    assert (current.asked, current.answered, current.said_got_help) == (3, 3, 2)
    assert (current.agency_got_help, current.confirmed) == (3, 2)
    assert previous.asked == 0


def test_the_report_table_shows_the_confirmed_share():
    from types import SimpleNamespace

    from reports.metrics import ClientConfirmation
    from reports.presentation import _client_confirmation_tables

    current = ClientConfirmation(
        asked=40, answered=30, said_got_help=20, agency_got_help=25, confirmed=15
    )
    previous = ClientConfirmation()
    (table,) = _client_confirmation_tables(SimpleNamespace(client_confirmation=(current, previous)))
    assert table.title == "Confirmed by the client"
    rows = {str(row[0]): row for row in table.rows}
    assert str(rows["Clients who answered"][1]) == "30"
    confirmed = rows['Confirmed by the client (share of the agencies\' "got help")']
    assert str(confirmed[1]) == "60%"  # 15 of the agencies' 25 "got help"
    assert confirmed[2].suppressed  # nothing in the previous period
