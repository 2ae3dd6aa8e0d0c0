"""The one place that decides who may see which casework object.

Rules (DESIGN.md "Access control"):
- A community center's group holds view/change grants (django-guardian, direct-FK models) on
  each of its clients; a navigator sees a client only through such a grant.
- Global (model-level) permissions never open a client: every query uses
  ``accept_global_perms=False`` and ignores superuser status. Administrators use the admin.
- Denied and missing answer the same ``Http404``.

Visibility is one SQL statement shaped for PostgreSQL's indexes (issue 15): the grants are read
from guardian's direct-FK tables as a single ``IN (... UNION ...)`` semi-join or an ``EXISTS``
probe per row (``(content_object, permission, group)`` index), never guardian's ``IN ... OR
IN ...``, which PostgreSQL can only answer by scanning the whole table. It returns exactly the
rows ``get_objects_for_user(..., accept_global_perms=False, with_superuser=False)`` returns
(tests/casework/test_visibility_same_rows.py keeps that formulation as the reference).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from enum import IntEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404
from guardian.shortcuts import assign_perm, remove_perm

from .audit import access_log_append
from .models import (
    Client,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
    Membership,
    Organization,
    OrganizationKind,
    Role,
)
from .models.accesslog import AccessAction


class AccessLevel(IntEnum):
    NONE = 0
    VIEW = 1
    EDIT = 2


_CLIENT_PERMS = {
    AccessLevel.VIEW: "casework.view_client",
    AccessLevel.EDIT: "casework.change_client",
}


def user_group_ids(user) -> QuerySet:
    """The user's groups as a sub-query (no query of its own)."""
    return get_user_model().groups.through.objects.filter(user_id=user.pk).values("group_id")


def _permission_ids(perm: str) -> QuerySet[Permission]:
    app_label, codename = perm.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).values(
        "pk"
    )


def grant_keys_query(user, perm: str) -> QuerySet:
    """("g", group id) and ("p", permission id) rows, one UNION ALL."""
    # No ORDER BY in either part (Permission's default ordering): SQLite refuses it in a UNION.
    groups = (
        user_group_ids(user).order_by().annotate(kind=Value("g")).values_list("kind", "group_id")
    )
    permissions = (
        _permission_ids(perm).order_by().annotate(kind=Value("p")).values_list("kind", "pk")
    )
    return groups.union(permissions, all=True)


# What a request has read about its user's access (grant keys, center and agency ids), kept
# for that request only: a page asks several visibility questions, and each re-read the same
# rows, compiled them into its SQL as sub-queries and made PostgreSQL plan them again. Set by
# AccessMemoMiddleware around each request; outside a request (jobs, shell, services called
# directly) nothing is kept. Any write to memberships, organizations or a user's groups
# empties it (``forget_access_memo``, connected in casework.apps), so a request that changes
# them reads them again.
_access_memo: ContextVar[dict | None] = ContextVar("casework_access_memo", default=None)


@contextmanager
def access_memo_scope():
    token = _access_memo.set({})
    try:
        yield
    finally:
        _access_memo.reset(token)


def forget_access_memo(**_signal_kwargs) -> None:
    memo = _access_memo.get()
    if memo:
        memo.clear()


def _memoized(key: tuple, compute):
    memo = _access_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _grant_keys(user, perm: str) -> tuple[list[int], list[int]]:
    """The user's group ids and the permission's ids, read now, in one query (once per
    request).

    Written into the visibility query as values rather than sub-queries, they let PostgreSQL
    estimate it: with sub-queries it guessed a center's 20,000 grants at 24 rows and walked
    them one by one (a name search: 320 ms instead of 40)."""

    def read():
        group_ids, permission_ids = [], []
        for kind, pk in grant_keys_query(user, perm):
            (group_ids if kind == "g" else permission_ids).append(pk)
        return sorted(group_ids), sorted(permission_ids)

    return _memoized(("grant_keys", user.pk, perm), read)


