"""Issue 15's consent form at county scale: the navigator finds an agency by typing part of its
name (the list updates as they type, the count is read out) and adds it, by keyboard only."""

import pytest
from playwright.sync_api import expect

from casework.models import Consent
from tests.browser.conftest import assert_accessible
from tests.factories import AgencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, locator, limit=80):
    """Presses Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {locator} with the Tab key")


def test_the_navigator_finds_and_adds_an_agency_by_keyboard(page, sign_in, personas, client_a):
    for n in range(30):
        AgencyFactory(name=f"Harbor Services {n:02d}", slug=f"harbor-{n}")
    sign_in(personas.navigator_a)
    page.goto(f"/clients/{client_a.pk}/consents/new/")
    expect(page.get_by_role("heading", level=1, name="Record consent")).to_be_visible()
    agencies = page.get_by_role("group", name="Agencies it may be shared with")
    expect(agencies.get_by_role("checkbox")).to_have_count(0)  # not one per agency
    expect(agencies).to_contain_text("No agency chosen yet.")
    assert_accessible(page)

    search = page.get_by_role("searchbox", name="Find an agency")
    status = page.locator("#agency-status")
    _tab_to(page, search)
    page.keyboard.type("legal")
    expect(status).to_have_text("1 agency matches “legal”.")
    expect(search).to_be_focused()  # the list changed under the box, the focus stayed
    # Enter searches again; it does not submit the consent.
    page.keyboard.press("Enter")
    expect(status).to_have_text("1 agency matches “legal”.")
    expect(page.get_by_text("Please fix the following")).to_have_count(0)
    assert_accessible(page)

    legal = agencies.get_by_role("checkbox", name="Agency Y Legal Aid")
    _tab_to(page, legal)
    page.keyboard.press("Space")
    expect(legal).to_be_checked()

    # A second search lists other agencies and keeps the one ticked.
    _tab_to(page, search)
    page.keyboard.press("Control+A")
    page.keyboard.type("harbor")
    expect(status).to_have_text(
        "More than 20 agencies match “harbor”: the first 20 are listed. "
        "Type more of the name to narrow the list."
    )
    expect(agencies.get_by_role("checkbox")).to_have_count(21)
    expect(legal).to_be_checked()
    page.keyboard.type(" services 2")
    expect(status).to_have_text("10 agencies match “harbor services 2”.")
    harbor = agencies.get_by_role("checkbox", name="Harbor Services 25")
    _tab_to(page, harbor)
    page.keyboard.press("Space")
    assert_accessible(page)  # desktop and 390 px

    scopes = page.get_by_role("group", name="Information the client agrees to share")
    _tab_to(page, scopes.get_by_role("checkbox").first)
    page.keyboard.press("Space")
    # Enter in a date field records the consent, as in any form (not the Search button, which
    # comes first in the form).
    _tab_to(page, page.get_by_label("Expires on", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    consent = Consent.objects.filter(client=client_a).order_by("-pk").first()
    assert {a.name for a in consent.recipients.all()} == {
        "Agency Y Legal Aid",
        "Harbor Services 25",
    }
