"""Sending a referral and moving it through its lifecycle (DESIGN.md "The referral lifecycle").

Every transition is one service: it locks the referral row (``select_for_update``), checks
that the move is legal from the status it finds *after* the lock and that the actor is on the
side allowed to make it, writes the status, a ``ReferralEvent`` and a history row with the
acting user in one transaction, and tells the other side after commit. Of two people acting at
once the second waits for the first's lock and is then told what happened.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casework.access import centers_of
from casework.models import Client, Consent, IntakeInterview, Organization, User
from casework.models.intake import Need
from casework.validation import text_problem
from referrals import tasks
from referrals.access import (
    ReferralSide,
    referral_grant,
    referral_revoke_agency,
    referral_side,
    referral_sync_agency,
)
from referrals.models import (
    DecidedBy,
    PacketStatus,
    Program,
    Referral,
    ReferralEvent,
    ReferralGroupObjectPermission,
    ReferralStatus,
    Urgency,
)
from referrals.transitions import (
    TRANSITIONS,
    Transition,
    transitions_available,
)

from . import notifications

logger = logging.getLogger(__name__)


class ReferralActionError(ValidationError):
    """An illegal, unauthorised or conflicting referral action; views show it as a message."""


def actions_available(*, referral: Referral, side: ReferralSide) -> list[str]:
    """Actions the given side may take on the referral in its current status (for buttons)."""
    return [t.action for t in transitions_available(status=referral.status, side=side)]


# Sending -----------------------------------------------------------------------------------


def _first_note(referral: Referral, open_same: Referral | None, duplicate_reason: str) -> str:
    if open_same is None:
        return referral.note_to_agency
    why = _("Sent again while %(code)s is open: %(reason)s") % {
        "code": open_same.reference_code,
        "reason": duplicate_reason,
    }
    return f"{why}\n{referral.note_to_agency}".strip()


def open_referral_to_program(*, client: Client, program: Program) -> Referral | None:
    """The client's newest open referral to ``program``, if any (a second one needs a reason)."""
    from referrals.models.referral import OPEN_STATUSES

    return (
        Referral.objects.filter(client=client, program=program, status__in=OPEN_STATUSES)
        .order_by("-created_at", "-id")
        .first()
    )


def _covering_consent(*, client: Client, program: Program, consent: Consent | None) -> Consent:
    today = timezone.localdate()
    if consent is not None:
        ok = (
            consent.client_id == client.pk
            and consent.is_active_on(today)
            and consent.recipients.filter(pk=program.agency_id).exists()
        )
        if not ok:
            raise ReferralActionError(
                _("That consent does not cover %(agency)s today.") % {"agency": program.agency},
                code="no_consent",
            )
        return consent
    consent = (
        Consent.objects.active()
        .covering(program.agency)
        .filter(client=client)
        .order_by("-given_on", "-id")
        .first()
    )
    if consent is None:
        raise ReferralActionError(
            _(
                "%(client)s has no active consent to share information with %(agency)s. "
                "Record the client's consent first."
            )
            % {"client": client.display_name, "agency": program.agency},
            code="no_consent",
        )
    return consent


def _screening_snapshot(*, intake: IntakeInterview | None, program: Program) -> dict:
    """The screening result the referral is based on (status, reasons, rule-set version)."""
    if intake is None:
        return {}
    from referrals.eligibility import screen_program

    snapshot = screen_program(intake=intake, program=program).to_snapshot()
    snapshot.setdefault("intake_id", intake.pk)
    return snapshot


