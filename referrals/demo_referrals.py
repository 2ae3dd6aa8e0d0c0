"""Demo referrals: every status, spread over the last eight weeks, with realistic notes and
outcomes and backdated status changes, for the demo clients and programs.

Called by ``manage.py seed_demo`` after the demo directory (referrals.demo) exists. Idempotent:
a client that already has a referral gets no new ones. Goes through the real services (with
``now=`` backdating), so grants, events, history and packets are exactly as in real use; emails
are not sent while seeding.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from casework.models import AccessLogEntry, Consent, Membership, Role
from casework.models.accesslog import AccessAction

from .disclosure import referral_disclosure
from .models import Program, Referral, ReferralStatus
from .services import notifications, referral_send, referral_transition, referrals_follow_up

REASONS = {
    "food": "Household ran out of groceries before the end of the month; income dropped after "
    "reduced hours.",
    "health": "No coverage since a job change; needs help enrolling and a primary care visit.",
    "housing": "Received a 3-day notice to pay rent; behind two months.",
    "digital_access": "No computer at home; children need one for school and the client for "
    "job applications.",
    "legal": "Landlord filed an unlawful detainer; the client needs advice before the hearing.",
    "jobs": "Looking for work after a layoff; interested in training.",
    "utilities": "PG&E bill past due; shut-off notice received.",
    "mental_health": "Reports ongoing anxiety and trouble sleeping; open to counseling.",
    "education": "Wants to enroll in ESL and computer classes.",
    "childcare": "Needs after-school care to keep a new job.",
    "transportation": "Needs reduced-fare transit to get to work.",
}
NOTES_TO_AGENCY = [
    "Best reached after 3 pm. Prefers Spanish.",
    "Client has photo ID and last month's pay stubs ready.",
    "Please call rather than text; shared phone.",
    "Interpreter needed (Vietnamese).",
    "",
]
# (target status, the moves that lead there with their notes)
SCRIPTS = [
    (ReferralStatus.REQUESTED, []),
    (ReferralStatus.REQUESTED, []),
    (ReferralStatus.ACCEPTED, [("accept", {"note": "We will call the client this week."})]),
    (
        ReferralStatus.IN_PROGRESS,
        [
            ("accept", {"note": "Appointment booked for Tuesday 10:00."}),
            ("start", {"note": "Met the client; application started, waiting on pay stubs."}),
        ],
    ),
    (
        ReferralStatus.COMPLETED,
        [
            ("accept", {"note": "Accepted, intake call scheduled."}),
            ("start", {"note": "Application submitted with the client."}),
            (
                "complete",
                {
                    "code": "got_help",
                    "decided_by": "provider",
                    "note": "Approved; benefits start next month. Client very relieved.",
                },
            ),
        ],
    ),
    (
        ReferralStatus.COMPLETED,
        [
            ("accept", {"note": ""}),
            ("start", {"note": "Device pickup arranged."}),
            (
                "complete",
                {
                    "code": "got_help",
                    "decided_by": "provider",
                    "note": "Laptop and hotspot handed over; client set up email.",
                },
            ),
        ],
    ),
    (
        ReferralStatus.FAILED,
        [
            ("accept", {"note": "Accepted."}),
            ("start", {"note": "Left two voicemails."}),
            (
                "fail",
                {
                    "code": "could_not_contact",
                    "decided_by": "provider",
                    "note": "Three calls and a letter over two weeks, no answer.",
                },
            ),
        ],
    ),
    (
        ReferralStatus.FAILED,
        [
            ("accept", {"note": ""}),
            ("start", {"note": "Reviewed documents with the client."}),
            (
                "fail",
                {
                    "code": "client_declined",
                    "decided_by": "client",
                    "note": "Client found work and no longer wants the service.",
                },
            ),
        ],
    ),
    (
        ReferralStatus.REJECTED,
        [("reject", {"code": "no_capacity", "note": "Waitlist is full until next month."})],
    ),
    (
        ReferralStatus.REJECTED,
        [("reject", {"code": "out_of_area", "note": "Client lives outside our service area."})],
    ),
    (
        ReferralStatus.CANCELLED,
        [("cancel", {"note": "Client moved in with family in Fresno."})],
    ),
]


def _office_hours(moment: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    """The same day between 9:00 and 17:00 local time (people work office hours), not after now."""
    local = timezone.localtime(moment)
    if local.hour < 9:
        local = local.replace(hour=9 + local.hour % 3)
    elif local.hour >= 17:
        local = local.replace(hour=13 + local.hour % 4)
    return min(local, now)


def _disclosure(referral, partner, consent, at) -> None:
    AccessLogEntry.objects.create(
        user=partner,
        organization=referral.agency,
        client_id=referral.client_id,
        object_type="referral",
        object_id=referral.pk,
        action=AccessAction.DISCLOSE,
        fields_disclosed=referral_disclosure(referral=referral).keys(),
        request_id="demo",
        at=at,
    )


def _partner_of(agency):
    membership = (
        Membership.objects.filter(organization=agency, role=Role.PARTNER_STAFF)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def seed_demo(*, city, stdout=None) -> int:
    """Creates the demo referrals; returns how many it made."""
    rng = random.Random(4)  # the same referrals on every machine
    now = timezone.now()
    made = 0
    with notifications.notifications_muted():
        script_index = 0
        for client in city.clients:
            if Referral.objects.filter(client=client).exists():
                continue
            navigator = city.navigator_of(client.center)
            consent = (
                Consent.objects.active()
                .filter(client=client)
                .prefetch_related("recipients")
                .order_by("-given_on", "-pk")
                .first()
            )
            if consent is None:
                continue
            # Two referrals per agency the client consented to: one earlier, one later.
            # In a fixed order (a prefetched many-to-many has none), so the same client gets the
            # same referrals, scripts and packets on every run.
            agencies = sorted(consent.recipients.all(), key=lambda a: a.slug)
            pairs = [(a, n) for a in agencies for n in range(2)]
            for agency, _round in pairs:
                partner = _partner_of(agency)
                program = (
                    Program.objects.filter(agency=agency, is_active=True)
                    .order_by("name", "pk")
                    .first()
                )
                if partner is None or program is None:
                    continue
                _target, moves = SCRIPTS[script_index % len(SCRIPTS)]
                script_index += 1
                need = (program.need_categories or ["food"])[0]
                earliest = datetime.datetime.combine(
                    consent.given_on, datetime.time(9), tzinfo=now.tzinfo
                )
                # Waiting ones are a mix of fresh, reminded and overdue; the rest span 8 weeks.
                days = rng.choice([0, 1, 3, 10]) if not moves else rng.randint(1, 56)
                sent_at = _office_hours(
                    max(now - datetime.timedelta(days=days, hours=rng.randint(1, 8)), earliest),
                    now,
                )
                with transaction.atomic():
                    referral = referral_send(
                        actor=navigator,
                        client=client,
                        program=program,
                        consent=consent,
                        need_category=need,
                        urgency=rng.choice(["routine", "routine", "soon", "urgent"]),
                        reason=REASONS.get(need, REASONS["food"]),
                        note_to_agency=rng.choice(NOTES_TO_AGENCY),
                        # The second of a pair may find the first still open: say why.
                        duplicate_reason="Another household member needs the same help.",
                        now=sent_at,
                    )
                    at = sent_at
                    for action, kwargs in moves:
                        at = _office_hours(at + datetime.timedelta(hours=rng.randint(3, 72)), now)
                        at = max(at, referral.status_changed_at)
                        actor = navigator if action == "cancel" else partner
                        if actor == partner:
                            # The partner opened the referral before answering: a disclosure.
                            _disclosure(referral, partner, consent, at)
                        referral = referral_transition(
                            referral=referral, actor=actor, action=action, now=at, **kwargs
                        )
                made += 1
        # Reminders and overdue marks for the ones still waiting, as the daily job would.
        referrals_follow_up(now=now)
    if stdout is not None:
        stdout.write(f"Demo referrals ready ({made} new).")
    if made:
        city.count("referrals", made)
    return made
