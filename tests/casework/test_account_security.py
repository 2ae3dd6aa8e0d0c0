"""Issue 9, "Staff sign-in": optional TOTP two-factor (required for roles by a setting) and
self-service password reset by email."""

import datetime
import re
from base64 import b32decode

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client as DjangoClient
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import User
from tests.conftest import login
from tests.personas import PASSWORD

LOGIN_URL = reverse("login")
SETUP_URL = reverse("two_factor_setup")
VERIFY_URL = reverse("two_factor_verify")
RESET_URL = reverse("password_reset")


def _sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def _code(secret_hex: str) -> str:
    return f"{TOTP(bytes.fromhex(secret_hex)).token():06d}"


def _secret_from_page(page: str) -> str:
    """The key shown as text, as the user would type it into their app."""
    typed = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return b32decode(typed).hex()


def _next_step():
    """30 s later: the app shows a new code (a code is accepted once)."""
    return time_machine.travel(
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=31), tick=False
    )


def _enrol(client) -> str:
    page = client.get(SETUP_URL).content.decode()
    secret = _secret_from_page(page)
    response = client.post(SETUP_URL, {"token": _code(secret)})
    assert response.status_code == 302
    return secret


# Set-up ---------------------------------------------------------------------------------------


def test_user_turns_two_factor_on_with_the_shown_key(client, personas):
    login(client, personas.navigator_a)
    page = client.get(SETUP_URL).content.decode()
    assert "<svg" in page  # the QR code
    assert "Two-factor sign-in is off." in page
    assert not TOTPDevice.objects.exists()  # nothing stored until a code confirms it

    secret = _secret_from_page(page)
    response = client.post(SETUP_URL, {"token": _code(secret)})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=personas.navigator_a)
    assert device.confirmed
    assert device.key == secret
    page = client.get(SETUP_URL).content.decode()
    assert "Two-factor sign-in is on for your account." in page
    history = device.history.get()
    assert history.history_user == personas.navigator_a
    assert not hasattr(history, "key")  # the secret is not copied into history


