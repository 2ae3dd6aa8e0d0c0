"""Every page works at 390 px (a phone) and 800 px (a Chromebook or tablet): the header
collapses to a "Menu" button that opens the navigation, nothing is wider than the screen, and
axe finds no violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.referrals.referral_helpers import send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 800]
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The outermost elements that stick out on the right (for the failure message).
WIDE_JS = """() => {
  const limit = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getBoundingClientRect().right <= limit + 1) continue;
    if (el.parentElement && el.parentElement.getBoundingClientRect().right > limit + 1) continue;
    out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
  }
  return out.slice(0, 5);
}"""


def _check(page, path, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(path)
    assert page.evaluate(OVERFLOW_JS) <= 0, (path, width, page.evaluate(WIDE_JS))
    nav = page.get_by_role("navigation", name="Primary navigation")
    menu = page.get_by_role("button", name="Menu", exact=True)
    expect(menu).to_be_visible()
    expect(nav).to_be_hidden()
    menu.click()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    nav.get_by_role("button", name="Close the menu").click()
    expect(nav).to_be_hidden()
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_navigator_pages_fit_and_the_menu_opens(page, sign_in, personas, client_a, width):
    referral = send(personas, client_a)
    sign_in(personas.navigator_a)
    for path in (
        "/",
        "/clients/",
        f"/referrals/clients/{client_a.pk}/send/",
        f"/referrals/r/{referral.reference_code}/",
    ):
        _check(page, path, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_partner_pages_fit_and_the_menu_opens(page, sign_in, personas, client_a, width):
    referral = send(personas, client_a)
    sign_in(personas.partner_x)
    for path in ("/referrals/inbox/", f"/referrals/r/{referral.reference_code}/"):
        _check(page, path, width)
    # The navigation links work from the drawer.
    page.get_by_role("button", name="Menu", exact=True).click()
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Inbox"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Referral inbox")).to_be_visible()


def test_at_desktop_width_there_is_no_menu_button(page, sign_in, personas):
    sign_in(personas.navigator_a)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    expect(page.get_by_role("button", name="Menu", exact=True)).to_be_hidden()
    expect(page.get_by_role("navigation", name="Primary navigation")).to_be_visible()