def granted_ids(*, user, perm: str, group_model, user_model) -> QuerySet:
    """Ids of the objects on which ``user`` holds ``perm`` ("app.codename") through guardian's
    direct-FK permission tables: their groups' grants and their own, as one sub-query."""
    group_ids, permission = _grant_keys(user, perm)
    by_user = user_model.objects.filter(permission_id__in=permission, user_id=user.pk).values(
        "content_object_id"
    )
    if not group_ids:
        return by_user
    by_group = group_model.objects.filter(
        permission_id__in=permission, group_id__in=group_ids
    ).values("content_object_id")
    return by_group.union(by_user)


class ProbeExists(Exists):
    """``EXISTS`` that PostgreSQL always answers by a probe per row (``OFFSET 0`` keeps the
    planner from turning it into a hash of every grant the group holds).

    For an ordered walk that stops after a page: the planner sizes the hash for every row the
    walk could visit, not the few it does. The navigator dashboard's "awaiting a response"
    list hashed a center's 100,000 referral grants (80 ms) to check 20 rows (under 5 ms)."""

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="EXISTS(%(subquery)s OFFSET 0)", **extra_context
        )


@contextmanager
def joins_in_written_order():
    """Queries run inside are planned with their joins in the order written: for a row fetched
    by a unique key with its related rows (``select_related``), which PostgreSQL otherwise
    plans by trying every order of the joins. The referral page's query with its seven related
    tables took 5 ms to plan and 0.4 ms to run; in written order, 0.9 ms to plan.

    ``join_collapse_limit`` is set for the transaction only (``SET LOCAL``, inside ``atomic``)
    and put back on leaving when an outer transaction goes on. Other databases: a no-op."""
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('join_collapse_limit'), "
                "set_config('join_collapse_limit', '1', true)"
            )
            previous = cursor.fetchone()[0]
        yield
        if not outermost:  # the outer transaction's other queries keep their planning
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('join_collapse_limit', %s, true)", [previous])


def granted_exists(
    *, user, perm: str, group_model, user_model, outer: str = "pk", probe: bool = False
) -> Q:
    """The same grant as ``granted_ids``, checked per row (for queries that another index
    already narrows to the user's own rows). PostgreSQL may hash the grants instead, which
    suits counting many rows; ``probe=True`` keeps it to an index probe per row
    (``ProbeExists``), which suits a walk that stops after a page."""
    group_ids, permission = _grant_keys(user, perm)
    exists = ProbeExists if probe else Exists
    by_user = Q(
        exists(
            user_model.objects.filter(
                content_object_id=OuterRef(outer), permission_id__in=permission, user_id=user.pk
            )
        )
    )
    if not group_ids:
        return by_user
    return (
        Q(
            exists(
                group_model.objects.filter(
                    content_object_id=OuterRef(outer),
                    permission_id__in=permission,
                    group_id__in=group_ids,
                )
            )
        )
        | by_user
    )


def clients_visible_to(
    *, user, level: AccessLevel = AccessLevel.VIEW, among=None, probe: bool = False
) -> QuerySet[Client]:
    """Clients the user may see (or edit), through their organizations' grants only.

    ``among``: only these client ids, each checked by an index probe of the grants, for a
    handful of known ids (one client, a dashboard's recent ten): the semi-join over the
    center's every grant costs 20 ms at 20,000 clients, the probes well under one.
    ``probe=True``: every client, each checked by a probe, for an ordered walk of an index
    that stops after a page (``ProbeExists``)."""
    if not user.is_authenticated:
        return Client.objects.none()
    grants = _client_grants(user, level)
    if among is not None:
        return Client.objects.filter(pk__in=among).filter(granted_exists(**grants, probe=True))
    if probe:
        return Client.objects.filter(granted_exists(**grants, probe=True))
    return Client.objects.filter(pk__in=granted_ids(**grants))


def clients_visible_count(*, user, level: AccessLevel = AccessLevel.VIEW) -> int:
    """How many clients ``clients_visible_to`` returns, counted from the grants alone: every
    grant row names an existing client (a foreign key, deleted with it), so the distinct ids
    are the clients. 15 ms instead of 70 for a 20,000-client center: no join to the county's
    200,000 client rows."""
    if not user.is_authenticated:
        return 0
    return granted_ids(**_client_grants(user, level)).count()


