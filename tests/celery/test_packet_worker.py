"""A packet rendered end to end through Redis and a real Celery worker."""

import io

import pytest
from pypdf import PdfReader

from config.celery import app as celery_app
from referrals.eligibility import render_reason
from referrals.packets.services import packet_schedule
from tests.referrals.packet_helpers import REASON, SNAPSHOT, make_program, make_referral, phrase

from .conftest import wait_for_packet

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def flat_text(field) -> str:
    with field.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_worker_renders_packets_in_the_clients_language(personas, real_worker):
    program = make_program(personas)
    spanish = make_referral(personas, language="es", program=program)
    vietnamese = make_referral(personas, language="vi", program=program, first_name="Lan")

    assert not celery_app.conf.task_always_eager  # through Redis, not in-process
    for referral in (spanish, vietnamese):
        packet_schedule(referral=referral)  # autocommit: published to Redis at once

    for referral, language in ((spanish, "es"), (vietnamese, "vi")):
        done = wait_for_packet(referral.pk)
        assert done.packet_attempts == 1
        assert done.packet_language == language
        client_copy = flat_text(done.packet_client_file)
        agency_copy = flat_text(done.packet_agency_file)
        assert program.name in client_copy and program.name in agency_copy
        assert REASON in agency_copy
        # The client's copy has the same reason, in the client's language where translated.
        assert render_reason(SNAPSHOT["reasons"][0], language) in client_copy
        assert phrase(language, "why_client") in client_copy
        assert phrase(language, "bring") in client_copy
        assert phrase("en", "why_agency") in agency_copy
