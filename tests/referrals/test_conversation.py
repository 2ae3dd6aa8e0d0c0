"""The conversation on a referral (issue 13, point 4): only the two sides, author and time,
emails in each recipient's language without the text, the partner's read logged as a
disclosure, the ``referral_message_added`` signal after commit, a constant query count."""

import pytest
from django.core import mail
from django.urls import reverse

from casework.models import AccessLogEntry
from referrals.conversation import (
    ReferralMessageError,
    referral_message_add,
    referral_message_added,
)
from referrals.models import ReferralMessage
from referrals.services import referral_cancel
from tests.conftest import login

from .referral_helpers import count_queries, send
from .test_emails_language import catalogue_text

pytestmark = pytest.mark.django_db

PERSONAS = ["navigator_a", "navigator_b", "partner_x", "partner_y", "manager", "outsider"]


@pytest.fixture
def referral(personas, client_a):
    return send(personas, client_a)


def _url(referral):
    return reverse("referrals:conversation", args=[referral.reference_code])


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_two_sides_read_and_write(client, personas, referral, persona):
    login(client, getattr(personas, persona))
    allowed = persona in ("navigator_a", "partner_x")
    assert client.get(_url(referral)).status_code == (200 if allowed else 404)
    response = client.post(_url(referral), {"body": f"Hello from {persona}"})
    assert response.status_code == (302 if allowed else 404)
    assert ReferralMessage.objects.filter(body=f"Hello from {persona}").exists() == allowed


def test_both_sides_see_the_thread_with_author_and_time(client, personas, referral):
    login(client, personas.navigator_a)
    client.post(_url(referral), {"body": "Rosa can come Tuesday morning."})
    login(client, personas.partner_x)
    client.post(_url(referral), {"body": "Tuesday 10am works, bring ID."})
    page = client.get(_url(referral)).content.decode()
    first, second = page.index("Rosa can come Tuesday"), page.index("Tuesday 10am works")
    assert first < second
    assert "Maria Lopez" in page and "Northside Community Center" in page
    assert "Priya Singh" in page and "Agency X Food Bank" in page
    message = ReferralMessage.objects.get(body="Tuesday 10am works, bring ID.")
    assert message.history.get().history_user == personas.partner_x


def test_partner_read_is_a_disclosure(client, personas, referral):
    login(client, personas.partner_x)
    client.get(_url(referral))
    entry = AccessLogEntry.objects.get(object_id=referral.pk, action="disclose")
    assert entry.user == personas.partner_x and entry.fields_disclosed == ["conversation"]
    login(client, personas.navigator_a)
    report = client.get(reverse("referrals:client_disclosures", args=[referral.client_id]))
    assert "Messages about the referral" in report.content.decode()


def test_posting_a_message_is_not_a_disclosure_but_showing_the_page_is(client, personas, referral):
    login(client, personas.partner_x)
    disclosures = AccessLogEntry.objects.filter(object_id=referral.pk, action="disclose")
    assert client.post(_url(referral), {"body": "We can see her Tuesday."}).status_code == 302
    assert not disclosures.exists()
    # A refused message shows the page again: that is a read.
    assert client.post(_url(referral), {"body": "  "}).status_code == 400
    assert disclosures.count() == 1
    client.get(_url(referral))
    assert disclosures.count() == 2


def test_cancelled_referral_closes_the_conversation_to_the_agency(client, personas, referral):
    referral_cancel(referral=referral, actor=personas.navigator_a)
    login(client, personas.partner_x)
    assert client.get(_url(referral)).status_code == 404
    login(client, personas.navigator_a)
    assert client.get(_url(referral)).status_code == 200


def test_empty_or_too_long_message_changes_nothing(client, personas, referral):
    login(client, personas.navigator_a)
    assert client.post(_url(referral), {"body": "   "}).status_code == 400
    response = client.post(_url(referral), {"body": "x" * 5001})
    assert response.status_code == 400
    assert not ReferralMessage.objects.exists()
    with pytest.raises(ReferralMessageError):
        referral_message_add(referral=referral, actor=personas.partner_y, body="hi")


def test_query_count_does_not_grow_with_messages(client, personas, referral):
    login(client, personas.partner_x)

    def measure(expected_messages):
        client.get(_url(referral))  # warm the session and caches
        with count_queries() as counted:
            response = client.get(_url(referral))
        assert response.content.decode().count('class="cb-message"') == expected_messages
        return counted.count

    referral_message_add(referral=referral, actor=personas.navigator_a, body="first")
    one = measure(1)
    for i in range(14):
        referral_message_add(referral=referral, actor=personas.partner_x, body=f"message {i}")
    assert measure(15) == one


@pytest.mark.parametrize("language", ["en", "es", "vi", "pa", "hi"])
def test_other_side_is_emailed_in_their_language_without_the_text(
    personas, referral, language, django_capture_on_commit_callbacks
):
    personas.partner_x.language = language
    personas.partner_x.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral_message_add(
            referral=referral, actor=personas.navigator_a, body="Rosa's new phone is 555-0199"
        )
    (email,) = mail.outbox
    assert email.to == [personas.partner_x.email]
    assert email.extra_headers["Content-Language"] == language
    expected = "New message on referral %(code)s"
    if language != "en":
        expected = catalogue_text(language, expected, code=referral.reference_code)
    else:
        expected = expected % {"code": referral.reference_code}
    assert email.subject == expected
    assert "555-0199" not in email.body and "Rosa" not in email.body
    assert _url(referral) in email.body


def test_agency_reply_emails_the_navigator_who_sent_it(
    personas, referral, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral_message_add(referral=referral, actor=personas.partner_x, body="Got it.")
    assert [m.to for m in mail.outbox] == [[personas.navigator_a.email]]


def test_signal_is_sent_after_commit(personas, referral, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, *, message, **kwargs):
        received.append(message.pk)

    referral_message_added.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            message = referral_message_add(referral=referral, actor=personas.partner_x, body="Hi")
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [message.pk]
    finally:
        referral_message_added.disconnect(listener)
