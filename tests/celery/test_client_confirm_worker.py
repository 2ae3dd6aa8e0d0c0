"""The client's confirmation end to end through Redis and a real Celery worker, on a fixed
clock (issue 13): the referral is accepted, ten days later the daily task (run by the worker)
queues the message, the worker sends the text, the client answers from the link in it, and
the disagreement reaches the navigator's worklist."""

import datetime
import re
import time

import pytest
import time_machine
from django.urls import reverse

from config.celery import app as celery_app
from referrals import sms
from referrals.client_confirm import referrals_needing_follow_up
from referrals.models import ClientMessage, MessageStatus, Referral
from referrals.services import referral_transition
from referrals.tasks import client_confirmations_task
from tests.conftest import login
from tests.referrals.client_message_helpers import agree, program_with_location
from tests.referrals.referral_helpers import send

from .conftest import purge, thread_worker

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ACCEPTED_AT = datetime.datetime(2026, 12, 1, 17, 0, tzinfo=datetime.UTC)
CONFIRM_URL = re.compile(r"https?://\S+/referrals/confirm/(?P<code>[^/\s]+)/(?P<token>[^/\s]+)/")


def _wait_for(template, timeout=60.0) -> ClientMessage:
    deadline = time.monotonic() + timeout
    while True:
        message = ClientMessage.objects.filter(template=template).first()
        if message is not None and message.status == MessageStatus.SENT:
            return message
        if time.monotonic() > deadline:
            raise AssertionError(f"no {template} message sent after {timeout}s: {message}")
        time.sleep(0.1)


def test_the_client_confirms_through_a_real_worker_on_a_fixed_clock(
    client, settings, personas, client_a
):
    settings.SMS_BACKEND = "referrals.sms.LocmemBackend"
    settings.CLIENT_CONFIRM_AFTER_DAYS = 10
    sms.outbox.clear()
    agree(personas, client_a)
    with time_machine.travel(ACCEPTED_AT, tick=False):
        referral = send(personas, client_a, program=program_with_location(personas))
        referral = referral_transition(referral=referral, actor=personas.partner_x, action="accept")
        referral = referral_transition(referral=referral, actor=personas.partner_x, action="start")
        referral = referral_transition(
            referral=referral,
            actor=personas.partner_x,
            action="complete",
            code="got_help",
            decided_by="provider",
        )
    assert [m.template for m in ClientMessage.objects.all()] == ["referral_sent"]
    sms.outbox.clear()
    celery_app.conf.task_always_eager = False  # tests/conftest.py restores it afterwards
    purge("celery")
    try:
        with thread_worker(queue="celery"):
            # Ten days later: the task asks the client once.
            ten_days = ACCEPTED_AT + datetime.timedelta(days=10, hours=1)
            with time_machine.travel(ten_days, tick=True):
                client_confirmations_task.apply_async()
                message = _wait_for("confirm")
                client_confirmations_task.apply_async()  # a second run sends nothing more
                time.sleep(2)
    finally:
        purge("celery")
        purge("pdf")
    assert ClientMessage.objects.filter(template="confirm").count() == 1
    assert message.language == "es" and message.sent_at.date() == ten_days.date()
    (text,) = sms.outbox
    assert "¿Recibió ayuda de Ayuda con CalFresh?" in text.body
    match = CONFIRM_URL.search(text.body)
    path = reverse("referrals:client_confirm", args=[match["code"], match["token"]])
    with time_machine.travel(ten_days + datetime.timedelta(hours=2), tick=True):
        assert "¿Recibió ayuda?" in client.get(path).content.decode()
        assert client.post(path, {"outcome": "did_not_go"}).status_code == 200
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.client_outcome == "did_not_go"
    answered_at = ten_days + datetime.timedelta(hours=2)
    assert abs(referral.client_outcome_at - answered_at) < datetime.timedelta(minutes=1)
    assert list(referrals_needing_follow_up(user=personas.navigator_a)) == [referral]
    login(client, personas.navigator_a)
    html = client.get(reverse("referrals:worklist")).content.decode()
    assert "Clients to follow up" in html and "I did not go" in html
