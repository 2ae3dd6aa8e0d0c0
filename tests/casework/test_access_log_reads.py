"""Every read of client information is logged (issue 9, findings 7 and 8)."""

import pytest
from django.urls import reverse

from casework import services
from casework.models import AccessLogEntry
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def pages(client_a):
    intake = client_a.intakes.get()
    member = services.household_member_add(
        actor=client_a.created_by, client=client_a, name="Ana", relationship="child", age=7
    )
    return {
        "client edit": (
            reverse("casework:client_update", args=[client_a.pk]),
            "client",
            client_a.pk,
        ),
        "intake edit": (
            reverse("casework:intake_update", args=[client_a.pk, intake.pk]),
            "intake",
            intake.pk,
        ),
        "household add": (
            reverse("casework:household_member_create", args=[client_a.pk]),
            "client",
            client_a.pk,
        ),
        "household edit": (
            reverse("casework:household_member_update", args=[client_a.pk, member.pk]),
            "household_member",
            member.pk,
        ),
        "consent form": (
            reverse("casework:consent_create", args=[client_a.pk]),
            "client",
            client_a.pk,
        ),
        "send page": (reverse("referrals:send", args=[client_a.pk]), "client", client_a.pk),
        "disclosures": (
            reverse("referrals:client_disclosures", args=[client_a.pk]),
            "disclosure_report",
            client_a.pk,
        ),
    }


@pytest.mark.parametrize(
    "page",
    [
        "client edit",
        "intake edit",
        "household add",
        "household edit",
        "consent form",
        "send page",
        "disclosures",
    ],
)
def test_each_page_showing_client_data_writes_one_row(client, personas, client_a, page):
    url, object_type, object_id = pages(client_a)[page]
    login(client, personas.navigator_a)
    assert client.get(url).status_code == 200

    row = AccessLogEntry.objects.get()
    assert (row.user, row.organization, row.action) == (
        personas.navigator_a,
        personas.center_a,
        "view",
    )
    assert (row.object_type, row.object_id, row.client_id) == (object_type, object_id, client_a.pk)
    # The wrong persona gets 404 and writes nothing.
    login(client, personas.navigator_b)
    assert client.get(url).status_code == 404
    assert AccessLogEntry.objects.count() == 1


def test_client_search_logs_each_client_listed(client, personas, client_a):
    login(client, personas.navigator_a)
    response = client.get(reverse("casework:client_list"), {"q": "Martinez"})
    assert response.status_code == 200 and "Martinez" in response.content.decode()
    row = AccessLogEntry.objects.get()
    assert (row.action, row.object_type, row.client_id, row.organization) == (
        "search",
        "client",
        client_a.pk,
        personas.center_a,
    )
    # A search that lists nobody logs nobody.
    client.get(reverse("casework:client_list"), {"q": "Zzyzx"})
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "object_type"),
    [
        ("casework_client", "client"),
        ("casework_consent", "consent"),
        ("referrals_referral", "referral"),
    ],
)
def test_admin_change_pages_are_logged(client, personas, name, object_type):
    from tests.referrals.packet_helpers import make_referral

    referral = make_referral(personas)
    obj = {"client": referral.client, "consent": referral.consent, "referral": referral}[
        object_type
    ]
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    login(client, admin)
    assert client.get(reverse(f"admin:{name}_change", args=[obj.pk])).status_code == 200
    row = AccessLogEntry.objects.get()
    assert (row.user, row.object_type, row.object_id, row.client_id) == (
        admin,
        object_type,
        obj.pk,
        referral.client_id,
    )


def test_request_id_is_generated_by_the_server(client, personas, client_a):
    login(client, personas.navigator_a)
    url = reverse("casework:client_detail", args=[client_a.pk])
    response = client.get(url, headers={"X-Request-ID": "forged-id-123"})
    row = AccessLogEntry.objects.get()
    assert row.request_id != "forged-id-123" and len(row.request_id) == 32
    assert row.client_request_id == "forged-id-123"  # recorded beside it
    assert response["X-Request-ID"] == row.request_id
    # Two requests never share an id, whatever the client sends.
    client.get(url, headers={"X-Request-ID": "forged-id-123"})
    assert AccessLogEntry.objects.values("request_id").distinct().count() == 2


def test_unprintable_client_request_id_is_not_recorded(client, personas, client_a):
    login(client, personas.navigator_a)
    url = reverse("casework:client_detail", args=[client_a.pk])
    client.get(url, headers={"X-Request-ID": "x" * 65})
    client.get(url, headers={"X-Request-ID": "two words"})
    assert set(AccessLogEntry.objects.values_list("client_request_id", flat=True)) == {""}
