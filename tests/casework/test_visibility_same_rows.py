"""Issue 15: the index-shaped visibility queries return exactly the rows the guardian
formulation returned, for every persona, over revoked and expired consents, cancelled
referrals, edited consents, grants left behind, direct user grants and global permissions.

The reference below is the formulation the app used before (guardian's
``get_objects_for_user`` joined to the consent), kept here on purpose."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_objects_for_user

from casework import services
from casework.access import (
    AccessLevel,
    agencies_of,
    centers_of,
    clients_visible_count,
    clients_visible_to,
    grant_client_to_center,
)
from casework.models import Client, Consent, Organization, Role
from referrals.access import referrals_received_by, referrals_sent_by, referrals_visible_to
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_send, referral_transition, referrals_end_expired_access
from tests.factories import ClientFactory, ConsentFactory, ProgramFactory, UserFactory
from tests.referrals.referral_helpers import move_to, program_x, send
from tests.visibility_reference import reference_clients, reference_referrals

pytestmark = pytest.mark.django_db


# The county in miniature --------------------------------------------------------------------


def _member(username, org, role):
    user = UserFactory(username=username)
    services.membership_create(user=user, organization=org, role=role)
    return user


@pytest.fixture
def county(personas):
    p = personas
    nav_a = p.navigator_a
    program_y = ProgramFactory(agency=p.agency_y, name="Tenant rights clinic")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    def client_of(center, navigator, recipients, **consent):
        client = ClientFactory(center=center, created_by=navigator)
        ConsentFactory(client=client, recorded_by=navigator, recipients=recipients, **consent)
        return client

    # Center A's clients, referred to X and Y in every status.
    rosa = client_of(p.center_a, nav_a, [p.agency_x, p.agency_y])
    for status in ReferralStatus:
        move_to(p, send(p, rosa), status)
    send(p, rosa, program=program_y)

    # Revoked through the service (grants removed) ...
    revoked = client_of(p.center_a, nav_a, [p.agency_x])
    send(p, revoked)
    services.consent_revoke(actor=nav_a, consent=revoked.consents.get(), note="Asked us to stop")
    # ... and revoked with the grant left behind (the read must still hide it).
    revoked_row = client_of(p.center_a, nav_a, [p.agency_x])
    send(p, revoked_row)
    Consent.objects.filter(client=revoked_row).update(revoked_at=timezone.now())

    # Expired yesterday (expiry is checked on every read; the grant stays).
    expired = client_of(p.center_a, nav_a, [p.agency_x, p.agency_y])
    send(p, expired)
    send(p, expired, program=program_y)
    Consent.objects.filter(client=expired).update(
        given_on=yesterday - datetime.timedelta(days=365), expires_on=yesterday
    )
    # Not yet in force (given tomorrow).
    future = client_of(p.center_a, nav_a, [p.agency_x])
    send(p, future)
    Consent.objects.filter(client=future).update(given_on=yesterday + datetime.timedelta(days=2))

    # An edit removed Y from the consent without touching the grant.
    edited = client_of(p.center_a, nav_a, [p.agency_x, p.agency_y])
    send(p, edited, program=program_y)
    send(p, edited)
    edited.consents.get().recipients.remove(p.agency_y)

    # Cancelled with the agency's grant left behind.
    stale = client_of(p.center_a, nav_a, [p.agency_x])
    Referral.objects.filter(pk=send(p, stale).pk).update(status=ReferralStatus.CANCELLED)

    # Center B's client, sent to Y by navigator B; and one of A's clients granted to B as well.
    tuan = client_of(p.center_b, p.navigator_b, [p.agency_y])
    referral_send(
        actor=p.navigator_b,
        client=tuan,
        program=program_y,
        need_category="housing",
        urgency="routine",
        reason="Eviction notice.",
        note_to_agency="",
    )
    grant_client_to_center(client=rosa, center=p.center_b)
    # Center B's client sent to X, then cancelled by B: hidden from X's staff, but still in the
    # inbox of whoever also works at B (its sender), as a referral they may open.
    kim = client_of(p.center_b, p.navigator_b, [p.agency_x])
    to_x = referral_send(
        actor=p.navigator_b,
        client=kim,
        program=program_x(p),
        need_category="food",
        urgency="routine",
        reason="Lost work hours.",
        note_to_agency="",
    )
    referral_transition(referral=to_x, actor=p.navigator_b, action="cancel")

    # More people: organization admins, someone on both sides, a direct (user) grant, global
    # model permissions (never count), a superuser, a member of a deactivated agency.
    people = dict(p.all_users)
    people["center_admin_a"] = _member("center_admin_a", p.center_a, Role.ORG_ADMIN)
    people["partner_admin_x"] = _member("partner_admin_x", p.agency_x, Role.ORG_ADMIN)
    both = _member("both_sides", p.center_b, Role.NAVIGATOR)
    services.membership_create(user=both, organization=p.agency_x, role=Role.PARTNER_STAFF)
    people["navigator_b_and_partner_x"] = both
    people["manager_at_center"] = _member("manager_at_center", p.center_a, Role.PROGRAM_MANAGER)

    direct = _member("direct_grants", p.center_b, Role.NAVIGATOR)
    direct.groups.clear()  # only the user-level grants below
    assign_perm("casework.view_client", direct, revoked)
    assign_perm("referrals.view_referral", direct, Referral.objects.filter(client=tuan).get())
    assign_perm("referrals.view_referral", direct, Referral.objects.filter(client=expired).first())
    people["direct_grants"] = direct
    # Group grants and own grants on the same client (counted once) and on another center's.
    overlap = _member("overlap", p.center_a, Role.NAVIGATOR)
    assign_perm("casework.view_client", overlap, Client.objects.filter(center=p.center_a)[0])
    assign_perm("casework.view_client", overlap, tuan)
    people["overlap"] = overlap

    global_perms = UserFactory(username="global_perms")
    global_perms.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_client", "view_referral", "change_client"])
    )
    people["global_perms"] = global_perms
    people["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)

    deactivated = Organization.objects.create(
        name="Closed Agency", slug="closed-agency", kind=p.agency_y.kind, is_active=True
    )
    closed_member = _member("closed_member", deactivated, Role.PARTNER_STAFF)
    closed_client = client_of(p.center_a, nav_a, [deactivated])
    referral_send(
        actor=nav_a,
        client=closed_client,
        program=ProgramFactory(agency=deactivated, name="Closed program"),
        need_category="food",
        urgency="routine",
        reason="r",
        note_to_agency="",
    )
    Organization.objects.filter(pk=deactivated.pk).update(is_active=False)
    people["member_of_deactivated_agency"] = closed_member
    return people


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _ids(qs):
    return list(qs.values_list("pk", flat=True))


def test_the_county_has_every_case(county, personas):
    """The fixture holds what the comparison must cover (else the test below proves little)."""
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    assert Consent.objects.filter(revoked_at__isnull=False).count() == 2
    assert Consent.objects.filter(expires_on__lt=timezone.localdate()).exists()
    # The stale grants are really there: the reference must filter them out itself.
    partner_x = _fresh(personas.partner_x)
    granted = get_objects_for_user(
        partner_x,
        "referrals.view_referral",
        klass=Referral,
        accept_global_perms=False,
        with_superuser=False,
    )
    assert granted.count() > reference_referrals(partner_x).count()


def test_same_rows_as_the_guardian_formulation(county):
    assert len(county) == 15  # the six personas and nine more kinds of user
    for name in county:
        _assert_same_rows(_fresh(county[name]), name)


def test_same_rows_after_the_agency_grants_of_expired_consents_end(county):
    """The nightly task removes grants that reads already looked past: nobody's rows change."""
    assert referrals_end_expired_access() > 0
    for name in county:
        _assert_same_rows(_fresh(county[name]), name)


