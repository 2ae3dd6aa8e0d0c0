"""The one place that decides who may see which referral, and as whom.

Rules (DESIGN.md "Access control", "Consent and sharing"):
- A referral grants view/change (django-guardian, direct-FK models) to the sending center's
  group and to the receiving agency's group. Cancelling it, or revoking the consent it was sent
  under, removes the agency's grant (``referral_revoke_agency``) in the same transaction.
- The agency side also needs the consent to be active today (an expired consent shows the
  agency nothing), checked here on every read; the grants of expired consents are removed
  nightly (``referrals_end_expired_access``), so they do not pile up.
- Program managers see aggregates only: no referral detail. Global permissions never count.
- Denied and missing answer the same ``Http404``.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from casework.access import (
    agency_ids_of,
    center_ids_of,
    granted_exists,
    joins_in_written_order,
)
from casework.audit import access_log_append
from casework.models.accesslog import AccessAction

from .access_window import AgencyAccessOpen
from .disclosure import CONVERSATION_KEY, Disclosure, referral_disclosure
from .models import (
    DirectoryPublishing,
    Referral,
    ReferralGroupObjectPermission,
    ReferralStatus,
    ReferralUserObjectPermission,
)
from .models.referral import PacketStatus

REFERENCE_CODE_MAX = Referral._meta.get_field("reference_code").max_length


class ReferralSide(StrEnum):
    NONE = "none"
    SENDER = "sender"  # a member of the sending center
    RECEIVER = "receiver"  # a member of the receiving agency


def _granted(user, *, probe: bool = False) -> Q:
    """The user holds ``view_referral`` on the row through guardian's referral tables."""
    return granted_exists(
        user=user,
        perm="referrals.view_referral",
        group_model=ReferralGroupObjectPermission,
        user_model=ReferralUserObjectPermission,
        probe=probe,
    )


def _received_open(to_agencies: Q) -> Q:
    """Received by those agencies, not cancelled, under a consent active today that still
    names the agency (an edit may have removed it): the window the database keeps on the row
    (referrals.access_window), so the agency's referrals are read from one index, without a
    probe of each one's consent."""
    return (
        to_agencies
        & ~Q(status=ReferralStatus.CANCELLED)
        & Q(AgencyAccessOpen(timezone.localdate()))
    )


def _to_agencies_of(user) -> Q:
    return Q(agency_id__in=agency_ids_of(user))


def referrals_visible_to(*, user) -> QuerySet[Referral]:
    """Referrals the user may open: sent by their center, or received by their agency under a
    consent that is still active and not cancelled.

    One statement PostgreSQL answers from indexes: the grant is an ``EXISTS`` probe per row on
    guardian's referral permission tables, and the user's centers and agencies are written in
    as values (read once per request, ``center_ids_of``) so the two sides become a bitmap-OR
    of the ``sending_center`` and ``agency`` indexes; the cost follows the user's own
    referrals, not the county's."""
    if not user.is_authenticated:
        return Referral.objects.none()
    sender_ok = Q(sending_center_id__in=center_ids_of(user))
    agency_ok = _received_open(_to_agencies_of(user))
    return Referral.objects.filter(_granted(user)).filter(sender_ok | agency_ok)


def referrals_received_by(*, user) -> QuerySet[Referral]:
    """The partner inbox: referrals to the user's agencies that they may open
    (``referrals_visible_to`` narrowed to those agencies).

    The user's centers are read first (from the request's memberships): for the usual partner,
    who works at no center, the sending side drops out, and the open consent window becomes a
    condition of the ``(agency, access until)`` index rather than a filter over every referral
    the agency ever received (the biggest agency's inbox: 32,895 index entries read for 7,366
    rows)."""
    if not user.is_authenticated:
        return Referral.objects.none()
    to_agencies = _to_agencies_of(user)
    received = _received_open(to_agencies)
    center_ids = center_ids_of(user)
    if center_ids:  # also a navigator: what their own center sent to their agency
        received |= to_agencies & Q(sending_center_id__in=center_ids)
    return Referral.objects.filter(_granted(user)).filter(received)


