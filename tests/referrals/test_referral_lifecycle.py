"""Sending and moving referrals: consent, stamping, the transition table, who may act."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from casework.services import consent_revoke
from referrals.access import referrals_received_by, referrals_visible_to
from referrals.models import Referral, ReferralEvent, ReferralStatus
from referrals.models.referral import ReferralDeletionError
from referrals.services import (
    LEGAL_MOVES,
    ReferralActionError,
    referral_accept,
    referral_cancel,
    referral_complete,
    referral_reject,
    referral_start,
    referral_transition,
)
from tests.factories import AgencyFactory, ClientFactory, ProgramFactory

from .referral_helpers import PATH_TO, move_to, program_x, send

STATUSES = [s.value for s in ReferralStatus]
ACTION_FOR_TARGET = {
    "accepted": ("accept", {}),
    "rejected": ("reject", {"code": "not_eligible"}),
    "cancelled": ("cancel", {}),
    "in-progress": ("start", {}),
    "completed": ("complete", {"code": "got_help", "decided_by": "client"}),
    "failed": ("fail", {"code": "client_declined", "decided_by": "client"}),
}


def test_send_stamps_consent_screening_and_first_event(personas, client_a):
    referral = send(personas, client_a)
    assert referral.status == ReferralStatus.REQUESTED
    assert referral.agency == personas.agency_x
    assert referral.sending_center == personas.center_a
    assert referral.consent == client_a.consents.get()
    assert referral.intake == client_a.intakes.get()
    snap = referral.screening_snapshot
    assert snap["program_id"] == referral.program_id
    assert snap["status"] and "reasons" in snap and "rule_set_version" in snap
    event = referral.events.get()
    assert (event.from_status, event.to_status, event.actor) == (
        "",
        "requested",
        personas.navigator_a,
    )
    assert referral.history.get().history_user == personas.navigator_a
    # Both sides can open it; nobody else.
    assert referrals_visible_to(user=personas.partner_x).filter(pk=referral.pk).exists()
    assert referrals_visible_to(user=personas.navigator_a).filter(pk=referral.pk).exists()
    for other in ("partner_y", "navigator_b", "manager", "outsider"):
        user = getattr(personas, other)
        assert not referrals_visible_to(user=user).filter(pk=referral.pk).exists(), other


def test_send_without_covering_consent_is_refused_with_a_clear_message(personas, client_a):
    program_y = ProgramFactory(agency=personas.agency_y, name="Tenant rights clinic")
    with pytest.raises(ReferralActionError) as exc:
        send(personas, client_a, program=program_y, need_category="legal")
    assert exc.value.code == "no_consent"
    assert "no active consent" in exc.value.messages[0]
    assert "Agency Y Legal Aid" in exc.value.messages[0]
    assert not Referral.objects.exists()


def test_send_under_revoked_consent_is_refused(personas, client_a):
    consent_revoke(actor=personas.navigator_a, consent=client_a.consents.get())
    with pytest.raises(ReferralActionError):
        send(personas, client_a)


def test_only_the_clients_center_may_send(personas, client_a):
    from referrals.services import referral_send

    with pytest.raises(ReferralActionError):
        referral_send(
            actor=personas.navigator_b,
            client=client_a,
            program=program_x(personas),
            need_category="food",
            reason="x",
        )


def test_a_sending_center_passed_down_must_be_the_clients(personas, client_a):
    """The send page passes the center it checked; another center is refused all the same."""
    with pytest.raises(ReferralActionError) as exc:
        send(personas, client_a, sending_center=personas.center_b)
    assert exc.value.code == "forbidden"
    assert not Referral.objects.exists()
    referral = send(personas, client_a, sending_center=personas.center_a)
    assert referral.sending_center == personas.center_a


def test_send_requires_a_reason_and_a_need(personas, client_a):
    with pytest.raises(ReferralActionError) as exc:
        send(personas, client_a, reason="  ", need_category="bogus")
    assert set(exc.value.error_dict) == {"reason", "need_category"}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(STATUSES, STATUSES)))
def test_transition_table(personas, client_a, source, target):
    """Every (from, to) pair of the 7 statuses: legal moves succeed, every other one is refused
    with a clear message and changes nothing."""
    referral = move_to(personas, send(personas, client_a), source)
    assert referral.status == source
    legal = (source, target) in LEGAL_MOVES
    if target == "requested":
        assert not legal  # nothing ever goes back to requested
        return
    action, kwargs = ACTION_FOR_TARGET[target]
    actor = personas.navigator_a if action == "cancel" else personas.partner_x
    events_before = referral.events.count()
    if legal:
        moved = referral_transition(
            referral=referral, actor=actor, action=action, note="n", **kwargs
        )
        assert moved.status == target
        event = moved.events.order_by("-id").first()
        assert (event.from_status, event.to_status, event.actor, event.note) == (
            source,
            target,
            actor,
            "n",
        )
        assert moved.history.first().history_user == actor
    else:
        with pytest.raises(ReferralActionError) as exc:
            referral_transition(referral=referral, actor=actor, action=action, **kwargs)
        assert exc.value.messages[0]
        referral.refresh_from_db()
        assert referral.status == source
        assert referral.events.count() == events_before


def test_legal_moves_are_exactly_the_design(personas):
    assert set(LEGAL_MOVES) == {
        ("requested", "accepted"),
        ("requested", "rejected"),
        ("requested", "cancelled"),
        ("accepted", "in-progress"),
        ("accepted", "cancelled"),
        ("in-progress", "completed"),
        ("in-progress", "failed"),
        ("in-progress", "cancelled"),
    }
    assert set(PATH_TO) == set(STATUSES)


def test_conflict_message_says_who_acted_first(personas, client_a):
    referral = send(personas, client_a)
    colleague = personas.partner_x.__class__.objects.create_user(
        "partner_x2", first_name="Lee", last_name="Wong"
    )
    from casework.services import membership_create

    membership_create(user=colleague, organization=personas.agency_x, role="partner_staff")
    stale = Referral.objects.get(pk=referral.pk)
    referral_accept(referral=referral, actor=personas.partner_x)
    with pytest.raises(ReferralActionError) as exc:
        referral_reject(referral=stale, actor=colleague, reason_code="no_capacity")
    message = exc.value.messages[0]
    assert "already accepted by Priya Singh (Agency X Food Bank)" in message
    assert exc.value.code == "conflict"


@pytest.mark.parametrize("action", ["accept", "reject", "start", "complete", "fail"])
def test_only_the_receiving_agency_may_respond(personas, client_a, action):
    referral = send(personas, client_a)
    if action in ("complete", "fail"):
        referral = move_to(personas, referral, "in-progress")
    elif action == "start":
        referral = move_to(personas, referral, "accepted")
    kwargs = dict(
        ACTION_FOR_TARGET[
            {
                "accept": "accepted",
                "reject": "rejected",
                "start": "in-progress",
                "complete": "completed",
                "fail": "failed",
            }[action]
        ][1]
    )
    for user in (personas.navigator_a, personas.partner_y, personas.navigator_b, personas.outsider):
        with pytest.raises(ReferralActionError) as exc:
            referral_transition(referral=referral, actor=user, action=action, **kwargs)
        assert exc.value.code == "forbidden"


def test_only_the_sender_may_cancel(personas, client_a):
    referral = send(personas, client_a)
    for user in (personas.partner_x, personas.navigator_b, personas.partner_y):
        with pytest.raises(ReferralActionError):
            referral_cancel(referral=referral, actor=user)
    referral_cancel(referral=referral, actor=personas.navigator_a, note="Client moved away")
    referral.refresh_from_db()
    assert referral.status == "cancelled"


def test_reject_needs_a_reason_and_closing_needs_an_outcome(personas, client_a):
    referral = send(personas, client_a)
    with pytest.raises(ValidationError):
        referral_reject(referral=referral, actor=personas.partner_x, reason_code="")
    referral_accept(referral=referral, actor=personas.partner_x)
    referral_start(referral=referral, actor=personas.partner_x)
    with pytest.raises(ValidationError):
        referral_complete(
            referral=referral, actor=personas.partner_x, outcome="", decided_by="provider"
        )
    with pytest.raises(ValidationError):
        referral_complete(
            referral=referral, actor=personas.partner_x, outcome="got_help", decided_by=""
        )
    done = referral_complete(
        referral=referral,
        actor=personas.partner_x,
        outcome="got_help",
        decided_by="client",
        note="Enrolled in CalFresh, card arrives in 10 days.",
    )
    assert (done.outcome, done.decided_by, done.outcome_note) == (
        "got_help",
        "client",
        "Enrolled in CalFresh, card arrives in 10 days.",
    )
    assert done.closed_at and done.first_response_at


def test_cancelling_removes_agency_access_at_once(personas, client_a):
    referral = send(personas, client_a)
    assert referrals_received_by(user=personas.partner_x).filter(pk=referral.pk).exists()
    referral_cancel(referral=referral, actor=personas.navigator_a)
    assert not referrals_received_by(user=personas.partner_x).filter(pk=referral.pk).exists()
    assert referrals_visible_to(user=personas.navigator_a).filter(pk=referral.pk).exists()


def test_revoking_consent_removes_agency_access_at_once_and_leaves_others(personas, client_a):
    referral = send(personas, client_a)
    other_client = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    from tests.factories import ConsentFactory

    ConsentFactory(
        client=other_client, recorded_by=personas.navigator_a, recipients=[personas.agency_x]
    )
    other = send(personas, other_client, program=referral.program)
    consent_revoke(actor=personas.navigator_a, consent=referral.consent)
    visible = referrals_received_by(user=personas.partner_x)
    assert not visible.filter(pk=referral.pk).exists()
    assert visible.filter(pk=other.pk).exists()
    # The grant itself is gone too, not only filtered out.
    from guardian.shortcuts import get_groups_with_perms

    assert personas.agency_x.group not in get_groups_with_perms(referral)


def test_referrals_are_never_deleted(personas, client_a):
    referral = send(personas, client_a)
    with pytest.raises(ReferralDeletionError):
        referral.delete()
    with pytest.raises(ReferralDeletionError):
        Referral.objects.filter(pk=referral.pk).delete()
    assert Referral.objects.filter(pk=referral.pk).exists()
    assert ReferralEvent.objects.filter(referral=referral).exists()


def test_admin_cannot_delete_referrals(personas, client_a, rf):
    from django.contrib import admin

    referral = send(personas, client_a)
    model_admin = admin.site._registry.get(Referral)
    assert model_admin is not None
    request = rf.get("/")
    request.user = personas.manager.__class__.objects.create_superuser("root", "r@x.org", "pw")
    assert not model_admin.has_delete_permission(request, referral)
    assert not model_admin.has_delete_permission(request)


def test_unused_agency_is_not_a_recipient(personas, client_a):
    """A program of an agency the consent does not name cannot be referred to."""
    stranger = AgencyFactory()
    with pytest.raises(ReferralActionError):
        send(personas, client_a, program=ProgramFactory(agency=stranger))