def _assert_same_rows(user, name):
    for level in AccessLevel:
        if level == AccessLevel.NONE:
            continue
        reference_ids = _ids(reference_clients(user, level))
        assert _ids(clients_visible_to(user=user, level=level)) == reference_ids, (name, level)
        # The client list's total, counted from the grants alone.
        assert clients_visible_count(user=user, level=level) == len(reference_ids), (name, level)
        # Asked about known ids (one client's page, the dashboard's recent ones): a probe per
        # id, the same answer for every client of the county, seen or not.
        every_client = list(Client.objects.order_by("pk").values_list("pk", flat=True))
        assert _ids(clients_visible_to(user=user, level=level, among=every_client)) == (
            reference_ids
        ), (name, level)
        for pk in every_client:
            assert _ids(clients_visible_to(user=user, level=level, among=[pk])) == [
                c for c in reference_ids if c == pk
            ], (name, level, pk)
    reference = reference_referrals(user)
    assert _ids(referrals_visible_to(user=user)) == _ids(reference), name
    assert _ids(referrals_received_by(user=user)) == _ids(
        reference.filter(agency__in=agencies_of(user))
    ), name
    sent = _ids(reference.filter(sending_center__in=centers_of(user)))
    assert _ids(referrals_sent_by(user=user)) == sent, name
    assert _ids(referrals_sent_by(user=user, probe=True)) == sent, name  # the dashboard's walk
    # Narrowed the way pages narrow them (one object, one client) the rows stay the same.
    for referral in Referral.objects.all():
        assert _ids(referrals_visible_to(user=user).filter(pk=referral.pk)) == _ids(
            reference.filter(pk=referral.pk)
        ), (name, referral.pk)
        assert _ids(referrals_visible_to(user=user).filter(client=referral.client_id)) == _ids(
            reference.filter(client=referral.client_id)
        ), (name, referral.pk)


def test_each_persona_sees_what_the_design_says(county, personas):
    """Not only equal to the reference: the figures a user would notice."""
    p = personas
    partner_x = _fresh(p.partner_x)
    visible = referrals_visible_to(user=partner_x)
    # X sees its live referrals only: not cancelled, not under revoked/expired/future consent.
    assert not visible.filter(status=ReferralStatus.CANCELLED).exists()
    assert not visible.filter(consent__revoked_at__isnull=False).exists()
    assert not visible.filter(consent__expires_on__lt=timezone.localdate()).exists()
    assert visible.exists()
    # B's referral to X, cancelled by B: in the inbox of the person at both B and X only.
    cancelled_by_b = Referral.objects.get(client__center=p.center_b, agency=p.agency_x)
    both = _fresh(county["navigator_b_and_partner_x"])
    assert referrals_received_by(user=both).filter(pk=cancelled_by_b.pk).exists()
    assert not referrals_received_by(user=partner_x).filter(pk=cancelled_by_b.pk).exists()
    navigator_a = _fresh(p.navigator_a)
    assert referrals_sent_by(user=navigator_a).filter(status=ReferralStatus.CANCELLED).exists()
    assert not referrals_visible_to(user=_fresh(county["global_perms"])).exists()
    assert not clients_visible_to(user=_fresh(county["superuser"])).exists()
    revoked_client = Client.objects.get(consents__revocation_note="Asked us to stop")
    assert _ids(clients_visible_to(user=_fresh(county["direct_grants"]))) == [revoked_client.pk]
    assert not referrals_received_by(user=_fresh(county["member_of_deactivated_agency"])).exists()
