"""The one place that decides who may see which referral, and as whom.

Rules (DESIGN.md "Access control", "Consent and sharing"):
- A referral grants view/change (django-guardian, direct-FK models) to the sending center's
  group and to the receiving agency's group. Cancelling it, or revoking the consent it was sent
  under, removes the agency's grant (``referral_revoke_agency``) in the same transaction.
- The agency side also needs the consent to be active today (an expired consent shows the
  agency nothing), checked here on every read.
- Program managers see aggregates only: no referral detail. Global permissions never count.
- Denied and missing answer the same ``Http404``.
"""

from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from casework.access import agencies_of, centers_of
from casework.models import Consent

from .models import DirectoryPublishing, Referral, ReferralStatus

REFERENCE_CODE_MAX = Referral._meta.get_field("reference_code").max_length


class ReferralSide(StrEnum):
    NONE = "none"
    SENDER = "sender"  # a member of the sending center
    RECEIVER = "receiver"  # a member of the receiving agency


def referrals_visible_to(*, user) -> QuerySet[Referral]:
    """Referrals the user may open: sent by their center, or received by their agency under a
    consent that is still active and not cancelled."""
    if not user.is_authenticated:
        return Referral.objects.none()
    granted = get_objects_for_user(
        user,
        "referrals.view_referral",
        klass=Referral,
        accept_global_perms=False,
        with_superuser=False,
    )
    today = timezone.localdate()
    agency_ok = (
        Q(agency__in=agencies_of(user))
        & ~Q(status=ReferralStatus.CANCELLED)
        & Q(
            consent__revoked_at__isnull=True,
            consent__given_on__lte=today,
            consent__expires_on__gte=today,
        )
        # The consent still names the agency (an edit may have removed it). A subquery, not a
        # join: a join through the recipients would repeat a referral once per recipient.
        & Exists(
            Consent.recipients.through.objects.filter(
                consent_id=OuterRef("consent_id"), organization_id=OuterRef("agency_id")
            )
        )
    )
    return granted.filter(Q(sending_center__in=centers_of(user)) | agency_ok)


def referrals_received_by(*, user) -> QuerySet[Referral]:
    """The partner inbox: referrals to the user's agencies that they may open."""
    return referrals_visible_to(user=user).filter(agency__in=agencies_of(user))


def referrals_sent_by(*, user) -> QuerySet[Referral]:
    """Referrals sent by the user's centers."""
    return referrals_visible_to(user=user).filter(sending_center__in=centers_of(user))


def get_referral_or_404(*, user, pk=None, reference_code=None) -> Referral:
    qs = referrals_visible_to(user=user).select_related(
        "client", "program", "agency", "sending_center", "sent_by", "consent", "assigned_to"
    )
    try:
        if reference_code is not None:
            code = str(reference_code)
            # A NUL byte cannot reach PostgreSQL (it would raise, a 500): no such referral.
            if "\x00" in code or len(code) > REFERENCE_CODE_MAX:
                raise Http404
            referral = qs.filter(reference_code=code).first()
        else:
            referral = qs.filter(pk=int(pk)).first()
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if referral is None:
        raise Http404
    return referral


def referral_side(*, user, referral: Referral) -> ReferralSide:
    """Which side of the referral the user acts for (sender wins if they are on both)."""
    if centers_of(user).filter(pk=referral.sending_center_id).exists():
        return ReferralSide.SENDER
    if agencies_of(user).filter(pk=referral.agency_id).exists():
        return ReferralSide.RECEIVER
    return ReferralSide.NONE


def referral_grant(*, referral: Referral) -> None:
    """Opens a new referral to the sending center and the receiving agency."""
    for org in (referral.sending_center, referral.agency):
        assign_perm("referrals.view_referral", org.group, referral)
        assign_perm("referrals.change_referral", org.group, referral)


def agency_may_hold_grant(*, referral: Referral, recipient_ids=None) -> bool:
    """The agency holds a grant while the referral is not cancelled and its consent is not
    revoked and names the agency. (Expiry is checked on every read instead.)"""
    if referral.status == ReferralStatus.CANCELLED or referral.consent.revoked_at is not None:
        return False
    if recipient_ids is None:
        recipient_ids = set(referral.consent.recipients.values_list("pk", flat=True))
    return referral.agency_id in recipient_ids


def referral_sync_agency(*, referral: Referral, recipient_ids=None) -> bool:
    """Grants or revokes the agency's access to match ``agency_may_hold_grant``."""
    if agency_may_hold_grant(referral=referral, recipient_ids=recipient_ids):
        for perm in ("view_referral", "change_referral"):
            assign_perm(f"referrals.{perm}", referral.agency.group, referral)
        return True
    referral_revoke_agency(referral=referral)
    return False


def referral_revoke_agency(*, referral: Referral) -> None:
    """Ends the receiving agency's access (cancellation, consent revoked)."""
    remove_perm("referrals.view_referral", referral.agency.group, referral)
    remove_perm("referrals.change_referral", referral.agency.group, referral)


def hsds_api_allowed(user) -> bool:
    """Who may read the directory through the HSDS API (/hsds/): anyone when an administrator
    has opened it (admin → Directory publishing), otherwise signed-in staff, i.e. members of an
    organization or Django staff. Everyone else gets the same 404 as a missing page."""
    if DirectoryPublishing.hsds_api_is_public():
        return True
    if not user.is_authenticated:
        return False
    return user.is_staff or user.memberships.exists()