@transaction.atomic
def referral_send(
    *,
    actor: User,
    client: Client,
    program: Program,
    need_category: str,
    urgency: str = Urgency.ROUTINE,
    reason: str,
    note_to_agency: str = "",
    consent: Consent | None = None,
    intake: IntakeInterview | None = None,
    duplicate_reason: str = "",
    now: datetime.datetime | None = None,
    sending_center: Organization | None = None,
) -> Referral:
    """Sends a referral from the client's center to the program's agency.

    Only a navigator of the client's center may send it (a caller that has checked it already,
    the send page through ``client_for_read(own_center=True)``, passes that center as
    ``sending_center``), only under an active consent that names the agency (the newest one if
    none is given). Stamps the screening result of the
    intake (the client's latest if none is given) and the consent; grants both sides; writes the
    first event; schedules the PDF packet; tells the agency after commit.
    """
    now = now or timezone.now()
    if sending_center is not None:
        center = sending_center if sending_center.pk == client.center_id else None
    else:
        center = centers_of(actor).filter(pk=client.center_id).first()
    if center is None:
        raise ReferralActionError(
            _("Only a navigator at %(center)s can refer this client.") % {"center": client.center},
            code="forbidden",
        )
    if not program.is_active:
        raise ReferralActionError(
            _("%(program)s is not taking referrals.") % {"program": program.name},
            code="inactive_program",
        )
    errors = {}
    reason = (reason or "").strip()
    note_to_agency = (note_to_agency or "").strip()
    if not reason:
        errors["reason"] = _("Say why you are referring the client.")
    for name, text in (("reason", reason), ("note_to_agency", note_to_agency)):
        problem = text_problem(text, kind="reason")
        if problem and name not in errors:
            errors[name] = problem
    if not need_category and program.need_categories:
        need_category = program.need_categories[0]  # the need follows the program
    if need_category not in Need.values:
        errors["need_category"] = _("Choose the need this referral addresses.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose how urgent this is.")
    if errors:
        raise ReferralActionError(errors)
    open_same = open_referral_to_program(client=client, program=program)
    duplicate_reason = (duplicate_reason or "").strip()
    if open_same is not None and not duplicate_reason:
        raise ReferralActionError(
            {
                "duplicate_reason": _(
                    "%(client)s already has an open referral to %(program)s (%(code)s). "
                    "Say why you are sending another one."
                )
                % {
                    "client": client.display_name,
                    "program": program.name,
                    "code": open_same.reference_code,
                }
            },
            code="duplicate",
        )
    consent = _covering_consent(client=client, program=program, consent=consent)
    if intake is None:
        intake = client.intakes.order_by("-interview_date", "-id").first()
    elif intake.client_id != client.pk:
        raise ReferralActionError(_("That intake belongs to another client."), code="intake")

    referral = Referral(
        client=client,
        program=program,
        agency_id=program.agency_id,
        sending_center=center,
        sent_by=actor,
        consent=consent,
        intake=intake,
        need_category=need_category,
        urgency=urgency,
        reason=reason,
        note_to_agency=note_to_agency,
        screening_snapshot=_screening_snapshot(intake=intake, program=program),
        status=ReferralStatus.REQUESTED,
        created_at=now,
        status_changed_at=now,
        packet_requested_at=now,
    )
    referral._history_user = actor
    referral._history_date = now
    if open_same is not None:
        referral._change_reason = (
            f"Sent while {open_same.reference_code} is open; reason: {duplicate_reason}"
        )[:100]
    referral.save()
    referral_grant(referral=referral)
    ReferralEvent.objects.create(
        referral=referral,
        from_status="",
        to_status=ReferralStatus.REQUESTED,
        actor=actor,
        actor_organization=center,
        note=_first_note(referral, open_same, duplicate_reason),
        at=now,
    )
    from referrals.packets.services import packet_schedule

    packet_schedule(referral=referral, actor=actor)
    notifications.after_commit(tasks.notify_new_referral_task, referral.pk)
    from referrals.client_messages import MessageTemplate, client_message_queue

    client_message_queue(referral=referral, template=MessageTemplate.REFERRAL_SENT, now=now)
    return referral


# Transitions ---------------------------------------------------------------------------------


def _conflict_message(referral: Referral, wanted: Transition) -> str:
    """What to tell someone whose action no longer applies: who did what, when."""
    last = (
        referral.events.select_related("actor", "actor_organization").order_by("-at", "-id").first()
    )
    status = referral.get_status_display().lower()
    if last is None or last.to_status != referral.status:
        return _("This referral is %(status)s; it cannot be %(action)s now.") % {
            "status": status,
            "action": wanted.past,
        }
    who = str(last.actor) if last.actor else last.actor_email or _("the automatic follow-up")
    if last.actor_organization:
        who = f"{who} ({last.actor_organization})"
    when = formats.date_format(timezone.localtime(last.at), "DATETIME_FORMAT")
    return _(
        "This referral was already %(status)s by %(who)s on %(when)s, so it cannot be "
        "%(action)s now."
    ) % {"status": status, "who": who, "when": when, "action": wanted.past}