def test_a_wrong_code_turns_nothing_on(client, personas):
    login(client, personas.navigator_a)
    page = client.get(SETUP_URL).content.decode()
    secret = _secret_from_page(page)
    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP_URL, {"token": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    response = client.post(SETUP_URL, {"token": "١٢٣٤٥٦"})  # Arabic-Indic digits
    assert "Enter the 6 digits your app shows" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_sign_in_asks_for_the_code_after_the_password(client, personas):
    login(client, personas.navigator_a)
    secret = _enrol(client)
    client.post(reverse("logout"))

    response = _sign_in(client, "nav_a")
    assert response.status_code == 302
    dashboard = client.get(reverse("casework:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard.url.startswith(VERIFY_URL)
    # Client pages, htmx fragments and files are all closed until the code is given.
    assert client.get(reverse("casework:client_list")).status_code == 302
    hx = client.get(reverse("casework:client_list"), HTTP_HX_REQUEST="true")
    assert hx.status_code == 204
    assert hx["HX-Redirect"] == VERIFY_URL

    # The code used at set-up is not accepted again (replay).
    response = client.post(VERIFY_URL, {"token": _code(secret)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("casework:dashboard")).status_code == 302

    with _next_step():
        response = client.post(VERIFY_URL, {"token": _code(secret), "next": "/clients/"})
        assert response.status_code == 302
        assert response.url == "/clients/"
        assert client.get(reverse("casework:dashboard")).status_code == 200


def test_verify_refuses_an_offsite_next(client, personas):
    login(client, personas.navigator_a)
    secret = _enrol(client)
    client.post(reverse("logout"))
    _sign_in(client, "nav_a")
    with _next_step():
        response = client.post(
            VERIFY_URL, {"token": _code(secret), "next": "https://evil.example/"}
        )
    assert response.url == reverse("casework:dashboard")


def test_a_user_without_two_factor_is_not_asked(client, personas):
    _sign_in(client, "nav_a")
    assert client.get(reverse("casework:dashboard")).status_code == 200
    assert client.get(VERIFY_URL).url == reverse("casework:dashboard")  # nothing to verify


def test_the_gate_costs_no_query_per_page(client, personas):
    """What a session needs is decided at sign-in: pages run the same queries as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _sign_in(client, "nav_a")
    url = reverse("casework:client_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [q for q in queries.captured_queries if "otp_totp" in q["sql"]]


def test_a_device_removed_by_an_administrator_frees_the_session(client, personas):
    login(client, personas.navigator_a)
    _enrol(client)
    client.post(reverse("logout"))
    _sign_in(client, "nav_a")
    assert client.get(reverse("casework:dashboard")).url.startswith(VERIFY_URL)
    TOTPDevice.objects.filter(user=personas.navigator_a).delete()  # lost phone: admin removes
    response = client.get(VERIFY_URL)
    assert response.url == reverse("casework:dashboard")
    assert client.get(reverse("casework:dashboard")).status_code == 200


@pytest.mark.parametrize("persona", ["manager", "navigator_a"])
def test_required_roles_must_set_it_up(client, personas, settings, persona):
    settings.REQUIRE_2FA_FOR_ROLES = ["program_manager", "org_admin", "staff"]
    user = getattr(personas, persona)
    _sign_in(client, user.username)
    response = client.get(reverse("casework:dashboard"))
    if persona == "navigator_a":  # not a required role: optional, not forced
        assert response.status_code == 200
        return
    assert response.status_code == 302
    assert response.url.startswith(SETUP_URL)
    assert client.get(reverse("reports:dashboard")).url.startswith(SETUP_URL)
    page = client.get(SETUP_URL).content.decode()
    assert "Your role requires two-factor sign-in." in page
    _enrol(client)
    assert client.get(reverse("reports:dashboard")).status_code == 200
    # Required: it cannot be turned off.
    client.post(reverse("two_factor_remove"))
    assert TOTPDevice.objects.filter(user=user).exists()


def test_admin_users_are_required_when_staff_is_listed(client, personas, settings):
    settings.REQUIRE_2FA_FOR_ROLES = ["staff"]
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    _sign_in(client, "root")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(SETUP_URL)


def test_optional_two_factor_can_be_turned_off(client, personas):
    login(client, personas.partner_x)
    _enrol(client)
    response = client.post(reverse("two_factor_remove"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.partner_x).exists()
    assert TOTPDevice.history.filter(history_type="-").get().history_user == personas.partner_x


def test_another_users_code_does_not_verify(client, personas):
    """Wrong persona: partner_x's device cannot verify navigator_a's session."""
    other = login(DjangoClient(), personas.partner_x)
    other_secret = _enrol(other)
    login(client, personas.navigator_a)
    _enrol(client)
    client.post(reverse("logout"))
    _sign_in(client, "nav_a")
    response = client.post(VERIFY_URL, {"token": _code(other_secret)})
    assert response.status_code == 200
    assert client.get(reverse("casework:dashboard")).status_code == 302


def test_pages_need_a_signed_in_user(client, db):
    for url in (SETUP_URL, VERIFY_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN_URL)


# Password reset --------------------------------------------------------------------------------


def _link(message) -> str:
    return re.search(r"https?://\S+/account/password-reset/\S+/\S+/", message.body).group(0)


def test_reset_by_email_sets_a_new_password(client, personas, settings):
    settings.SITE_URL = "https://casebridge.example.org"
    response = client.post(RESET_URL, {"email": "nav_a@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    assert link.startswith("https://casebridge.example.org/")  # SITE_URL, not the Host header
    path = link.removeprefix("https://casebridge.example.org")
    response = client.get(path)
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response.url
    new = "a brand new long passphrase 42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    assert _sign_in(DjangoClient(), "nav_a", new).status_code == 302
    # Through the user service: the account's history names its owner, and holds no hash.
    latest = personas.navigator_a.history.latest()
    assert latest.history_user == personas.navigator_a
    assert not hasattr(latest, "password")
    # The link works once.
    again = client.get(path, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_reset_answers_the_same_for_unknown_addresses(client, personas):
    known = client.post(RESET_URL, {"email": "nav_a@example.org"})
    unknown = client.post(RESET_URL, {"email": "nobody@example.org"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert [m.to for m in mail.outbox] == [["nav_a@example.org"]]
    page = client.get(known.url).content.decode()
    assert "If that address belongs to a Casebridge account" in page


def test_a_wrong_or_expired_token_changes_nothing(client, personas, settings):
    client.post(RESET_URL, {"email": "nav_a@example.org"})
    path = "/" + _link(mail.outbox[0]).split("/", 3)[3]
    uid = path.split("/")[-3]
    bad = client.get(f"/account/password-reset/{uid}/abc-0123456789abcdef/", follow=True)
    assert "This link no longer works" in bad.content.decode()

    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )
    with time_machine.travel(later, tick=False):
        expired = client.get(path, follow=True)
    assert "This link no longer works" in expired.content.decode()
    assert _sign_in(DjangoClient(), "nav_a").status_code == 302  # old password still works


def test_reset_is_rate_limited(client, personas, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "password_reset": "3/h"}
    codes = [client.post(RESET_URL, {"email": f"n{n}@example.org"}).status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    # Per email too, whatever the address it comes from.
    codes = [
        DjangoClient(REMOTE_ADDR=f"198.51.100.{n}")
        .post(RESET_URL, {"email": "nav_b@example.org"})
        .status_code
        for n in range(4)
    ]
    assert codes == [302, 302, 302, 429]


def test_reset_lifts_the_sign_in_lockout(client, personas):
    for _ in range(5):
        _sign_in(client, "nav_a", "wrong")
    assert _sign_in(client, "nav_a").status_code == 429  # locked out
    client.post(RESET_URL, {"email": "nav_a@example.org"})
    response = client.get("/" + _link(mail.outbox[0]).split("/", 3)[3])
    new = "another long passphrase 77"
    client.post(response.url, {"new_password1": new, "new_password2": new})
    assert not AccessAttempt.objects.filter(username="nav_a").exists()
    assert _sign_in(client, "nav_a", new).status_code == 302


def test_reset_of_an_account_with_two_factor_still_asks_for_the_code(client, personas):
    login(client, personas.navigator_a)
    _enrol(client)
    client.post(reverse("logout"))
    client.post(RESET_URL, {"email": "nav_a@example.org"})
    response = client.get("/" + _link(mail.outbox[0]).split("/", 3)[3])
    new = "another long passphrase 78"
    client.post(response.url, {"new_password1": new, "new_password2": new})
    _sign_in(client, "nav_a", new)
    assert client.get(reverse("casework:dashboard")).url.startswith(VERIFY_URL)
