"""Redis frozen or gone while referrals are sent: the referral is saved, the request returns
promptly, and once Redis is back the sweeper gets every packet rendered (exactly once)."""

import logging
import time

import pytest
from django.urls import reverse

from referrals.models import PacketStatus, Referral
from referrals.packets.services import packets_sweep
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory, IntakeFactory
from tests.referrals.packet_helpers import make_program

from .conftest import thread_worker, wait_for_packet

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

PROMPT_SECONDS = 4  # each publish (packet, notification) gives up after ~1 s


def send(django_client, personas, program, client):
    url = reverse("referrals:send", args=[client.pk])
    started = time.monotonic()
    response = django_client.post(
        url,
        {
            "program": program.pk,
            "need_category": "food",
            "urgency": "routine",
            "reason": "Needs groceries this week.",
            "note_to_agency": "",
        },
    )
    return response, time.monotonic() - started


def new_client(personas, language):
    client = ClientFactory(
        center=personas.center_a, created_by=personas.navigator_a, preferred_language=language
    )
    IntakeFactory(client=client, navigator=personas.navigator_a)
    ConsentFactory(client=client, recorded_by=personas.navigator_a, recipients=[personas.agency_x])
    return client


def test_referrals_sent_while_redis_is_down_get_their_packets(
    client, personas, private_redis, settings, caplog
):
    caplog.set_level(logging.WARNING, logger="casework.jobs")
    program = make_program(personas)
    login(client, personas.navigator_a)
    frozen_client, stopped_client = new_client(personas, "pa"), new_client(personas, "hi")

    # 1. Redis frozen (SIGSTOP): connections open, nothing ever answers.
    private_redis.pause()
    response, elapsed = send(client, personas, program, frozen_client)
    assert response.status_code == 302, response.content[:500]
    print(f"send with Redis frozen: {elapsed:.2f}s")
    assert elapsed < PROMPT_SECONDS, f"the request waited {elapsed:.1f}s on a frozen Redis"
    frozen = Referral.objects.get(client=frozen_client)
    assert frozen.packet_status == PacketStatus.PENDING
    assert "the sweeper will retry" in caplog.text

    # 2. Redis stopped (its queue, and anything that reached it, is gone).
    private_redis.stop()
    response, elapsed = send(client, personas, program, stopped_client)
    assert response.status_code == 302
    print(f"send with Redis stopped: {elapsed:.2f}s")
    assert elapsed < PROMPT_SECONDS, f"the request waited {elapsed:.1f}s on a stopped Redis"
    stopped = Referral.objects.get(client=stopped_client)
    assert stopped.packet_status == PacketStatus.PENDING
    assert response.url == reverse("referrals:detail", args=[stopped.reference_code])

    # 3. Redis is back, empty. A worker runs, and the sweeper re-enqueues the pending packets.
    private_redis.start()
    settings.PACKET_PENDING_GRACE_SECONDS = 0
    with thread_worker():
        assert packets_sweep() == 2
        for referral in (frozen, stopped):
            done = wait_for_packet(referral.pk)
            assert done.packet_attempts == 1
        assert Referral.objects.get(pk=frozen.pk).packet_language == "pa"
        assert Referral.objects.get(pk=stopped.pk).packet_language == "hi"
