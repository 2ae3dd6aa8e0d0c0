"""Six months of demo referral history, so the reports say something on the demo city.

About 1,000 referrals over the last 26 weeks for ~250 history clients of the two demo centers
(every language, every age band, several ZIP codes), to every active program of the demo
agencies, with office-hours response times, a realistic outcome mix and some overdue. Made
with ``bulk_create_with_history`` (a history row per client, consent and referral, as the
services would write them, attributed to the navigator or partner who acted) and one status
event per change, so it takes a few seconds. Idempotent: nothing is made when the history
clients exist. Seeded from a fixed random generator: the same city on every machine.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from casework.models import Client, Consent, Membership, Role
from casework.models.permissions import ClientGroupObjectPermission
from referrals.models import Program, Referral, ReferralEvent, ReferralStatus
from referrals.models.referral import ReferralGroupObjectPermission
from referrals.services import notifications, referrals_follow_up

HISTORY_CLIENTS = 250
WEEKS = 26
MARK = "history.demo.invalid"  # the history clients' e-mail domain (reserved: never delivered)
LANGUAGES = ["en"] * 8 + ["es"] * 6 + ["vi"] * 3 + ["pa"] * 2 + ["hi"] * 2
ZIPS = ["95110", "95111", "95112", "95116", "95122", "95127", "95133", "95148"]
# (age range in years, weight): 16-17, 18-24 (the city's priority), 25-64, 65+
AGES = [((16, 17), 1), ((18, 24), 4), ((25, 64), 8), ((65, 88), 2)]
FIRST = [
    "Ana",
    "Luis",
    "Minh",
    "Linh",
    "Harpreet",
    "Gurpreet",
    "Priya",
    "Arjun",
    "Sam",
    "Jo",
    "María",
    "José",
    "Thảo",
    "Quang",
    "Simran",
    "Rohan",
    "Alex",
    "Taylor",
    "Rosa",
    "Dev",
]
LAST = [
    "García",
    "Nguyen",
    "Singh",
    "Sharma",
    "Lopez",
    "Tran",
    "Kaur",
    "Patel",
    "Smith",
    "Hernández",
    "Pham",
    "Gill",
    "Verma",
    "Johnson",
    "Ramírez",
    "Le",
]


def _age_years(rng) -> int:
    ((low, high),) = rng.choices([a for a, _w in AGES], weights=[w for _a, w in AGES])
    return rng.randint(low, high)


def _office(moment: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(moment)
    if local.weekday() >= 5:  # weekend: the next Monday morning
        local = (local + datetime.timedelta(days=7 - local.weekday())).replace(hour=9)
    if local.hour < 9:
        local = local.replace(hour=9 + local.hour % 3)
    elif local.hour >= 17:
        local = local.replace(hour=13 + local.hour % 4)
    return local


def seed_demo(*, city, stdout=None) -> int:
    if Client.objects.filter(email__endswith="@" + MARK).exists():
        return 0
    centers = list(city.centers)
    navigators = {c.pk: city.navigator_of(c) for c in centers}
    agencies = list(city.agencies)
    partners = {}
    for m in Membership.objects.filter(organization__in=agencies, role=Role.PARTNER_STAFF).order_by(
        "id"
    ):
        partners.setdefault(m.organization_id, m.user)
    programs = [
        p
        for p in Program.objects.filter(agency__in=agencies, is_active=True).order_by("pk")
        if p.agency_id in partners
    ]
    if not centers or not programs:
        return 0
    rng = random.Random(16)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        clients = []
        for i in range(HISTORY_CLIENTS):
            center = centers[i % len(centers)]
            years = _age_years(rng)
            dob = today - datetime.timedelta(days=365 * years + 180 + rng.randint(0, 150))
            first, last = rng.choice(FIRST), rng.choice(LAST)
            created = now - datetime.timedelta(days=7 * WEEKS + 14 - rng.randint(0, 10))
            clients.append(
                Client(
                    legal_first_name=first,
                    legal_last_name=last,
                    date_of_birth=dob,
                    email=f"client{i:03d}@{MARK}",
                    zip_code=rng.choice(ZIPS),
                    preferred_language=rng.choice(LANGUAGES),
                    center=center,
                    created_by=navigators[center.pk],
                    created_at=created,
                    search_name=f"{first} {last}".lower(),
                )
            )
        for c in clients:
            c._history_user, c._history_date = c.created_by, c.created_at
        clients = bulk_create_with_history(
            clients, Client, default_user=None, default_date=clients[0].created_at
        )
        clients = list(Client.objects.filter(email__endswith="@" + MARK).order_by("pk"))
        consents = [
            Consent(
                client=c,
                scopes=["contact", "demographics", "intake"],
                method="written",
                given_on=timezone.localdate(c.created_at),
                expires_on=today + datetime.timedelta(days=365),
                recorded_by=c.created_by,
                recorded_at=c.created_at,
            )
            for c in clients
        ]
        for c in consents:
            c._history_user, c._history_date = c.recorded_by, c.recorded_at
        bulk_create_with_history(consents, Consent, default_date=clients[0].created_at)
        consents = list(Consent.objects.filter(client__in=clients).order_by("client_id"))
        Through = Consent.recipients.through
        Through.objects.bulk_create(
            [Through(consent_id=k.pk, organization_id=a.pk) for k in consents for a in agencies]
        )
        referrals, moves = _referrals(rng, now, clients, consents, programs, navigators, partners)
        for r in referrals:  # the history row as of the referral's latest change
            r._history_user, r._history_date = r.sent_by, r.status_changed_at
        bulk_create_with_history(referrals, Referral, default_date=now)
        by_code = dict(
            Referral.objects.filter(client__in=clients).values_list("reference_code", "pk")
        )
        ReferralEvent.objects.bulk_create(
            [
                ReferralEvent(referral_id=by_code[r.reference_code], **event)
                for r in referrals
                for event in moves[r.reference_code]
            ]
        )
        _grant(clients)
        # Reminders and overdue marks for the recent ones still waiting, as the daily job would.
        with notifications.notifications_muted():
            referrals_follow_up(now=now)
    made = len(referrals)
    city.count("history referrals", made)
    if stdout is not None:
        stdout.write(f"Demo referral history ready ({made} referrals over {WEEKS} weeks).")
    _refresh_rollups()
    return made


def _grant(clients) -> None:
    """The grants the services would have made, in bulk: each client to its center's group;
    each referral to its sending center's group and, unless cancelled, its agency's (every
    history consent names every demo agency and none is revoked). ``check_access`` agrees."""
    perms = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(
            codename__in=["view_client", "change_client", "view_referral", "change_referral"]
        ).select_related("content_type")
    }
    client_perms = [perms["casework", "view_client"], perms["casework", "change_client"]]
    referral_perms = [perms["referrals", "view_referral"], perms["referrals", "change_referral"]]
    ClientGroupObjectPermission.objects.bulk_create(
        [
            ClientGroupObjectPermission(
                content_object_id=pk, group_id=group_id, permission=permission
            )
            for pk, group_id in Client.objects.filter(pk__in=[c.pk for c in clients]).values_list(
                "pk", "center__group_id"
            )
            for permission in client_perms
        ]
    )
    rows = Referral.objects.filter(client__in=clients).values_list(
        "pk", "status", "sending_center__group_id", "agency__group_id"
    )
    ReferralGroupObjectPermission.objects.bulk_create(
        [
            ReferralGroupObjectPermission(
                content_object_id=pk, group_id=group_id, permission=permission
            )
            for pk, status, center_group, agency_group in rows
            for group_id in (
                [center_group]
                if status == ReferralStatus.CANCELLED
                else [center_group, agency_group]
            )
            for permission in referral_perms
        ]
    )


def _refresh_rollups() -> None:
    try:
        from .rollups import rollup_recent
    except ImportError:  # pragma: no cover
        return
    rollup_recent(weeks=WEEKS + 1)


def _referrals(rng, now, clients, consents, programs, navigators, partners):
    """About four referrals per client, spread over the weeks, with their status changes."""
    referrals, moves = [], {}
    consent_of = {k.client_id: k for k in consents}
    digital = [p for p in programs if "digital_access" in (p.need_categories or [])]
    for client in clients:
        young = (now.date() - client.date_of_birth).days < 25 * 365
        for _n in range(rng.choice([2, 3, 4, 4, 5, 6])):
            pool = digital if digital and rng.random() < (0.35 if young else 0.15) else programs
            program = rng.choice(pool)
            sent = _office(now - datetime.timedelta(days=rng.uniform(0.5, 7 * WEEKS)))
            if sent > now:
                sent = now - datetime.timedelta(hours=2)
            age_days = (now - sent).days
            partner = partners[program.agency_id]
            navigator = navigators[client.center_id]
            need = (program.need_categories or ["food"])[0]
            r = Referral(
                client=client,
                program=program,
                agency_id=program.agency_id,
                sending_center_id=client.center_id,
                sent_by=navigator,
                consent=consent_of[client.pk],
                need_category=need,
                urgency=rng.choice(["routine", "routine", "soon", "urgent"]),
                reason="Demo history referral.",
                created_at=sent,
                status_changed_at=sent,
                packet_status="ready",
                packet_requested_at=sent,
            )
            events = [
                dict(
                    from_status="",
                    to_status="requested",
                    actor=navigator,
                    actor_organization_id=client.center_id,
                    at=sent,
                )
            ]
            # Agencies answer in hours to days; slower ones (and young adults' referrals, a
            # little) go unanswered more often.
            slow = program.agency_id % 2 == 0
            p_answer = 0.85 if not slow else 0.7
            answer_hours = rng.lognormvariate(3.4 if not slow else 4.0, 0.8)
            answered = (
                rng.random() < p_answer and sent + datetime.timedelta(hours=answer_hours) < now
            )
            status = ReferralStatus.REQUESTED
            if answered:
                at = min(_office(sent + datetime.timedelta(hours=answer_hours)), now)
                roll = rng.random()
                if roll < 0.18:
                    code = rng.choice(["no_capacity", "out_of_area", "not_eligible"])
                    status = _step(r, events, status, ReferralStatus.REJECTED, partner, at, code)
                    r.rejection_reason = code
                    r.closed_at = at
                else:
                    status = _step(r, events, status, ReferralStatus.ACCEPTED, partner, at)
                    done = min(at + datetime.timedelta(days=rng.uniform(2, 30)), now)
                    if done < now and rng.random() < 0.85:
                        at = _office(at + (done - at) / 3)
                        status = _step(r, events, status, ReferralStatus.IN_PROGRESS, partner, at)
                        if rng.random() < 0.8:
                            at = min(_office(done), now)
                            good = rng.random() < (0.72 if program.agency_id % 3 else 0.55)
                            code = (
                                "got_help"
                                if good
                                else rng.choice(
                                    [
                                        "could_not_contact",
                                        "client_declined",
                                        "not_eligible",
                                        "other",
                                    ]
                                )
                            )
                            to = ReferralStatus.COMPLETED if good else ReferralStatus.FAILED
                            status = _step(r, events, status, to, partner, at, code)
                            r.outcome = code
                            r.decided_by = "client" if code == "client_declined" else "provider"
                            r.closed_at = at
            elif age_days > 12 and rng.random() < 0.12:
                at = _office(sent + datetime.timedelta(days=rng.uniform(8, 12)))
                status = _step(r, events, status, ReferralStatus.CANCELLED, navigator, at)
                r.closed_at = at
            r.status = status
            if (
                r.first_response_at is None
                and age_days >= 7
                and status
                in (
                    ReferralStatus.REQUESTED,
                    ReferralStatus.CANCELLED,
                )
            ):
                # No answer in 5 business days: the daily job marked it overdue.
                r.overdue_at = sent + datetime.timedelta(days=7)
                r.reminder_sent_at = sent + datetime.timedelta(days=3)
            moves[r.reference_code] = events
            referrals.append(r)
    return referrals, moves


def _step(referral, events, from_status, to_status, actor, at, code=""):
    if to_status in (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED):
        referral.first_response_at = at
    referral.status_changed_at = at
    events.append(
        dict(
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            actor_organization_id=referral.agency_id
            if to_status != ReferralStatus.CANCELLED
            else referral.sending_center_id,
            code=code,
            at=at,
        )
    )
    return to_status
