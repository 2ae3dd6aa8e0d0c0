"""Issue 13: an agency answers from the emailed link, without an account, and the navigator
sees the outcome. axe-core (WCAG 2.1 A/AA) on each page at desktop width and at 390 px."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from referrals.services import notifications
from tests.browser.test_languages import AXE, AXE_JS, WIDTHS
from tests.referrals.referral_helpers import send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY_ADDRESS = "intake@agency-x.example.org"


def _load_axe(page):
    # Through the DevTools protocol: the page's CSP (no inline script) does not apply to it.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Runtime.evaluate", {"expression": AXE.read_text()})
    cdp.detach()


def _axe(page, where: str, problems: list[str]):
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(50)
        _load_axe(page)
        problems.extend(f"{where} ({width_name}): {v}" for v in page.evaluate(AXE_JS))
    page.set_viewport_size({"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]})


def test_agency_answers_from_the_email_and_the_navigator_sees_the_outcome(
    page, sign_in, personas, client_a
):
    personas.agency_x.email = AGENCY_ADDRESS
    personas.agency_x.save(update_fields=["email"])
    referral = send(personas, client_a)
    mail.outbox.clear()
    notifications.notify_new_referral(referral.pk)
    (email,) = [m for m in mail.outbox if m.to == [AGENCY_ADDRESS]]
    url = re.search(r"https?://\S+(/referrals/answer/\S+/)", email.body)[1]
    problems: list[str] = []

    # The agency's coordinator opens the link: no sign-in.
    page.goto(url)
    expect(
        page.get_by_role("heading", level=1, name=re.compile(referral.reference_code))
    ).to_be_visible()
    expect(page.get_by_text("Rosa", exact=False).first).to_be_visible()
    _axe(page, "answer page", problems)
    accept = page.locator("form[data-action=accept]")
    accept.get_by_label("Note").fill("We will call on Monday.")
    accept.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("is now accepted")).to_be_visible()
    page.locator("form[data-action=start]").get_by_role("button", name="Start work").click()
    expect(page.get_by_text("is now in progress")).to_be_visible()
    complete = page.locator("form[data-action=complete]")
    complete.get_by_label("Outcome").select_option("got_help")
    complete.get_by_label("Note").fill("Enrolled in CalFresh.")
    complete.get_by_role("button", name="Complete").click()
    expect(page.get_by_text("is now completed")).to_be_visible()
    _axe(page, "answered page", problems)

    # The link no longer opens the closed referral.
    page.goto(url)
    expect(page.get_by_role("heading", level=1, name="This link does not work")).to_be_visible()
    _axe(page, "closed link page", problems)

    # The navigator sees the outcome and who gave it.
    sign_in(personas.navigator_a)
    page.goto(f"/referrals/r/{referral.reference_code}/")
    expect(page.locator(".cb-outcome")).to_contain_text("Got help")
    expect(page.get_by_text(f"{AGENCY_ADDRESS} (Agency X Food Bank)").first).to_be_visible()
    _axe(page, "navigator's referral page", problems)
    assert problems == []
