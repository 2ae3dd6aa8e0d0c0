"""A navigator nudges an agency about an overdue referral; the dashboard's "last visit" mark.

Rules: only a navigator of the sending center, only while the referral still waits for an
answer and is overdue, at most once per calendar day (project time zone) per referral. The
nudge is claimed with a conditional UPDATE (two clicks or two navigators at once send one
email), recorded in the referral's history with the navigator as the acting user, and emailed to
the agency's staff after commit, each in their own language.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import User
from referrals import tasks
from referrals.access import ReferralSide, referral_side
from referrals.models import NavigatorVisit, Referral, ReferralStatus

from . import notifications
from .lifecycle import ReferralActionError

# A visit within this long of the last one is the same visit (reloads, back and forth).
SAME_VISIT = datetime.timedelta(minutes=30)


def _start_of_today(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def referral_nudge(*, referral: Referral, actor: User, now: datetime.datetime | None = None):
    """Reminds the agency of an overdue referral (one email per recipient), once a day."""
    now = now or timezone.now()
    if referral_side(user=actor, referral=referral) != ReferralSide.SENDER:
        raise ReferralActionError(
            _("Only a navigator at the sending center can nudge the agency."), code="forbidden"
        )
    with transaction.atomic():
        claimed = (
            Referral.objects.filter(
                pk=referral.pk, status=ReferralStatus.REQUESTED, overdue_at__isnull=False
            )
            .filter(Q(last_nudged_at__isnull=True) | Q(last_nudged_at__lt=_start_of_today(now)))
            .update(last_nudged_at=now)
        )
        if not claimed:
            current = Referral.objects.get(pk=referral.pk)
            if current.status != ReferralStatus.REQUESTED or current.overdue_at is None:
                raise ReferralActionError(
                    _("This referral is not overdue: there is nothing to nudge."),
                    code="not_overdue",
                )
            raise ReferralActionError(
                _("%(agency)s was already nudged about this referral today.")
                % {"agency": referral.agency},
                code="already_nudged",
            )
        # Record the nudge in the referral's history (the UPDATE above bypasses it).
        current = Referral.objects.get(pk=referral.pk)
        current._history_user = actor
        current._history_date = now
        current._change_reason = "Agency nudged by the sending navigator"
        current.save(update_fields=["last_nudged_at"])
        notifications.after_commit(tasks.notify_nudge_task, referral.pk)
    return current


def navigator_visit_record(*, actor: User, now: datetime.datetime | None = None):
    """Marks a dashboard visit and returns when the previous visit was (None: the first)."""
    now = now or timezone.now()
    visit, created = NavigatorVisit.objects.get_or_create(user=actor, defaults={"last_at": now})
    if created:
        return None
    if now - visit.last_at > SAME_VISIT:
        visit.previous_at = visit.last_at
        visit.last_at = now
        visit.save(update_fields=["previous_at", "last_at"])
    return visit.previous_at
