"""Every change of who may see what takes effect at once, however it is made (issue 9,
findings 2, 3, 4): admin saves and deletes go through the services with the admin as actor and
history recorded, and ``check_access`` finds no difference after each of them."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from casework.models import Client, Consent, Membership, Organization
from casework.models.permissions import ClientGroupObjectPermission
from referrals.models import PacketStatus
from referrals.models.referral import ReferralGroupObjectPermission
from referrals.packets.services import packet_render
from tests.conftest import login
from tests.factories import UserFactory

from .packet_helpers import make_referral

pytestmark = pytest.mark.django_db


def check_access_is_clean() -> None:
    out = io.StringIO()
    call_command("check_access", stdout=out)
    assert "match their sources" in out.getvalue()


def status(client, user, url) -> int:
    login(client, user)
    return client.get(url).status_code


def client_url(c) -> str:
    return reverse("casework:client_detail", args=[c.pk])


def referral_url(r) -> str:
    return reverse("referrals:detail", args=[r.reference_code])


def test_deleting_a_membership_in_the_admin_ends_access_at_once(
    client, admin, admin_user, personas
):
    referral = make_referral(personas)
    membership = Membership.objects.get(user=personas.navigator_a)
    url = reverse("admin:casework_membership_delete", args=[membership.pk])

    assert admin.post(url, {"post": "yes"}).status_code == 302

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert status(client, personas.navigator_a, client_url(referral.client)) == 404
    login(client, personas.navigator_a)
    note = client.post(
        reverse("casework:note_create", args=[referral.client.pk]), {"body": "still here?"}
    )
    assert note.status_code == 404
    deleted = Membership.history.filter(id=membership.pk, history_type="-").get()
    assert deleted.history_user == admin_user
    check_access_is_clean()


def test_adding_a_membership_in_the_admin_grants_access(client, admin, admin_user, personas):
    referral = make_referral(personas)
    newcomer = UserFactory(username="newcomer")
    assert status(client, newcomer, client_url(referral.client)) == 404

    login(client, admin_user)
    response = client.post(
        reverse("admin:casework_membership_add"),
        {"user": newcomer.pk, "organization": personas.center_a.pk, "role": "navigator"},
    )
    assert response.status_code == 302

    assert status(client, newcomer, client_url(referral.client)) == 200
    added = Membership.history.get(user_id=newcomer.pk, history_type="+")
    assert added.history_user == admin_user
    check_access_is_clean()


def test_changing_a_membership_role_in_the_admin(client, admin_user, personas):
    referral = make_referral(personas)
    membership = Membership.objects.get(user=personas.partner_x)
    login(client, admin_user)
    response = client.post(
        reverse("admin:casework_membership_change", args=[membership.pk]),
        {
            "user": personas.partner_x.pk,
            "organization": personas.agency_y.pk,
            "role": "partner_staff",
        },
    )
    assert response.status_code == 302

    assert status(client, personas.partner_x, referral_url(referral)) == 404
    assert Membership.history.filter(id=membership.pk).first().history_user == admin_user
    check_access_is_clean()


def test_membership_inline_delete_on_the_user_page(client, admin_user, personas):
    referral = make_referral(personas)
    membership = Membership.objects.get(user=personas.partner_x)
    user = personas.partner_x
    login(client, admin_user)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "language": "en",
        "phone": "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": membership.pk,
        "memberships-0-user": user.pk,
        "memberships-0-organization": personas.agency_x.pk,
        "memberships-0-role": "partner_staff",
        "memberships-0-DELETE": "on",
    }
    response = client.post(reverse("admin:casework_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert status(client, user, referral_url(referral)) == 404
    check_access_is_clean()


def consent_form(consent, **changes) -> dict:
    data = {
        "client": consent.client_id,
        "scopes": '["contact", "demographics", "intake", "notes"]',
        "recipients": [o.pk for o in consent.recipients.all()],
        "method": consent.method,
        "given_on": consent.given_on.isoformat(),
        "expires_on": consent.expires_on.isoformat(),
    }
    data.update(changes)
    return data


def test_removing_an_agency_from_a_consent_in_the_admin_ends_its_access(
    client, admin_user, personas
):
    referral = make_referral(personas, language="en")
    assert packet_render(referral_id=referral.pk)
    consent = referral.consent
    agency_pdf = reverse("referrals:packet_file", args=[referral.reference_code, "agency"])
    assert status(client, personas.partner_x, agency_pdf) == 200

    login(client, admin_user)
    url = reverse("admin:casework_consent_change", args=[consent.pk])
    response = client.post(url, consent_form(consent, recipients=[personas.agency_y.pk]))
    assert response.status_code == 302

    assert status(client, personas.partner_x, referral_url(referral)) == 404
    assert status(client, personas.partner_x, agency_pdf) == 404
    login(client, personas.partner_x)
    accept = reverse("referrals:act", args=[referral.reference_code, "accept"])
    assert client.post(accept, {}).status_code == 404
    assert not ReferralGroupObjectPermission.objects.filter(
        content_object=referral, group=personas.agency_x.group
    ).exists()
    assert consent.history.first().history_user == admin_user
    check_access_is_clean()


def test_shrinking_scopes_in_the_admin_rerenders_the_packet(client, admin_user, personas):
    referral = make_referral(personas, language="en")
    assert packet_render(referral_id=referral.pk)
    referral.refresh_from_db()
    assert "phone" in referral.packet_disclosed

    login(client, admin_user)
    url = reverse("admin:casework_consent_change", args=[referral.consent.pk])
    response = client.post(url, consent_form(referral.consent, scopes='["notes"]'))
    assert response.status_code == 302

    referral.refresh_from_db()
    assert referral.packet_status == PacketStatus.PENDING  # old files are no longer served
    agency_pdf = reverse("referrals:packet_file", args=[referral.reference_code, "agency"])
    assert status(client, personas.partner_x, agency_pdf) == 404
    assert packet_render(referral_id=referral.pk)
    referral.refresh_from_db()
    assert "phone" not in referral.packet_disclosed
    assert status(client, personas.partner_x, agency_pdf) == 200
    check_access_is_clean()


def test_revoking_in_the_admin(client, admin_user, personas):
    referral = make_referral(personas)
    login(client, admin_user)
    response = client.post(
        reverse("admin:casework_consent_changelist"),
        {"action": "revoke", "_selected_action": [referral.consent.pk]},
    )
    assert response.status_code == 302
    consent = Consent.objects.get(pk=referral.consent.pk)
    assert consent.revoked_at is not None and consent.revoked_by == admin_user
    assert status(client, personas.partner_x, referral_url(referral)) == 404
    check_access_is_clean()


def test_moving_a_client_to_another_center_in_the_admin_moves_access(client, admin_user, personas):
    referral = make_referral(personas)
    rosa = referral.client
    login(client, admin_user)
    data = {
        "legal_first_name": rosa.legal_first_name,
        "legal_last_name": rosa.legal_last_name,
        "preferred_name": "",
        "date_of_birth": rosa.date_of_birth.isoformat(),
        "phone": str(rosa.phone),
        "email": rosa.email,
        "address_line1": rosa.address_line1,
        "address_line2": "",
        "city": rosa.city,
        "zip_code": rosa.zip_code,
        "preferred_language": rosa.preferred_language,
        "center": personas.center_b.pk,
        "household-TOTAL_FORMS": "0",
        "household-INITIAL_FORMS": "0",
        "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:casework_client_change", args=[rosa.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    assert Client.objects.get(pk=rosa.pk).center == personas.center_b
    assert status(client, personas.navigator_a, client_url(rosa)) == 404
    assert status(client, personas.navigator_b, client_url(rosa)) == 200
    assert rosa.history.first().history_user == admin_user
    check_access_is_clean()


def test_check_access_detects_and_repairs_planted_differences(personas):
    referral = make_referral(personas)
    check_access_is_clean()
    # Plant three differences: a stray group member, a missing client grant, a leftover
    # agency grant after the consent stopped naming the agency (written behind the services).
    personas.outsider.groups.add(personas.center_a.group)
    ClientGroupObjectPermission.objects.filter(content_object=referral.client).delete()
    Consent.recipients.through.objects.filter(consent=referral.consent).delete()

    out = io.StringIO()
    with pytest.raises(CommandError, match="differences found"):
        call_command("check_access", stdout=out)
    report = out.getvalue()
    assert f"extra group member: user {personas.outsider.pk} in org:northside" in report
    assert f"missing client grant: view_client on client {referral.client.pk}" in report
    assert f"extra referral grant: view_referral on referral {referral.pk} for org:agency-x" in (
        report
    )

    call_command("check_access", "--fix", stdout=io.StringIO())
    check_access_is_clean()
    assert not personas.outsider.groups.exists()


def test_consent_naming_two_agencies_lists_each_referral_once(personas):
    from casework.services import consent_update
    from referrals.access import referrals_visible_to

    referral = make_referral(personas)
    consent_update(
        actor=personas.navigator_a,
        consent=referral.consent,
        recipients=[personas.agency_x, personas.agency_y],
    )
    assert list(referrals_visible_to(user=personas.navigator_a)) == [referral]
    assert list(referrals_visible_to(user=personas.partner_x)) == [referral]
    assert not referrals_visible_to(user=personas.partner_y).exists()  # not its referral
    check_access_is_clean()


def test_consent_update_through_the_service_ends_a_removed_agencys_access(client, personas):
    from casework.services import consent_update

    referral = make_referral(personas)
    assert status(client, personas.partner_x, referral_url(referral)) == 200
    consent_update(
        actor=personas.navigator_a, consent=referral.consent, recipients=[personas.agency_y]
    )
    assert status(client, personas.partner_x, referral_url(referral)) == 404
    # Naming the agency again restores its access, and the grant with it.
    consent_update(
        actor=personas.navigator_a, consent=referral.consent, recipients=[personas.agency_x]
    )
    assert status(client, personas.partner_x, referral_url(referral)) == 200
    check_access_is_clean()


# Organizations and programs in the admin ---------------------------------------------------


def organization_change(client, admin_user, organization, **changes):
    from tests.admin_forms import admin_form_data

    login(client, admin_user)
    url = reverse("admin:casework_organization_change", args=[organization.pk])
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, admin_form_data(page, **changes))


def test_editing_an_organization_in_the_admin_records_the_admin(client, admin_user, personas):
    make_referral(personas)
    response = organization_change(
        client, admin_user, personas.agency_x, phone="+1 408 555 0199", slug="agency-x-food"
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    agency = Organization.objects.get(pk=personas.agency_x.pk)
    assert agency.phone == "+1 408 555 0199"
    assert agency.group.name == "org:agency-x-food"  # the permission group follows the name
    row = agency.history.first()
    assert (row.history_user, row.history_type, row.phone) == (admin_user, "~", agency.phone)
    check_access_is_clean()


def test_an_organization_in_use_keeps_its_kind(client, admin_user, personas):
    referral = make_referral(personas)
    response = organization_change(client, admin_user, personas.agency_x, kind="community_center")

    assert response.status_code == 200
    assert "its kind cannot change" in response.content.decode()
    assert Organization.objects.get(pk=personas.agency_x.pk).kind == "partner_agency"
    assert status(client, personas.partner_x, referral_url(referral)) == 200
    check_access_is_clean()


def test_adding_an_organization_with_a_member_in_the_admin(client, admin_user, personas):
    newcomer = UserFactory(username="newcomer")
    login(client, admin_user)
    data = {
        "name": "Agency Z Housing",
        "slug": "agency-z",
        "kind": "partner_agency",
        "answer_channel": "portal_and_email",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-user": newcomer.pk,
        "memberships-0-role": "partner_staff",
    }
    response = client.post(reverse("admin:casework_organization_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    agency = Organization.objects.get(slug="agency-z")
    assert agency.group.name == "org:agency-z"
    assert list(newcomer.groups.all()) == [agency.group]
    assert agency.history.get(history_type="+").history_user == admin_user
    assert Membership.history.get(user_id=newcomer.pk).history_user == admin_user
    check_access_is_clean()


def test_deleting_an_organization_in_the_admin_ends_its_memberships(client, admin_user, personas):
    agency = personas.agency_y
    member = personas.partner_y
    group_id = agency.group_id
    login(client, admin_user)
    url = reverse("admin:casework_organization_delete", args=[agency.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302

    assert not Organization.objects.filter(pk=agency.pk).exists()
    assert not member.groups.filter(pk=group_id).exists()
    assert Organization.history.get(id=agency.pk, history_type="-").history_user == admin_user
    ended = Membership.history.get(user_id=member.pk, history_type="-")
    assert ended.history_user == admin_user
    check_access_is_clean()


def test_an_agency_with_referrals_cannot_be_deleted_in_the_admin(client, admin_user, personas):
    referral = make_referral(personas)
    login(client, admin_user)
    url = reverse("admin:casework_organization_delete", args=[personas.agency_x.pk])
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 200  # the page lists what protects it
    assert Organization.objects.filter(pk=personas.agency_x.pk).exists()
    assert status(client, personas.partner_x, referral_url(referral)) == 200
    check_access_is_clean()


def test_deleting_an_unused_program_in_the_admin_records_the_admin(client, admin_user, personas):
    from referrals.models import Program

    from .packet_helpers import make_program

    program = make_program(personas, name="Short-lived pilot")
    login(client, admin_user)
    url = reverse("admin:referrals_program_delete", args=[program.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302

    assert not Program.objects.filter(pk=program.pk).exists()
    assert Program.history.get(id=program.pk, history_type="-").history_user == admin_user
    check_access_is_clean()


def test_check_access_finds_members_of_an_organization_deleted_around_the_services(personas):
    group = personas.agency_y.group
    # A raw DELETE: the memberships cascade, the permission group and its members stay.
    Organization.objects.filter(pk=personas.agency_y.pk).delete()
    assert personas.partner_y.groups.filter(pk=group.pk).exists()

    out = io.StringIO()
    with pytest.raises(CommandError, match="differences found"):
        call_command("check_access", stdout=out)
    assert f"extra group member: user {personas.partner_y.pk} in org:agency-y" in out.getvalue()

    call_command("check_access", "--fix", stdout=io.StringIO())
    check_access_is_clean()
    assert not personas.partner_y.groups.exists()