def _client_grants(user, level: AccessLevel) -> dict:
    """``granted_ids`` / ``granted_exists`` arguments for a client grant at ``level``."""
    return {
        "user": user,
        "perm": _CLIENT_PERMS[level],
        "group_model": ClientGroupObjectPermission,
        "user_model": ClientUserObjectPermission,
    }


def get_client_or_404(*, user, pk, level: AccessLevel = AccessLevel.VIEW) -> Client:
    """The client if the user holds a grant at ``level``; otherwise 404, like a missing one."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    client = clients_visible_to(user=user, level=level, among=[pk]).select_related("center").first()
    if client is None:
        raise Http404
    return client


def client_access_level(*, user, client: Client) -> AccessLevel:
    visible = clients_visible_to(user=user, level=AccessLevel.EDIT, among=[client.pk]).exists()
    if visible:
        return AccessLevel.EDIT
    if clients_visible_to(user=user, among=[client.pk]).exists():
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
    """Active organizations where the user is a member, of ``kind``, in one of ``roles``: the
    user's own membership has the role (one join; a second ``filter()`` on the memberships
    would ask whether anyone there has it)."""
    membership = Q(memberships__user=user)
    if roles:
        membership &= Q(memberships__role__in=roles)
    qs = Organization.objects.filter(membership, is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.distinct()


# Who works for a center, and for an agency: the kind of organization and the user's roles.
_CENTER_WORK = (OrganizationKind.COMMUNITY_CENTER, (Role.NAVIGATOR, Role.ORG_ADMIN))
_AGENCY_WORK = (OrganizationKind.PARTNER_AGENCY, (Role.PARTNER_STAFF, Role.ORG_ADMIN))


def centers_of(user) -> QuerySet[Organization]:
    """Community centers where the user works as navigator or organization admin."""
    kind, roles = _CENTER_WORK
    return organizations_of(user, kind=kind, roles=roles)


def agencies_of(user) -> QuerySet[Organization]:
    """Partner agencies where the user is partner staff or organization admin."""
    kind, roles = _AGENCY_WORK
    return organizations_of(user, kind=kind, roles=roles)


def _memberships_of_user(user) -> list[tuple[Organization, str]]:
    """The user's memberships as (organization, role), one query (once per request)."""
    return _memoized(
        ("memberships", user.pk), lambda: [(m.organization, m.role) for m in memberships_of(user)]
    )


def _organizations_in(memberships, *, kind: str, roles) -> list[Organization]:
    """``organizations_of(..., kind=, roles=)`` read from memberships, by name."""
    found = {
        org.pk: org
        for org, role in memberships
        if org.is_active and org.kind == kind and role in roles
    }
    return sorted(found.values(), key=lambda org: (org.name, org.pk))


def _organization_ids(user, kind: str, roles) -> list[int]:
    if _access_memo.get() is None:  # outside a request: ask the database
        return sorted(
            organizations_of(user, kind=kind, roles=roles).order_by().values_list("pk", flat=True)
        )
    # In a request, from its memberships (read once, and by the navigation anyway).
    return sorted(
        org.pk for org in _organizations_in(_memberships_of_user(user), kind=kind, roles=roles)
    )


def center_ids_of(user) -> list[int]:
    """The ids of ``centers_of(user)``, to write into a query as values: no sub-query for
    PostgreSQL to plan in every visibility query, and in a request no query at all."""
    kind, roles = _CENTER_WORK
    return _organization_ids(user, kind, roles)


def agency_ids_of(user) -> list[int]:
    """The ids of ``agencies_of(user)``, like ``center_ids_of``."""
    kind, roles = _AGENCY_WORK
    return _organization_ids(user, kind, roles)


def group_of(organization: Organization) -> Group:
    return organization.group