def _acting_organization(actor: User, referral: Referral, side: ReferralSide):
    return referral.sending_center if side == ReferralSide.SENDER else referral.agency


@transaction.atomic
def referral_transition(
    *,
    referral: Referral,
    actor: User | None,
    action: str,
    note: str = "",
    code: str = "",
    decided_by: str = "",
    now: datetime.datetime | None = None,
    link=None,
) -> Referral:
    """Moves the referral by ``action`` (see ``TRANSITIONS``) under a row lock.

    Refuses, with a ``ReferralActionError``: an unknown action, an actor not on the side allowed
    to take it (receiving agency: accept/reject/start/complete/fail; sending center: cancel), an
    agency acting without an active consent, a move that is illegal from the status found after
    taking the lock (someone else acted first: the message says who and when), and a missing
    reason code or outcome.

    With ``link`` (a ``ReferralLink``; ``actor`` is None) the agency acts from its emailed
    answer link: the link must still open the referral (checked again under the lock), the
    agency side's rules apply, and the history and event name the link's address.
    """
    now = now or timezone.now()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ReferralActionError(_("Unknown action."), code="unknown_action")
    locked = (
        Referral.objects.select_for_update()
        .select_related("agency", "sending_center", "consent", "program")
        .get(pk=referral.pk)
    )
    if link is not None:
        from referrals.links import LinkError, LinkProblem, link_problem
        from referrals.models import ReferralLink

        link = ReferralLink.objects.select_for_update().get(pk=link.pk)  # revoked meanwhile?
        problem = link_problem(link=link, referral=locked, now=now)
        if problem is not None and not (
            problem == LinkProblem.CLOSED and locked.status not in transition.sources
        ):
            raise LinkError(problem)
        side = ReferralSide.RECEIVER
    else:
        side = referral_side(user=actor, referral=locked)
    if side != transition.side or (
        side == ReferralSide.RECEIVER and not locked.consent.is_active_on(timezone.localdate())
    ):
        if transition.side == ReferralSide.SENDER:
            message = _("Only the center that sent this referral can cancel it.")
        else:
            message = _("Only the agency that received this referral can do that.")
        raise ReferralActionError(message, code="forbidden")
    if locked.status not in transition.sources:
        raise ReferralActionError(_conflict_message(locked, transition), code="conflict")

    note = (note or "").strip()
    problem = text_problem(note, kind="reason")
    if problem:
        raise ReferralActionError({"note": problem}, code="note")
    allowed_codes = {value for value, _label in transition.codes}
    if action == "reject":
        if code not in allowed_codes:
            raise ReferralActionError(
                {"code": _("Choose why you are declining the referral.")}, code="reason"
            )
        locked.rejection_reason = code
        locked.closed_at = now
    elif action in ("complete", "fail"):
        # Each closing action has its own outcomes: "got help" only completes a referral.
        if code not in allowed_codes:
            raise ReferralActionError({"code": _("Choose the outcome.")}, code="outcome")
        if decided_by not in DecidedBy.values:
            raise ReferralActionError(
                {"decided_by": _("Say who decided: the provider or the client.")},
                code="decided_by",
            )
        locked.outcome = code
        locked.decided_by = decided_by
        locked.outcome_note = note
        locked.closed_at = now
    elif action == "cancel":
        locked.closed_at = now
    else:
        code = ""
    if side == ReferralSide.RECEIVER and locked.first_response_at is None:
        locked.first_response_at = now

    from_status = locked.status
    locked.status = transition.target
    locked.status_changed_at = now
    locked._history_user = actor
    locked._history_date = now
    locked._history_external_actor = link.email if link is not None else ""
    locked._change_reason = note[:100] if note else ""
    locked.save()
    event = ReferralEvent.objects.create(
        referral=locked,
        from_status=from_status,
        to_status=transition.target,
        actor=actor,
        actor_email=link.email if link is not None else "",
        actor_organization=_acting_organization(actor, locked, side),
        note=note,
        code=code,
        at=now,
    )
    if action == "cancel":
        from referrals.links import LinkRevokeReason, referral_links_revoke

        referral_revoke_agency(referral=locked)
        referral_links_revoke(
            referral=locked, actor=actor, reason=LinkRevokeReason.CANCELLED, now=now
        )
    notifications.after_commit(tasks.notify_status_change_task, event.pk)
    return locked


