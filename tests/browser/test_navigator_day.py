"""Issue 11's navigator journeys, with axe-core (WCAG 2.1 A/AA) on every page visited, at desktop
width and at 390 px:

- a navigator records an intake, lands on the suggestions, records consent inside the send flow
  and sends the referral;
- a navigator works the referral worklist and nudges an overdue agency;
- the same intake-to-referral journey at 390 px, by keyboard.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Referral
from tests.factories import ClientFactory, ConsentFactory, ProgramFactory
from tests.referrals.referral_helpers import send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def run_axe(page) -> list:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
    ]


def check_accessible(page) -> None:
    """Fails on any WCAG 2.1 A/AA violation, at desktop width and at 390 px."""
    size = page.viewport_size
    problems = []
    for name, viewport in (("desktop", DESKTOP), ("390 px", PHONE)):
        page.set_viewport_size(viewport)
        problems += [f"{page.url} at {name}: {v}" for v in run_axe(page)]
    page.set_viewport_size(size)
    assert not problems, "\n".join(problems)


def _rosa(personas):
    return ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name="Rosa",
        legal_last_name="Martinez",
        preferred_language="es",
    )


def _laptops(personas):
    return ProgramFactory(
        agency=personas.agency_x,
        name="Laptops for families",
        need_categories=["digital_access"],
        languages=["en", "es"],
    )


def test_navigator_records_an_intake_and_refers_with_consent_in_the_flow(page, sign_in, personas):
    rosa = _rosa(personas)
    program = _laptops(personas)
    page.set_viewport_size(DESKTOP)
    sign_in(personas.navigator_a)
    check_accessible(page)  # the dashboard

    page.goto(f"/clients/{rosa.pk}/")
    expect(page.get_by_role("heading", level=1, name="Rosa Martinez")).to_be_visible()
    check_accessible(page)
    page.get_by_role("link", name="Record intake").click()
    check_accessible(page)
    page.get_by_label("Household size").fill("3")
    page.get_by_label("Monthly gross income (USD)").fill("1850")
    page.get_by_role("group", name="Working computer or smartphone").get_by_text(
        "No", exact=True
    ).click()
    needs = page.get_by_role("group", name=re.compile("^Needs"))
    needs.get_by_text("Digital access (device, internet)", exact=True).click()
    page.get_by_role("button", name="Save intake interview").click()

    # Lands on the new suggestions with the confirmation in view; the laptop program first.
    expect(page.get_by_text("Intake interview saved.")).to_be_in_viewport()
    expect(page.get_by_role("heading", level=2, name="Program suggestions")).to_be_visible()
    first_card = page.locator(".cb-suggestion").first
    expect(first_card).to_contain_text("Laptops for families")
    expect(first_card).to_contain_text("English, Español")
    check_accessible(page)
    first_card.get_by_role("link", name=re.compile("^Refer")).click()

    # No consent yet: record it inside the flow, the agency already ticked.
    expect(page.get_by_role("heading", name="Consent needed")).to_be_visible()
    check_accessible(page)
    page.get_by_role("link", name="Record the client's consent").click()
    expect(page.get_by_role("heading", level=1, name="Record consent")).to_be_visible()
    agencies = page.get_by_role("group", name="Agencies it may be shared with")
    expect(agencies.get_by_label("Agency X Food Bank")).to_be_checked()
    expect(agencies.get_by_label("Agency Y Legal Aid")).to_have_count(0)  # found by a search
    check_accessible(page)
    scopes = page.get_by_role("group", name="Information the client agrees to share")
    scopes.get_by_text("Contact details", exact=False).first.click()
    page.get_by_role("button", name="Record consent").click()

    # Back on the send form, with the program and its need kept.
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Refer Rosa Martinez")).to_be_visible()
    expect(page.get_by_label("Program")).to_have_value(str(program.pk))
    expect(page.get_by_label("Need")).to_have_value("digital_access")
    check_accessible(page)
    page.get_by_label("Reason for referral").fill("No computer at home; two children in school.")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Referral CB-"))).to_be_visible()
    referral = Referral.objects.get()
    expect(
        page.get_by_role("heading", level=1, name=re.compile(f"Referral {referral.reference_code}"))
    ).to_be_visible()
    check_accessible(page)
    assert (referral.program, referral.need_category) == (program, "digital_access")

    # The client page: the open referral at the top, counted in the header.
    page.goto(f"/clients/{rosa.pk}/")
    expect(page.locator(".cb-client-header")).to_contain_text("1 open referral")
    expect(page.locator(".cb-client-header")).to_contain_text("No working device")
    expect(page.locator("#panel-referrals")).to_contain_text("Laptops for families")
    check_accessible(page)


def test_navigator_works_the_worklist_and_nudges_an_overdue_agency(page, sign_in, personas):
    rosa = _rosa(personas)
    ConsentFactory(client=rosa, recorded_by=personas.navigator_a, recipients=[personas.agency_x])
    waiting = send(personas, rosa)
    overdue = send(personas, rosa, program=_laptops(personas))
    Referral.objects.filter(pk=overdue.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8),
        overdue_at=timezone.now() - datetime.timedelta(days=1),
    )
    page.set_viewport_size(DESKTOP)
    sign_in(personas.navigator_a)
    page.get_by_role("link", name="Referrals", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="Referrals")).to_be_visible()
    rows = page.locator("tr[data-reference]")
    expect(rows.first).to_have_attribute("data-reference", overdue.reference_code)
    expect(rows.nth(1)).to_have_attribute("data-reference", waiting.reference_code)
    check_accessible(page)

    page.locator("label", has_text="Overdue only").click()  # USWDS draws its own checkbox
    expect(page.get_by_label("Overdue only")).to_be_checked()
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    check_accessible(page)

    mail.outbox.clear()
    rows.first.get_by_role("button", name=re.compile("Nudge the agency")).click()
    expect(
        page.get_by_text(f"Reminder sent to Agency X Food Bank about {overdue.reference_code}.")
    ).to_be_visible()
    expect(page.locator("tr[data-reference]").first).to_contain_text("Nudged")
    check_accessible(page)
    overdue.refresh_from_db()
    assert overdue.last_nudged_at is not None

    # A second nudge the same day is refused, with a reason.
    page.locator("tr[data-reference]").first.get_by_role(
        "button", name=re.compile("Nudge the agency")
    ).click()
    expect(page.get_by_text("was already nudged about this referral today")).to_be_visible()


def _tab_to(page, locator, limit=150):
    """Presses Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {locator} with the Tab key")


