"""Messages to the client in their language (issue 13, "Client messages in their language").

The contact preference (its own consent, with history); the text and the email sent with a
referral in each of the five languages, carrying the program's details and nothing about the
client; stop words from the provider's inbound webhook; a failing SMS provider retried while
the send request succeeds; wrong personas get 404.
"""

import pytest
from django.core import mail
from django.urls import reverse

from referrals import sms
from referrals.client_messages import is_stop_word
from referrals.models import ClientMessage, ContactPreference, MessageStatus, Referral
from referrals.sms import SmsError, TwilioBackend
from tests.conftest import login
from tests.factories import ClientFactory

from .client_message_helpers import (
    CLIENT_EMAIL,
    CLIENT_PHONE,
    DIRECTORY_TEXT,
    HOURS,
    agree,
    program_with_location,
)
from .referral_helpers import count_queries, send

pytestmark = pytest.mark.django_db

PERSONAS = ["navigator_b", "partner_x", "partner_y", "manager", "outsider"]

# The first line of the message in each language (locale/*/LC_MESSAGES/django.po).
INTRO = {
    "en": "Your navigator referred you to",
    "es": "Su navegador(a) lo remitió a",
    "vi": "Nhân viên hướng dẫn của quý vị đã giới thiệu quý vị đến",
    "pa": "ਤੁਹਾਡੇ ਨੈਵੀਗੇਟਰ ਨੇ ਤੁਹਾਨੂੰ",
    "hi": "आपके नेविगेटर ने आपको",
}
BRING_LABEL = {
    "en": "What to bring",
    "es": "Qué debe traer",
    "vi": "Cần mang theo",
    "pa": "ਨਾਲ ਕੀ ਲਿਆਉਣਾ ਹੈ",
    "hi": "साथ क्या लाएँ",
}
LANGUAGES = ["en", "es", "vi", "pa", "hi"]