def referrals_sent_by(*, user, probe: bool = False) -> QuerySet[Referral]:
    """Referrals sent by the user's centers: ``referrals_visible_to`` narrowed to them, where the
    sending side already allows them (so the agency side's consent probe is left out, and the
    navigator's lists walk the ``sending_center`` indexes in their own order). ``probe=True``
    for a walk that stops after a page (``casework.access.ProbeExists``)."""
    if not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(_granted(user, probe=probe)).filter(
        sending_center_id__in=center_ids_of(user)
    )


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
            qs = qs.filter(reference_code=code)
        else:
            qs = qs.filter(pk=int(pk))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    # One row by a unique key: the referral first, then each related row by its key.
    with joins_in_written_order():
        referral = qs.first()
    if referral is None:
        raise Http404
    return referral


def referral_side(*, user, referral: Referral) -> ReferralSide:
    """Which side of the referral the user acts for (sender wins if they are on both). In a
    request, from the memberships it has read (no query)."""
    if referral.sending_center_id in center_ids_of(user):
        return ReferralSide.SENDER
    if referral.agency_id in agency_ids_of(user):
        return ReferralSide.RECEIVER
    return ReferralSide.NONE


def referral_grant(*, referral: Referral) -> None:
    """Opens a new referral to the sending center and the receiving agency."""
    for org in (referral.sending_center, referral.agency):
        assign_perm("referrals.view_referral", org.group, referral)
        assign_perm("referrals.change_referral", org.group, referral)


def agency_may_hold_grant(*, referral: Referral, recipient_ids=None, today=None) -> bool:
    """The agency holds a grant while the referral is not cancelled and its consent is not
    revoked, has not expired and names the agency.

    Expiry comes with no event, so every read checks the access window too (the grant alone
    never opens a referral), and the nightly ``referrals_end_expired_access`` removes the
    grants of consents that expired: the agency's grants stay as many as the referrals it may
    still open, and reading them costs that, not every referral it ever received. A consent
    given a later end date (``consent_update``) grants again at once."""
    if referral.status == ReferralStatus.CANCELLED or referral.consent.revoked_at is not None:
        return False
    if referral.consent.has_expired_on(today or timezone.localdate()):
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


# Reads that are logged. Each helper below decides access with the functions above (denied and
# missing: the same 404; a user on neither side too) and then writes the read's access-log row:
# the sending center's reads are ``view`` rows, the agency's are ``disclose`` rows listing what
# it was shown. Views use these and never write access-log rows themselves
# (tests/test_access_log_helpers.py).


class ReadPurpose(StrEnum):
    PAGE = "page"  # the referral page: the agency is shown what the consent releases
    CONVERSATION = "conversation"  # the messages, which may speak about the client
    RECORD = "record"  # the referral itself, no client details (a plain view on both sides)


@dataclass(frozen=True)
class ReferralRead:
    referral: Referral
    side: ReferralSide
    # What the agency is shown (PAGE on the agency side); None otherwise.
    disclosure: Disclosure | None = None
    # What ``present_to_agency`` made of it (the API's client data); None otherwise.
    presented: object = None


def _log_referral_read(
    *,
    user,
    referral: Referral,
    side: ReferralSide,
    object_type: str = "referral",
    object_id: int | None = None,
    action: str | None = None,
    fields_disclosed=(),
) -> None:
    receiver = side == ReferralSide.RECEIVER
    access_log_append(
        user=user,
        organization=referral.agency if receiver else referral.sending_center,
        object_type=object_type,
        object_id=referral.pk if object_id is None else object_id,
        client_id=referral.client_id,
        action=action or (AccessAction.DISCLOSE if receiver else AccessAction.VIEW),
        fields_disclosed=fields_disclosed if receiver else (),
    )


def referral_and_side(user, code) -> tuple[Referral, ReferralSide]:
    """The referral by its code and the user's side of it; 404 for a missing referral and for
    anyone on neither side. Writes no access-log row: for views that show no client
    information (the packet's status box), and under the logged helpers below."""
    referral = get_referral_or_404(user=user, reference_code=code)
    side = referral_side(user=user, referral=referral)
    if side == ReferralSide.NONE:
        raise Http404
    return referral, side