def test_the_navigator_journey_at_390_px_by_keyboard(page, sign_in, personas):
    rosa = _rosa(personas)
    program = _laptops(personas)
    page.set_viewport_size(PHONE)
    sign_in(personas.navigator_a)
    page.goto(f"/clients/{rosa.pk}/")
    check_accessible(page)

    _tab_to(page, page.get_by_role("link", name="Record intake"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="New intake interview")).to_be_visible()
    _tab_to(page, page.get_by_label("Household size"))
    page.keyboard.type("3")
    needs = page.get_by_role("group", name=re.compile("^Needs"))
    _tab_to(page, needs.get_by_label("Digital access (device, internet)", exact=True))
    page.keyboard.press("Space")
    expect(needs.get_by_label("Digital access (device, internet)", exact=True)).to_be_checked()
    _tab_to(page, page.get_by_role("button", name="Save intake interview"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Intake interview saved.")).to_be_in_viewport()
    check_accessible(page)
    refer = page.locator(".cb-suggestion").first.get_by_role("link", name=re.compile("^Refer"))
    _tab_to(page, refer)
    page.keyboard.press("Enter")

    _tab_to(page, page.get_by_role("link", name="Record the client's consent"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Record consent")).to_be_visible()
    check_accessible(page)
    scopes = page.get_by_role("group", name="Information the client agrees to share")
    _tab_to(page, scopes.get_by_role("checkbox").first)
    page.keyboard.press("Space")
    _tab_to(page, page.get_by_role("button", name="Record consent"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Refer Rosa Martinez")).to_be_visible()
    expect(page.get_by_label("Program")).to_have_value(str(program.pk))
    check_accessible(page)
    _tab_to(page, page.get_by_label("Reason for referral"))
    page.keyboard.type("No computer at home.")
    _tab_to(page, page.get_by_role("button", name="Send referral"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=re.compile("^Referral CB-"))).to_be_visible()
    referral = Referral.objects.get()
    assert referral.program == program
    check_accessible(page)
    # Nothing wider than the phone's screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