def referral_accept(*, referral: Referral, actor: User, note: str = "", now=None) -> Referral:
    return referral_transition(referral=referral, actor=actor, action="accept", note=note, now=now)


def referral_reject(
    *, referral: Referral, actor: User, reason_code: str, note: str = "", now=None
) -> Referral:
    return referral_transition(
        referral=referral, actor=actor, action="reject", code=reason_code, note=note, now=now
    )


def referral_start(*, referral: Referral, actor: User, note: str = "", now=None) -> Referral:
    return referral_transition(referral=referral, actor=actor, action="start", note=note, now=now)


def referral_complete(
    *, referral: Referral, actor: User, outcome: str, decided_by: str, note: str = "", now=None
) -> Referral:
    return referral_transition(
        referral=referral,
        actor=actor,
        action="complete",
        code=outcome,
        decided_by=decided_by,
        note=note,
        now=now,
    )


def referral_fail(
    *, referral: Referral, actor: User, outcome: str, decided_by: str, note: str = "", now=None
) -> Referral:
    return referral_transition(
        referral=referral,
        actor=actor,
        action="fail",
        code=outcome,
        decided_by=decided_by,
        note=note,
        now=now,
    )


def referral_cancel(*, referral: Referral, actor: User, note: str = "", now=None) -> Referral:
    """Cancels (sender only) and ends the agency's access in the same transaction."""
    return referral_transition(referral=referral, actor=actor, action="cancel", note=note, now=now)


@transaction.atomic
def referrals_revoke_for_consent(*, consent: Consent, actor: User | None = None) -> int:
    """Ends agency access to every referral sent under ``consent`` (it was just revoked)."""
    referrals = list(
        Referral.objects.filter(consent=consent).select_related("agency__group").order_by("pk")
    )
    for referral in referrals:
        referral_revoke_agency(referral=referral)
    return len(referrals)


@transaction.atomic
def referrals_end_expired_access(*, actor: User | None = None, today=None) -> int:
    """Nightly (Celery beat): removes the receiving agencies' grants of referrals whose consent
    has expired (``agency_may_hold_grant``). Reads already hide them (the access window), so
    nobody sees a change; the grants table keeps only what agencies may still open. One
    ``DELETE``, whatever the count; the sending centers' grants stay. Returns the number of
    grant rows removed (view and change, two per referral)."""
    today = today or timezone.localdate()
    expired = ReferralGroupObjectPermission.objects.filter(
        content_object__consent__expires_on__lt=today,
        group_id=F("content_object__agency__group_id"),
    )
    removed, _ = expired.delete()
    if removed:
        logger.info("agency grants of expired consents removed: %d", removed)
    return removed


def referrals_resync_for_consent(
    *, consent: Consent, actor: User | None = None, scopes_removed=(), recipients_removed=()
) -> int:
    """After a consent changed: every agency grant resting on it follows the consent now, and
    packets rendered under wider scopes are rendered again (their files are not served until
    the new ones are ready)."""
    from referrals.packets.services import packet_schedule

    recipient_ids = set(consent.recipients.values_list("pk", flat=True))
    referrals = list(
        Referral.objects.filter(consent=consent)
        .select_related("agency__group", "consent")
        .order_by("pk")
    )
    for referral in referrals:
        referral_sync_agency(referral=referral, recipient_ids=recipient_ids)
        if scopes_removed and referral.packet_status != PacketStatus.FAILED:
            packet_schedule(referral=referral, actor=actor)
    return len(referrals)
