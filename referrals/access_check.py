"""Recomputes every access grant from its sources and compares it with what is stored.

Sources of truth:
- a membership puts its user in its organization's group (and nothing else does; a group
  ``org:<slug>`` whose organization is gone has no members);
- a client is granted (view, change) to its center's group, and to no other group or user;
- a referral is granted (view, change) to its sending center's group, and to its agency's
  group while ``referrals.access.agency_may_hold_grant`` says so (not cancelled, consent not
  revoked, not expired and still naming the agency); to no other group or user;
- an open referral's agency is its program's agency (a program moved to another agency takes
  its open referrals along, ``referrals.services.programs``), so the expected agency grant of
  an open referral goes to the program's agency, and a referral left with the old agency is a
  "referral agency" difference, repaired by ``referrals_follow_program``.

``access_differences()`` lists what differs; ``access_repair()`` makes the stored grants match.
``manage.py check_access [--fix]`` runs them. Grants are read and written in bulk, with
one query per table, so a county-sized database is checked in seconds, not hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.models import Client, Consent, Membership, User
from casework.models.permissions import ClientGroupObjectPermission, ClientUserObjectPermission

from .models import Program, Referral, ReferralStatus
from .models.referral import (
    OPEN_STATUSES,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
)
from .services.programs import open_referrals_off_program, referrals_follow_program

PERMS = {
    "client": ("view_client", "change_client"),
    "referral": ("view_referral", "change_referral"),
}


@dataclass(frozen=True, order=True)
class Difference:
    kind: str  # "group member", "client grant", "referral grant", "user grant", "referral agency"
    problem: str  # "missing", "extra" or "stale"
    subject: str  # e.g. "user 4 in org:agency-x"
    key: tuple

    def __str__(self) -> str:
        return f"{self.problem} {self.kind}: {self.subject}"


def _expected_members() -> set[tuple[int, int]]:
    return set(Membership.objects.values_list("user_id", "organization__group_id"))


def _actual_members() -> set[tuple[int, int]]:
    """Members of organization groups, including a group left behind by an organization
    deleted around the services (named ``org:...``, no organization): all of those are extra."""
    through = User.groups.through
    organization_groups = Q(group__organization__isnull=False) | Q(group__name__startswith="org:")
    return set(through.objects.filter(organization_groups).values_list("user_id", "group_id"))


def _expected_client_grants() -> set[tuple[int, int, str]]:
    rows = Client.objects.values_list("pk", "center__group_id")
    return {(pk, group, perm) for pk, group in rows for perm in PERMS["client"]}


def _expected_referral_grants() -> set[tuple[int, int, str]]:
    through = Consent.recipients.through
    recipients = set(through.objects.values_list("consent_id", "organization_id"))
    expected = set()
    rows = Referral.objects.values_list(
        "pk",
        "sending_center__group_id",
        "agency_id",
        "agency__group_id",
        "program__agency_id",
        "program__agency__group_id",
        "status",
        "consent_id",
        "consent__revoked_at",
        "consent__expires_on",
    )
    today = timezone.localdate()
    for row in rows:
        pk, center_group, agency, agency_group, program_agency, program_group = row[:6]
        status, consent, revoked_at, expires_on = row[6:]
        if status in OPEN_STATUSES:  # an open referral is with its program's agency
            agency, agency_group = program_agency, program_group
        groups = [center_group]
        if (
            status != ReferralStatus.CANCELLED
            and revoked_at is None
            and expires_on >= today
            and (consent, agency) in recipients
        ):
            groups.append(agency_group)
        expected |= {(pk, group, perm) for group in groups for perm in PERMS["referral"]}
    return expected


def _referrals_off_their_program() -> list[tuple[int, int, int, int]]:
    """(referral, its agency, program, the program's agency) of open referrals left behind."""
    return list(
        open_referrals_off_program().values_list(
            "pk", "agency_id", "program_id", "program__agency_id"
        )
    )


def _actual(model) -> set[tuple[int, int, str]]:
    return set(model.objects.values_list("content_object_id", "group_id", "permission__codename"))


def access_differences() -> list[Difference]:
    groups = dict(Group.objects.values_list("pk", "name"))
    out: list[Difference] = []

    def compare(kind, expected, actual, describe):
        for key in expected - actual:
            out.append(Difference(kind, "missing", describe(key), key))
        for key in actual - expected:
            out.append(Difference(kind, "extra", describe(key), key))

    compare(
        "group member",
        _expected_members(),
        _actual_members(),
        lambda k: f"user {k[0]} in {groups.get(k[1], k[1])}",
    )
    compare(
        "client grant",
        _expected_client_grants(),
        _actual(ClientGroupObjectPermission),
        lambda k: f"{k[2]} on client {k[0]} for {groups.get(k[1], k[1])}",
    )
    compare(
        "referral grant",
        _expected_referral_grants(),
        _actual(ReferralGroupObjectPermission),
        lambda k: f"{k[2]} on referral {k[0]} for {groups.get(k[1], k[1])}",
    )
    for referral, agency, program, program_agency in _referrals_off_their_program():
        out.append(
            Difference(
                "referral agency",
                "stale",
                f"open referral {referral} is with organization {agency}, "
                f"its program {program} is run by organization {program_agency}",
                (program,),
            )
        )
    # Grants go to groups only: any per-user object grant is extra.
    for model, what in (
        (ClientUserObjectPermission, "client"),
        (ReferralUserObjectPermission, "referral"),
    ):
        for pk, obj, user, perm in model.objects.values_list(
            "pk", "content_object_id", "user_id", "permission__codename"
        ):
            out.append(
                Difference(
                    "user grant", "extra", f"{perm} on {what} {obj} for user {user}", (what, pk)
                )
            )
    return sorted(out)


@transaction.atomic
def access_repair(differences: list[Difference]) -> int:
    """Moves stale open referrals to their program's agency, adds what is missing and removes
    what is extra. Returns how many differences were repaired."""
    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            codename__in=[*PERMS["client"], *PERMS["referral"]],
            content_type__app_label__in=["casework", "referrals"],
        )
    }
    through = User.groups.through
    changed = 0
    # Referrals first: moving them to their program's agency also moves their grants.
    programs = {diff.key[0] for diff in differences if diff.kind == "referral agency"}
    for program in Program.objects.filter(pk__in=programs).order_by("pk"):
        referrals_follow_program(program=program, actor=None, reason="repaired by check_access")
    for diff in differences:
        if diff.kind == "referral agency":
            pass  # done above
        elif diff.kind == "group member":
            user_id, group_id = diff.key
            if diff.problem == "missing":
                through.objects.get_or_create(user_id=user_id, group_id=group_id)
            else:
                through.objects.filter(user_id=user_id, group_id=group_id).delete()
        elif diff.kind in ("client grant", "referral grant"):
            model = (
                ClientGroupObjectPermission
                if diff.kind == "client grant"
                else ReferralGroupObjectPermission
            )
            obj, group_id, codename = diff.key
            if diff.problem == "missing":
                model.objects.get_or_create(
                    content_object_id=obj, group_id=group_id, permission=perms[codename]
                )
            else:
                model.objects.filter(
                    content_object_id=obj, group_id=group_id, permission__codename=codename
                ).delete()
        elif diff.kind == "user grant":
            what, pk = diff.key
            model = ClientUserObjectPermission if what == "client" else ReferralUserObjectPermission
            model.objects.filter(pk=pk).delete()
        changed += 1
    return changed