def _send(personas, client, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return send(personas, client, program=program_with_location(personas), **kwargs)


def _expected_details(language):
    name = DIRECTORY_TEXT.get(language, {}).get("name", "CalFresh application help")
    hours = HOURS.get(language, {}).get("hours", "Mon–Fri 9:00–17:00")
    bring = DIRECTORY_TEXT.get(language, {}).get("required_documents", "Photo ID; proof of income")
    return [name, hours, bring, "1 Market St", "95113", "+1 408 555 0100", "Maria Lopez"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_text_sent_with_a_referral_is_in_the_clients_language(
    personas, client_a, sms_outbox, django_capture_on_commit_callbacks, language
):
    client_a.preferred_language = language
    client_a.save()
    agree(personas, client_a)
    referral = _send(personas, client_a, django_capture_on_commit_callbacks)
    (text,) = sms_outbox
    assert text.to == CLIENT_PHONE
    assert INTRO[language] in text.body
    assert BRING_LABEL[language] in text.body
    assert referral.reference_code in text.body
    for detail in _expected_details(language):
        assert detail in text.body, (detail, text.body)
    message = ClientMessage.objects.get(referral=referral)
    assert (message.channel, message.to, message.template, message.language, message.status) == (
        "sms",
        CLIENT_PHONE,
        "referral_sent",
        language,
        MessageStatus.SENT,
    )
    assert message.sent_at is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_email_sent_with_a_referral_is_in_the_clients_language(
    personas, client_a, sms_outbox, django_capture_on_commit_callbacks, language
):
    client_a.preferred_language = language
    client_a.save()
    agree(personas, client_a, channel="email")
    mail.outbox.clear()
    referral = _send(personas, client_a, django_capture_on_commit_callbacks)
    (email,) = [m for m in mail.outbox if m.to == [CLIENT_EMAIL]]
    assert email.extra_headers["Content-Language"] == language
    assert referral.reference_code in email.subject
    assert INTRO[language] in email.body
    for detail in _expected_details(language):
        assert detail in email.body, (detail, email.body)
    assert sms_outbox == []  # the client agreed to email, not texts
    message = ClientMessage.objects.get(referral=referral)
    assert (message.channel, message.to, message.language) == ("email", CLIENT_EMAIL, language)


def test_messages_carry_nothing_about_the_client(
    personas, client_a, sms_outbox, django_capture_on_commit_callbacks
):
    client_a.email = "someone.else@example.net"
    client_a.address_line1 = "77 Orchard Lane"
    client_a.save()
    agree(personas, client_a)  # texts only
    mail.outbox.clear()
    referral = _send(
        personas,
        client_a,
        django_capture_on_commit_callbacks,
        reason="Eviction notice received on Monday.",
        note_to_agency="Husband must not know about this referral.",
    )
    (text,) = sms_outbox
    for private in (
        "Rosa",
        "Martinez",
        "77 Orchard Lane",
        "Eviction",
        "Husband",
        client_a.date_of_birth.isoformat(),
    ):
        assert private not in text.body
    # The consent covers the number the client gave for texts, not their email address.
    assert not [m for m in mail.outbox if client_a.email in m.to]
    (message,) = ClientMessage.objects.filter(referral=referral)
    assert message.to == CLIENT_PHONE
    stored = {f.name for f in ClientMessage._meta.concrete_fields}
    assert "body" not in stored and "text" not in stored


def test_a_client_who_did_not_agree_gets_nothing(
    personas, client_a, sms_outbox, django_capture_on_commit_callbacks
):
    other = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    agree(personas, other)
    referral = _send(personas, client_a, django_capture_on_commit_callbacks)
    assert Referral.objects.filter(pk=referral.pk).exists()
    assert sms_outbox == []
    assert not ClientMessage.objects.filter(referral=referral).exists()


# The contact preference page ------------------------------------------------------------------


def _contact_url(client_a):
    return reverse("referrals:contact_preference", args=[client_a.pk])


def test_the_navigator_records_the_clients_agreement_with_history(client, personas, client_a):
    login(client, personas.navigator_a)
    response = client.post(
        _contact_url(client_a), {"action": "agree", "channel": "sms", "phone": "(408) 555-0199"}
    )
    assert response.status_code == 302
    preference = ContactPreference.objects.get(client=client_a)
    assert (str(preference.phone), preference.agreed, preference.given_by) == (
        CLIENT_PHONE,
        True,
        personas.navigator_a,
    )
    page = client.get(_contact_url(client_a)).content.decode()
    assert "+14085550199" in page and "Maria Lopez" in page
    client.post(_contact_url(client_a), {"action": "stop"})
    preference.refresh_from_db()
    assert preference.agreed is False
    assert [h.agreed for h in preference.history.order_by("history_date")] == [True, False]
    assert preference.history.earliest("history_date").history_user == personas.navigator_a


@pytest.mark.parametrize(
    "data, message",
    [
        ({"channel": "sms", "phone": "555"}, "Enter a valid"),
        ({"channel": "sms", "phone": ""}, "Enter the mobile number the client agreed to."),
        ({"channel": "email", "email": "not-an-address"}, "Enter a valid email address."),
        ({"channel": "pigeon"}, "Select a valid choice."),
    ],
)
def test_bad_contact_details_get_a_clear_message_and_change_nothing(
    client, personas, client_a, data, message
):
    login(client, personas.navigator_a)
    response = client.post(_contact_url(client_a), {"action": "agree", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ContactPreference.objects.filter(client=client_a).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_other_personas_get_404_on_the_contact_page(client, personas, client_a, persona):
    login(client, getattr(personas, persona))
    assert client.get(_contact_url(client_a)).status_code == 404
    response = client.post(_contact_url(client_a), {"channel": "sms", "phone": CLIENT_PHONE})
    assert response.status_code == 404
    assert not ContactPreference.objects.filter(client=client_a).exists()


def test_the_contact_page_reads_its_message_list_in_fixed_queries(
    client, personas, client_a, sms_outbox, django_capture_on_commit_callbacks
):
    agree(personas, client_a)
    login(client, personas.navigator_a)
    counts = []
    for _ in range(2):
        _send(personas, client_a, django_capture_on_commit_callbacks)
        _send(personas, client_a, django_capture_on_commit_callbacks)
        with count_queries() as counted:
            response = client.get(_contact_url(client_a))
        assert response.status_code == 200
        counts.append(counted.count)
    assert ClientMessage.objects.filter(client=client_a).count() == 4
    assert counts[0] == counts[1]


# Stop words -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        "Alto",
        "ALTO.",
        "Dừng",
        "DUNG",
        "ਬੰਦ",
        "बंद",
        "UNSUBSCRIBE",
        "Cancel",
        "end",
        "Quit",
    ],
)
def test_stop_words_in_each_language(text):
    assert is_stop_word(text)


@pytest.mark.parametrize("text", ["Thanks!", "Where is the office?", "stopping by tomorrow", ""])
def test_other_replies_are_not_stop_words(text):
    assert not is_stop_word(text)


def _inbound(client, body, phone=CLIENT_PHONE, secret="s3cret"):
    return client.post(
        reverse("referrals:sms_inbound"),
        {"From": phone, "Body": body},
        headers={"X-Casebridge-Sms-Secret": secret},
    )


def test_a_stop_text_turns_messages_off_with_history(
    client, settings, personas, client_a, sms_outbox, django_capture_on_commit_callbacks
):
    settings.SMS_INBOUND_SECRET = "s3cret"
    agree(personas, client_a)
    assert _inbound(client, "Thanks, see you there").status_code == 200
    assert ContactPreference.objects.get(client=client_a).agreed is True
    assert _inbound(client, "ALTO").status_code == 200
    preference = ContactPreference.objects.get(client=client_a)
    assert (preference.agreed, preference.stopped_reason) == (False, "stop_word")
    latest = preference.history.latest("history_date")
    assert (latest.agreed, latest.history_user, latest.history_change_reason) == (
        False,
        None,
        "stop_word",
    )
    _send(personas, client_a, django_capture_on_commit_callbacks)
    assert sms_outbox == []


def test_an_inbound_text_without_the_secret_is_404_and_changes_nothing(
    client, settings, personas, client_a
):
    settings.SMS_INBOUND_SECRET = "s3cret"
    agree(personas, client_a)
    assert _inbound(client, "STOP", secret="guess").status_code == 404
    settings.SMS_INBOUND_SECRET = ""
    assert _inbound(client, "STOP", secret="").status_code == 404
    assert ContactPreference.objects.get(client=client_a).agreed is True


def test_the_sms_webhook_has_a_rate_limit_of_its_own(client, settings, personas, client_a):
    """The provider relays every client's replies from a few addresses: a burst of them is not
    cut off by the answer links' per-person limit, but by the webhook's own."""
    settings.SMS_INBOUND_SECRET = "s3cret"
    settings.RATELIMITS = {**settings.RATELIMITS, "referral_link": "2/m", "sms_inbound": "3/m"}
    agree(personas, client_a)
    replies = [_inbound(client, text).status_code for text in ("Thanks", "See you", "OK")]
    assert replies == [200, 200, 200]  # the third would be 429 under referral_link's 2/m
    assert _inbound(client, "STOP").status_code == 429
    assert ContactPreference.objects.get(client=client_a).agreed is True  # not carried out


def test_twilio_inbound_requests_must_carry_twilios_signature(client, settings, personas, client_a):
    settings.SMS_BACKEND = "referrals.sms.TwilioBackend"
    settings.TWILIO_AUTH_TOKEN = "twilio-token"
    settings.SITE_URL = "https://casebridge.example.org"
    agree(personas, client_a)
    url = reverse("referrals:sms_inbound")
    params = {"From": CLIENT_PHONE, "Body": "STOP", "MessageSid": "SM123"}
    signature = TwilioBackend.signature(
        "https://casebridge.example.org" + url, params, "twilio-token"
    )
    tampered = client.post(url, {**params, "Body": "STOP"}, headers={"X-Twilio-Signature": "x"})
    assert tampered.status_code == 404
    assert ContactPreference.objects.get(client=client_a).agreed is True
    response = client.post(url, params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    assert ContactPreference.objects.get(client=client_a).agreed is False


# A failing provider -----------------------------------------------------------------------------


class FlakyBackend(sms.LocmemBackend):
    """Fails the first ``failures`` sends (a provider outage), then delivers."""

    failures = 2
    calls = 0

    def send(self, *, to, body):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise SmsError("provider answered 503")
        return super().send(to=to, body=body)


def _post_send(client, personas, client_a):
    program = program_with_location(personas)
    url = f"{reverse('referrals:send', args=[client_a.pk])}?program={program.pk}"
    return client.post(
        url,
        {
            "program": program.pk,
            "need_category": "",
            "urgency": "routine",
            "reason": "Needs food assistance.",
            "note_to_agency": "",
        },
    )


def test_a_failing_provider_is_retried_and_the_send_request_succeeds(
    client, settings, personas, client_a, sms_outbox, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.referrals.test_client_messages.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 2
    agree(personas, client_a)
    login(client, personas.navigator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_send(client, personas, client_a)
    assert response.status_code == 302
    referral = Referral.objects.get(client=client_a)
    message = ClientMessage.objects.get(referral=referral)
    assert (message.status, message.attempts) == (MessageStatus.SENT, 3)
    assert len(sms_outbox) == 1
    statuses = [h.status for h in message.history.order_by("history_date", "history_id")]
    assert statuses.count(MessageStatus.FAILED) == 2


def test_a_provider_that_keeps_failing_leaves_the_message_failed_not_the_request(
    client, settings, personas, client_a, sms_outbox, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.referrals.test_client_messages.FlakyBackend"
    settings.CLIENT_MESSAGE_MAX_RETRIES = 2
    FlakyBackend.calls, FlakyBackend.failures = 0, 100
    agree(personas, client_a)
    login(client, personas.navigator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_send(client, personas, client_a)
    assert response.status_code == 302
    message = ClientMessage.objects.get(referral__client=client_a)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    assert "503" in message.error
    assert sms_outbox == []


def test_the_backoff_doubles():
    from referrals.client_messages import retry_countdown

    assert [retry_countdown(n) for n in range(4)] == [30, 60, 120, 240]


class _Answer:
    def __init__(self, status_code, payload=None):
        self.status_code = status_code
        self._payload = payload or {}

    def json(self):
        return self._payload


def test_the_twilio_backend_posts_to_the_rest_api_and_raises_on_an_error(settings, monkeypatch):
    import requests

    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "twilio-token"
    settings.TWILIO_FROM_NUMBER = "+14085550000"
    calls = []

    def fake_post(url, data, auth, timeout):
        calls.append((url, data, auth))
        return answers.pop(0)

    monkeypatch.setattr(requests, "post", fake_post)
    answers = [_Answer(201, {"sid": "SM42"}), _Answer(503)]
    backend = TwilioBackend()
    assert backend.send(to=CLIENT_PHONE, body="Hola") == "SM42"
    assert calls[0] == (
        "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json",
        {"To": CLIENT_PHONE, "From": "+14085550000", "Body": "Hola"},
        ("AC123", "twilio-token"),
    )
    with pytest.raises(SmsError, match="503"):
        backend.send(to=CLIENT_PHONE, body="Hola")


def test_a_message_queued_while_the_broker_was_down_is_sent_by_the_sweeper(
    client, personas, client_a, sms_outbox, django_capture_on_commit_callbacks, monkeypatch
):
    """The send request succeeds with Redis down; the message waits "queued" and the sweeper
    (beat, every 2 minutes) publishes it; a claim whose worker died is taken over."""
    import datetime

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from referrals.client_messages import client_messages_sweep
    from referrals.tasks import client_message_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    agree(personas, client_a)
    login(client, personas.navigator_a)
    with monkeypatch.context() as patched:
        patched.setattr(client_message_task, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = _post_send(client, personas, client_a)
    assert response.status_code == 302
    message = ClientMessage.objects.get(referral__client=client_a)
    assert (message.status, sms_outbox) == (MessageStatus.QUEUED, [])

    assert client_messages_sweep() == 0  # too soon: it may still be on its way
    later = timezone.now() + datetime.timedelta(minutes=3)
    assert client_messages_sweep(now=later) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(sms_outbox) == 1

    # A worker that claimed a message and died: after the lease, the sweeper sends it again.
    ClientMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert client_messages_sweep() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(sms_outbox) == 2
