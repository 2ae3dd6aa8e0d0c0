"""Who at the receiving agency works on a referral."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Membership, Organization, User
from casework.models.organizations import Role
from referrals.access import ReferralSide, referral_side
from referrals.models import Referral

from .lifecycle import ReferralActionError


def agency_colleagues(*, agency: Organization) -> QuerySet[User]:
    """The people a referral to ``agency`` can be assigned to: its partner staff and admins."""
    return (
        User.objects.filter(
            pk__in=Membership.objects.filter(
                organization=agency, role__in=[Role.PARTNER_STAFF, Role.ORG_ADMIN]
            ).values("user_id"),
            is_active=True,
        )
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


@transaction.atomic
def referral_assign(
    *,
    referral: Referral,
    actor: User,
    assignee: User | None,
    now: datetime.datetime | None = None,
) -> Referral:
    """Assigns an open referral to a colleague at the receiving agency (``None`` unassigns).

    Only staff of the receiving agency may assign, and only to staff of that same agency; the
    change is written with the acting user in the referral's history, under a row lock.
    """
    now = now or timezone.now()
    locked = (
        Referral.objects.select_for_update().select_related("agency", "consent").get(pk=referral.pk)
    )
    if referral_side(user=actor, referral=locked) != ReferralSide.RECEIVER or not (
        locked.consent.is_active_on(timezone.localdate())
    ):
        raise ReferralActionError(
            _("Only the agency that received this referral can assign it."), code="forbidden"
        )
    if not locked.is_open:
        raise ReferralActionError(
            _("This referral is closed; it cannot be assigned."), code="closed"
        )
    if (
        assignee is not None
        and not agency_colleagues(agency=locked.agency).filter(pk=assignee.pk).exists()
    ):
        raise ReferralActionError(
            {"assignee": _("Choose someone who works at %(agency)s.") % {"agency": locked.agency}},
            code="assignee",
        )
    if locked.assigned_to_id == (assignee.pk if assignee else None):
        return locked
    locked.assigned_to = assignee
    locked._history_user = actor
    locked._history_date = now
    locked.save(update_fields=["assigned_to"])
    return locked
