"""Issue 9, "Staff sign-in": a program manager whose role requires two-factor sign-in sets it
up in a real browser (under the Content-Security-Policy) and reaches the reports."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_required_manager_sets_up_two_factor_and_reaches_reports(page, sign_in, personas, settings):
    settings.REQUIRE_2FA_FOR_ROLES = ["program_manager"]
    sign_in(personas.manager)

    expect(page.get_by_role("heading", level=1, name="Two-factor sign-in")).to_be_visible()
    expect(page.get_by_text("Your role requires two-factor sign-in.")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    page.get_by_role("link", name="Reports").first.click()  # closed until set up
    expect(page.get_by_role("heading", level=1, name="Two-factor sign-in")).to_be_visible()

    typed = page.locator("#totp-secret").inner_text().replace(" ", "")
    code = f"{TOTP(b32decode(typed)).token():06d}"
    page.get_by_label("6-digit code from your authenticator app").fill(code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", level=1, name="Referral outcomes")).to_be_visible()
