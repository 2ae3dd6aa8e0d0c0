"""Program directory writes, and what a program's move to another agency does to access.

A program belongs to one partner agency. When it moves to another agency (the admin, the HSDS
import, or any caller of ``program_save``), its **open** referrals (requested, accepted, in
progress) move with it in the same transaction (``referrals_follow_program``):

- the referral's ``agency`` becomes the program's new agency (history with the actor);
- the old agency's grant is removed and its emailed answer links are revoked;
- the new agency is granted only if the referral's consent names it
  (``referral_sync_agency``), and is then told as of a new referral (its staff, and its
  address with an answer link, after commit); otherwise only the sending center sees the
  referral until a consent naming the new agency is recorded (``consent_update`` then grants
  it at once);
- the assignee (a colleague at the old agency) is cleared;
- the packet is rendered again, since both copies name the agency, its address and contact.

**Closed** referrals (rejected, cancelled, completed, failed) stay with the agency that closed
them: their outcomes are that agency's record and its scorecard, and the old agency keeps
read access to what it did. ``referrals.access_check`` checks the same rule.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from casework.models import User
from referrals import tasks
from referrals.access import referral_revoke_agency, referral_sync_agency
from referrals.models import PacketStatus, Program, Referral, ServiceAtLocation
from referrals.models.referral import OPEN_STATUSES

from . import notifications
from .directory import rule_set_delete, service_at_location_delete

# Recorded as the history's change reason on each referral that moved with its program.
MOVED_WITH_PROGRAM = "moved with its program"


@transaction.atomic
def program_save(*, actor: User | None, program: Program) -> Program:
    """Saves a new or changed program (validated by its form or importer) with history; if its
    agency changed, its open referrals follow it (``referrals_follow_program``)."""
    old_agency_id = None
    if program.pk:
        old_agency_id = (
            Program.objects.select_for_update()
            .filter(pk=program.pk)
            .values_list("agency_id", flat=True)
            .first()
        )
    program._history_user = actor
    program.save()
    if old_agency_id is not None and old_agency_id != program.agency_id:
        referrals_follow_program(program=program, actor=actor)
    return program


@transaction.atomic
def program_delete(*, actor: User | None, program: Program) -> None:
    """Deletes a program that no referral refers to (referrals protect their program), with
    its location links and rule sets (each deletion with history naming ``actor``)."""
    for link in ServiceAtLocation.objects.filter(program=program):
        service_at_location_delete(actor=actor, link=link)
    for rule_set in program.rule_sets.all():
        rule_set_delete(actor=actor, rule_set=rule_set)
    program._history_user = actor
    program.delete()


def open_referrals_off_program(queryset=None):
    """Open referrals whose agency is not their program's agency (stale after a move)."""
    queryset = Referral.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=OPEN_STATUSES).exclude(agency=F("program__agency"))


@transaction.atomic
def referrals_follow_program(
    *, program: Program, actor: User | None, reason: str = MOVED_WITH_PROGRAM
) -> int:
    """Moves the program's open referrals to its agency (see the module docstring). Returns
    how many moved. Also repairs referrals left behind by a change made around the services
    (``manage.py check_access --fix``)."""
    from referrals.links import LinkRevokeReason, referral_links_revoke
    from referrals.packets.services import packet_schedule

    program = Program.objects.select_related("agency__group").get(pk=program.pk)
    referrals = list(
        open_referrals_off_program(Referral.objects.filter(program=program))
        .select_for_update(of=("self",))
        .select_related("agency__group", "consent")
        .order_by("pk")
    )
    for referral in referrals:
        referral_revoke_agency(referral=referral)  # the old agency's grant
        referral_links_revoke(referral=referral, actor=actor, reason=LinkRevokeReason.PROGRAM_MOVED)
        referral.agency = program.agency
        referral.assigned_to = None
        referral._history_user = actor
        referral._change_reason = reason
        referral.save(update_fields=["agency", "assigned_to"])
        if referral_sync_agency(referral=referral):
            # New to this agency: its staff (and its address, with an answer link) are told.
            notifications.after_commit(tasks.notify_new_referral_task, referral.pk)
        if referral.packet_status != PacketStatus.FAILED:
            packet_schedule(referral=referral, actor=actor)
    return len(referrals)
