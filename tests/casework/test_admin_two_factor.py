"""Two-factor devices in the Django admin (issue 9, "every change ... however it is made"): an
administrator sees who has a device and removes a lost phone's, but never sees a secret key
(whoever did could sign in as the owner) and cannot add or edit devices; each removal records
who removed whose device."""

import pytest
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(personas):
    return TOTPDevice.objects.create(
        user=personas.navigator_a, name="Authenticator app", confirmed=True
    )


def test_the_admin_never_shows_the_secret_key(client, admin_user, device):
    login(client, admin_user)
    pages = [
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        reverse("admin:otp_totp_totpdevice_history", args=[device.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "nav_a" in page or "Maria" in page, url  # the device's owner is listed
        assert device.key not in page, url
        assert device.key.upper() not in page, url
    # django-otp's QR-code and configuration pages (which show the key) are gone.
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[device.pk])


def test_devices_cannot_be_added_or_edited_in_the_admin(client, admin_user, device, personas):
    login(client, admin_user)
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    response = client.post(
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        {"user": personas.partner_x.pk, "name": "mine now", "confirmed": "on", "key": "00" * 20},
    )
    assert response.status_code == 403
    device.refresh_from_db()
    assert (device.user, device.name) == (personas.navigator_a, "Authenticator app")


def test_removing_a_device_in_the_admin_records_who_removed_whose(
    client, admin_user, device, personas
):
    login(client, admin_user)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302

    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    removed = TOTPDevice.history.get(id=device.pk, history_type="-")
    assert removed.history_user == admin_user
    assert removed.user_id == personas.navigator_a.pk


def test_bulk_removal_goes_through_the_service_too(client, admin_user, device, personas):
    other = TOTPDevice.objects.create(user=personas.partner_x, name="Authenticator app")
    login(client, admin_user)
    response = client.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [device.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()
    removed = TOTPDevice.history.filter(history_type="-")
    assert {(r.user_id, r.history_user) for r in removed} == {
        (personas.navigator_a.pk, admin_user),
        (personas.partner_x.pk, admin_user),
    }