# Reads that are logged. Each helper below decides access with the functions above (denied and
# missing: the same 404) and, once access is granted, writes the read's access-log row; a page
# that shows a client's information gets its client through one of them, so no view writes an
# access-log row itself (tests/test_access_log_helpers.py). The row is written when access is
# decided, so a form's POST is logged like its GET.


def memberships_for_request(request) -> list[tuple[Organization, str]]:
    """The user's memberships as (organization, role), read once per request in one query:
    the navigation, the send flow, the client page's "Refer" buttons and the visibility
    queries' center and agency ids all ask about them."""
    memberships = request.__dict__.get("_cb_memberships")
    if memberships is None:
        user = request.user
        memberships = _memberships_of_user(user) if user.is_authenticated else []
        request.__dict__["_cb_memberships"] = memberships
    return memberships


def centers_for_request(request) -> list[Organization]:
    """``centers_of(request.user)``, read once per request."""
    kind, roles = _CENTER_WORK
    return _organizations_in(memberships_for_request(request), kind=kind, roles=roles)


def agencies_for_request(request) -> list[Organization]:
    """``agencies_of(request.user)``, read once per request."""
    kind, roles = _AGENCY_WORK
    return _organizations_in(memberships_for_request(request), kind=kind, roles=roles)


def is_program_manager_for_request(request) -> bool:
    """The user is a program manager (of any organization), from the request's memberships."""
    return any(role == Role.PROGRAM_MANAGER for _org, role in memberships_for_request(request))


def works_at_center(request, center_id) -> bool:
    """The user is a navigator (or organization admin) of that center."""
    return any(center.pk == center_id for center in centers_for_request(request))


def _log_client_read(request, client: Client, *, object_type: str, object_id: int) -> None:
    access_log_append(
        user=request.user,
        organization=client.center,
        object_type=object_type,
        object_id=object_id,
        client_id=client.pk,
        action=AccessAction.VIEW,
    )


def client_for_read(
    request,
    pk,
    *,
    level: AccessLevel = AccessLevel.VIEW,
    own_center: bool = False,
    purpose: str = "client",
) -> Client:
    """The client, for a page that shows their information, with a ``view`` row logged.

    404 without a grant at ``level``, and with ``own_center`` also unless the user works at the
    client's center (sending a referral and the disclosure report are the center's). ``purpose``
    is the logged object type: "client", or "disclosure_report" for the report about them.
    """
    client = get_client_or_404(user=request.user, pk=pk, level=level)
    if own_center and not works_at_center(request, client.center_id):
        raise Http404
    _log_client_read(request, client, object_type=purpose, object_id=client.pk)
    return client


def _child_pk(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def intake_for_read(request, pk, intake_pk, *, level: AccessLevel = AccessLevel.VIEW):
    """The client and one of their intake interviews (404 if it is not theirs), logged as a read
    of the intake."""
    client = get_client_or_404(user=request.user, pk=pk, level=level)
    intake = client.intakes.filter(pk=_child_pk(intake_pk)).first()
    if intake is None:
        raise Http404
    _log_client_read(request, client, object_type="intake", object_id=intake.pk)
    return client, intake


def latest_intake_for_read(request, pk, *, level: AccessLevel = AccessLevel.VIEW):
    """The client and their latest intake (None if there is none), logged as a read of that
    intake, or of the client when there is none (its answers are what the page shows)."""
    client = get_client_or_404(user=request.user, pk=pk, level=level)
    intake = client.intakes.order_by("-interview_date", "-id").first()
    if intake is None:
        _log_client_read(request, client, object_type="client", object_id=client.pk)
    else:
        _log_client_read(request, client, object_type="intake", object_id=intake.pk)
    return client, intake


def household_member_for_read(request, pk, member_pk, *, level: AccessLevel = AccessLevel.EDIT):
    """The client and one of their household members (404 if not theirs), logged as a read of
    the member."""
    client = get_client_or_404(user=request.user, pk=pk, level=level)
    member = client.household.filter(pk=_child_pk(member_pk)).first()
    if member is None:
        raise Http404
    _log_client_read(request, client, object_type="household_member", object_id=member.pk)
    return client, member
