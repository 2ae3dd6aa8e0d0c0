"""Packet job services. The referral row is the source of truth for the job:

    pending --claim--> rendering --store--> ready
                           |--error, retries left--> pending (the task retries with backoff)
                           |--error, no retries left--> failed

Every transition is a conditional UPDATE (a claim), so a duplicate or redelivered message, a
rerun, or a sweeper re-enqueue never renders a packet twice: whoever changes the row goes on,
everyone else does nothing.

A rendering claim is a lease (casework/jobs.py): ``packet_started_at`` is renewed every few
seconds by the render that holds it, so a claim not renewed for ``PACKET_STALE_SECONDS`` (20 s)
belongs to a worker that died (killed, out of memory, machine lost) and may be claimed again;
the sweeper (every 20 s) re-enqueues it. A packet whose worker died mid-render is therefore
rendered again within about 45 s (tests/celery/test_worker_killed.py), however long a live
render takes. A render stops renewing after ``PACKET_LEASE_MAX_SECONDS``, so a hung one is
taken over too.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework import jobs
from casework.access import joins_in_written_order
from referrals.models import PacketStatus, Referral

from .tasks import packet_render_task

logger = logging.getLogger(__name__)

PACKET_LANGUAGES = ("en", "es", "vi", "pa", "hi")


def packet_stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "PACKET_STALE_SECONDS", 20))


def packet_lease() -> jobs.Lease:
    """A rendering claim, renewed while the render runs; 20 s without renewal = a dead worker."""
    return jobs.Lease(
        status="packet_status",
        pending=PacketStatus.PENDING,
        running=PacketStatus.RENDERING,
        claimed_at="packet_started_at",
        length=packet_stale_after(),
    )


def packet_max_attempts() -> int:
    return getattr(settings, "PACKET_MAX_ATTEMPTS", 5)


def packet_schedule(*, referral: Referral, actor=None) -> None:
    """Marks the referral's packet pending and enqueues its render after the surrounding
    transaction commits. Safe inside the referral-send transaction: the web request never waits
    on the broker (short connect timeout, no publish retries), and a failed publish leaves the
    pending row for the sweeper. ``actor`` is accepted for symmetry; the row records no actor."""
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(
        packet_status=PacketStatus.PENDING,
        packet_requested_at=now,
        packet_started_at=None,
        packet_attempts=0,
        packet_error="",
    )
    referral.packet_status = PacketStatus.PENDING
    referral.packet_requested_at = now
    referral.packet_attempts = 0
    referral.packet_error = ""
    jobs.enqueue_on_commit(packet_render_task, referral.pk)


def packet_claim(*, referral_id: int) -> datetime | None:
    """Claims the packet for rendering: pending -> rendering, or a stale rendering claim ->
    rendering. Returns the claim's start time (the claim token) or None if someone else owns
    it or it is already done."""
    return jobs.claim(
        Referral.objects, referral_id, lease=packet_lease(), attempts="packet_attempts"
    )


@dataclass
class RenderedPacket:
    language: str
    client_pdf: bytes
    agency_pdf: bytes
    agency_disclosed: list[str]


def packet_build(*, referral: Referral) -> RenderedPacket:
    """Renders both copies: the client's in their preferred language, the agency's in English."""
    from .render import render_packet, render_packet_pdf, render_pdf

    language = referral.client.preferred_language
    if language not in PACKET_LANGUAGES:
        language = "en"
    delay = getattr(settings, "PACKET_RENDER_DELAY_SECONDS", 0)
    if delay:  # test-only: lets a test kill a worker in the middle of a render
        time.sleep(delay)
    agency_html, agency_disclosed = render_packet(referral=referral, language="en", copy="agency")
    return RenderedPacket(
        language=language,
        client_pdf=render_packet_pdf(referral=referral, language=language, copy="client"),
        agency_pdf=render_pdf(agency_html),
        agency_disclosed=agency_disclosed,
    )


def _load(referral_id: int) -> Referral:
    with joins_in_written_order():  # 11 ms of planning for a row by its key otherwise
        return Referral.objects.select_related(
            "client", "program", "agency", "sending_center", "sent_by", "consent", "intake"
        ).get(pk=referral_id)


def packet_render(*, referral_id: int) -> bool:
    """Claims, renders and stores one referral's packet. Returns False (and does nothing) when
    the claim fails: already rendered, rendering elsewhere, failed, or the referral is gone.

    On an exception the claim is released back to pending (with the error recorded) so a retry
    can claim it again; the caller (the task) decides whether to retry or give up."""
    claimed_at = packet_claim(referral_id=referral_id)
    if claimed_at is None:
        return False
    heartbeat = jobs.LeaseRenewal(
        Referral.objects,
        referral_id,
        lease=packet_lease(),
        token=claimed_at,
        max_seconds=getattr(settings, "PACKET_LEASE_MAX_SECONDS", 120),
    )
    with heartbeat:
        try:
            referral = _load(referral_id)
            packet = packet_build(referral=referral)
            old_names = [
                f.name for f in (referral.packet_client_file, referral.packet_agency_file) if f
            ]
            code = referral.reference_code
            client_name = default_storage.save(
                _path(referral, f"{code}-client-{packet.language}.pdf"),
                ContentFile(packet.client_pdf),
            )
            agency_name = default_storage.save(
                _path(referral, f"{code}-agency-en.pdf"), ContentFile(packet.agency_pdf)
            )
        except BaseException as exc:
            heartbeat.stop()
            _mine(referral_id, heartbeat.token).update(
                packet_status=PacketStatus.PENDING, packet_error=_describe(exc)
            )
            raise
    done = _mine(referral_id, heartbeat.token).update(
        packet_status=PacketStatus.READY,
        packet_language=packet.language,
        packet_client_file=client_name,
        packet_agency_file=agency_name,
        packet_disclosed=packet.agency_disclosed,
        packet_rendered_at=timezone.now(),
        packet_error="",
    )
    if not done:  # our claim went stale and someone else took over: theirs wins
        for name in (client_name, agency_name):
            default_storage.delete(name)
        return False
    for name in old_names:  # a re-render replaces the previous files
        if name not in (client_name, agency_name):
            default_storage.delete(name)
    return True


def _mine(referral_id: int, token: datetime):
    return jobs.held(Referral.objects, referral_id, lease=packet_lease(), token=token)


def _path(referral: Referral, filename: str) -> str:
    from referrals.models.referral import packet_upload_to

    return packet_upload_to(referral, filename)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def packet_fail(*, referral_id: int, error: str) -> bool:
    """Gives up on a packet (no retries left, or an error that a retry cannot fix)."""
    return bool(
        Referral.objects.filter(pk=referral_id)
        .exclude(packet_status=PacketStatus.READY)
        .update(packet_status=PacketStatus.FAILED, packet_error=error[:2000])
    )


def packet_rerender(*, referral: Referral, actor) -> bool:
    """On demand (the sending center's staff): render the packet again. Does nothing while a render
    is already waiting or running. Returns whether a render was scheduled."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.packet_status in (PacketStatus.PENDING, PacketStatus.RENDERING):
            return False
        packet_schedule(referral=referral, actor=actor)
    return True


def packets_sweep(*, now: datetime | None = None) -> int:
    """Re-enqueues packets left pending longer than ``PACKET_PENDING_GRACE`` (their message was
    never published, or was lost) and packets whose rendering claim went stale (their worker
    died). Stale claims that used up their attempts are marked failed. Returns how many were
    re-enqueued."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=getattr(settings, "PACKET_PENDING_GRACE_SECONDS", 120))
    return jobs.sweep(
        packet_render_task,
        Referral.objects,
        lease=packet_lease(),
        stuck=Q(packet_status=PacketStatus.PENDING, packet_requested_at__lt=grace),
        now=now,
        attempts="packet_attempts",
        max_attempts=packet_max_attempts(),
        give_up={
            "packet_status": PacketStatus.FAILED,
            "packet_error": "Gave up: too many attempts.",
        },
        order_by="packet_requested_at",
        batch=getattr(settings, "PACKET_SWEEP_BATCH", 500),
    ).enqueued
