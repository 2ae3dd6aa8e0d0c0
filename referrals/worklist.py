"""Reads for the navigator's referral worklist and dashboard updates (fixed query counts)."""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from casework.access import centers_of

from .access import referrals_sent_by
from .models import Referral, ReferralEvent, ReferralStatus

WORKLIST_PAGE_SIZE = 25
# "Newly updated": the agency changed the status within this many days.
RECENTLY_UPDATED = datetime.timedelta(days=7)


def worklist_referrals(*, user, now: datetime.datetime | None = None) -> QuerySet[Referral]:
    """Every referral the user's centers sent, what needs attention first: overdue, newly
    updated by the agency, awaiting a response; then the rest, most recently changed first."""
    now = now or timezone.now()
    attention = Case(
        When(Q(status=ReferralStatus.REQUESTED, overdue_at__isnull=False), then=Value(0)),
        When(
            ~Q(status=ReferralStatus.REQUESTED)
            & ~Q(status=ReferralStatus.CANCELLED)
            & Q(status_changed_at__gte=now - RECENTLY_UPDATED),
            then=Value(1),
        ),
        When(status=ReferralStatus.REQUESTED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        referrals_sent_by(user=user)
        .select_related("client", "program", "agency", "sent_by")
        .annotate(attention=attention)
        .order_by("attention", "-status_changed_at", "-id")
    )


def worklist_choices(*, user) -> tuple[QuerySet, QuerySet]:
    """The agencies and programs the user's centers have referred to (for the filters)."""
    from casework.models import Organization

    from .models import Program

    sent = Referral.objects.filter(sending_center__in=centers_of(user))
    agencies = Organization.objects.filter(pk__in=sent.values("agency_id")).order_by("name")
    programs = (
        Program.objects.filter(pk__in=sent.values("program_id"))
        .select_related("agency")
        .order_by("name", "id")
    )
    return agencies, programs


def updates_since(*, user, since: datetime.datetime | None, limit: int = 20) -> list:
    """Status changes and outcomes of the user's centers' referrals since ``since``, made by
    someone else (the agency), newest first."""
    if since is None:
        return []
    return list(
        ReferralEvent.objects.filter(referral__in=referrals_sent_by(user=user), at__gt=since)
        .exclude(to_status=ReferralStatus.REQUESTED)
        .exclude(actor=user)
        .select_related("referral__client", "referral__program", "referral__agency", "actor")
        .order_by("-at", "-id")[:limit]
    )