def referral_for_read(
    request, code, *, purpose: ReadPurpose = ReadPurpose.PAGE, present_to_agency=None
) -> ReferralRead:
    """The referral and the reader's side, with the read logged: a ``view`` for the sending
    center; for the agency, a ``disclose`` naming what it is shown (PAGE: the fields and reasons
    the consent releases, computed here and returned; CONVERSATION: the conversation) or, for
    RECORD, a ``view``. A surface that presents the client its own way (the API) passes
    ``present_to_agency(referral) -> (presented, field keys)``: for the agency it replaces PAGE's
    disclosure, and the keys it returns are the ones logged."""
    referral, side = referral_and_side(request.user, code)
    disclosure, presented, fields, action = None, None, (), None
    if side == ReferralSide.RECEIVER:
        if present_to_agency is not None:
            presented, fields = present_to_agency(referral)
        elif purpose == ReadPurpose.PAGE:
            disclosure = referral_disclosure(referral=referral)
            fields = disclosure.keys()
        elif purpose == ReadPurpose.CONVERSATION:
            fields = [CONVERSATION_KEY]
        else:
            action = AccessAction.VIEW
    _log_referral_read(
        user=request.user, referral=referral, side=side, action=action, fields_disclosed=fields
    )
    return ReferralRead(referral=referral, side=side, disclosure=disclosure, presented=presented)


def referral_for_write(request, code) -> tuple[Referral, ReferralSide]:
    """The referral and the writer's side, for a request that only changes it (a message
    posted): 404 like ``referral_for_read``, and no access-log row, since the change is recorded
    with its author and a page that then shows the referral logs its own read."""
    return referral_and_side(request.user, code)


def referral_disclosed_to_link(*, link) -> Disclosure:
    """What the referral's consent releases to the agency reading it through an emailed answer
    link (``referrals.links.referral_link_resolve`` decided the link opens it), with a
    ``disclose`` row naming the link's address."""
    referral = link.referral
    disclosure = referral_disclosure(referral=referral)
    access_log_append(
        user=None,
        external_actor=link.email,
        organization=referral.agency,
        object_type="referral",
        object_id=referral.pk,
        client_id=referral.client_id,
        action=AccessAction.DISCLOSE,
        fields_disclosed=disclosure.keys(),
    )
    return disclosure


def document_for_read(request, code, document_id):
    """A referral's document and the reader's side (``attachments.document_for_user_or_404``
    decides), with the download logged: ``download`` for the sending center, ``disclose`` of
    that document for the agency."""
    from .attachments import document_for_user_or_404  # it imports this module

    document, side = document_for_user_or_404(user=request.user, code=code, document_id=document_id)
    receiver = side == ReferralSide.RECEIVER
    _log_referral_read(
        user=request.user,
        referral=document.referral,
        side=side,
        object_type="document",
        object_id=document.pk,
        action=AccessAction.DISCLOSE if receiver else AccessAction.DOWNLOAD,
        fields_disclosed=[f"document:{document.pk}"],
    )
    return document, side


PACKET_COPIES = ("client", "agency")


def packet_copy_for_read(request, code, copy: str):
    """The referral and its packet ``copy`` ("client" or "agency") opened for download, with a
    ``download`` row (for the agency, listing what the packet disclosed). 404 unless the packet
    is ready and stored, and to the agency for the client's copy: that one is the navigator's to
    hand over (in the client's language, a demographic, and not limited to the consent)."""
    referral, side = referral_and_side(request.user, code)
    receiver = side == ReferralSide.RECEIVER
    if copy not in PACKET_COPIES or referral.packet_status != PacketStatus.READY:
        raise Http404
    if receiver and copy == "client":
        raise Http404
    stored = referral.packet_client_file if copy == "client" else referral.packet_agency_file
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    _log_referral_read(
        user=request.user,
        referral=referral,
        side=side,
        object_type="referral_packet",
        action=AccessAction.DOWNLOAD,
        fields_disclosed=list(referral.packet_disclosed or []),
    )
    return referral, handle
