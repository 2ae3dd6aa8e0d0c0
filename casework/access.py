"""The one place that decides who may see which casework object.

Rules (DESIGN.md "Access control"):
- A community center's group holds view/change grants (django-guardian, direct-FK models) on
  each of its clients; a navigator sees a client only through such a grant.
- Global (model-level) permissions never open a client: every query uses
  ``accept_global_perms=False`` and ignores superuser status. Administrators use the admin.
- Denied and missing answer the same ``Http404``.
"""

from enum import IntEnum

from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Client, Membership, Organization, OrganizationKind, Role


class AccessLevel(IntEnum):
    NONE = 0
    VIEW = 1
    EDIT = 2


_CLIENT_PERMS = {
    AccessLevel.VIEW: "casework.view_client",
    AccessLevel.EDIT: "casework.change_client",
}


def clients_visible_to(*, user, level: AccessLevel = AccessLevel.VIEW) -> QuerySet[Client]:
    """Clients the user may see (or edit), through their organizations' grants only."""
    if not user.is_authenticated:
        return Client.objects.none()
    return get_objects_for_user(
        user,
        _CLIENT_PERMS[level],
        klass=Client,
        accept_global_perms=False,
        with_superuser=False,
        use_groups=True,
    )


def get_client_or_404(*, user, pk, level: AccessLevel = AccessLevel.VIEW) -> Client:
    """The client if the user holds a grant at ``level``; otherwise 404, like a missing one."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    client = (
        clients_visible_to(user=user, level=level).select_related("center").filter(pk=pk).first()
    )
    if client is None:
        raise Http404
    return client


def client_access_level(*, user, client: Client) -> AccessLevel:
    visible = clients_visible_to(user=user, level=AccessLevel.EDIT).filter(pk=client.pk).exists()
    if visible:
        return AccessLevel.EDIT
    if clients_visible_to(user=user).filter(pk=client.pk).exists():
        return AccessLevel.VIEW
    return AccessLevel.NONE


def grant_client_to_center(*, client: Client, center: Organization) -> None:
    for perm in ("view_client", "change_client"):
        assign_perm(f"casework.{perm}", center.group, client)


def revoke_client_from_center(*, client: Client, center: Organization) -> None:
    for perm in ("view_client", "change_client"):
        remove_perm(f"casework.{perm}", center.group, client)


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def organizations_of(user, *, kind: str | None = None, roles=None) -> QuerySet[Organization]:
    qs = Organization.objects.filter(memberships__user=user, is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if roles:
        qs = qs.filter(memberships__role__in=roles)
    return qs.distinct()


def centers_of(user) -> QuerySet[Organization]:
    """Community centers where the user works as navigator or organization admin."""
    return organizations_of(
        user, kind=OrganizationKind.COMMUNITY_CENTER, roles=[Role.NAVIGATOR, Role.ORG_ADMIN]
    )


def agencies_of(user) -> QuerySet[Organization]:
    """Partner agencies where the user is partner staff or organization admin."""
    return organizations_of(
        user, kind=OrganizationKind.PARTNER_AGENCY, roles=[Role.PARTNER_STAFF, Role.ORG_ADMIN]
    )


def is_program_manager(user) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, role=Role.PROGRAM_MANAGER).exists()
    )


def group_of(organization: Organization) -> Group:
    return organization.group
