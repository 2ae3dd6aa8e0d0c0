"""Issue 4's journey: a navigator sends a referral; the partner signs in, accepts it, works it
and completes it with an outcome; the navigator sees the outcome on the client's timeline."""

import re

import pytest
from playwright.sync_api import expect

from casework.models.organizations import Role
from casework.services import membership_create
from referrals.models import Referral
from tests.browser.conftest import assert_accessible
from tests.factories import ProgramFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_referral_closes_the_loop(page, sign_in, personas, client_a):
    program = ProgramFactory(
        agency=personas.agency_x, name="CalFresh application help", need_categories=["food"]
    )

    # The navigator refers Rosa from her page.
    colleague = UserFactory(username="ana_x", first_name="Ana", last_name="Lopez")
    membership_create(user=colleague, organization=personas.agency_x, role=Role.PARTNER_STAFF)
    sign_in(personas.navigator_a)
    page.goto(f"/clients/{client_a.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Send referral").click()
    expect(page.get_by_role("heading", level=1, name="Refer Rosa Martinez")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Program").select_option(str(program.pk))
    page.get_by_label("Need").select_option("food")
    page.get_by_label("Urgency").select_option("soon")
    page.get_by_label("Reason for referral").fill("Hours cut at work; family of three.")
    page.get_by_label("Note to the agency").fill("Call after 3 pm, Spanish please.")
    page.get_by_role("button", name="Send referral").click()
    referral = Referral.objects.get()
    expect(
        page.get_by_role("heading", level=1, name=re.compile(f"Referral {referral.reference_code}"))
    ).to_be_visible()
    expect(page.get_by_text("sent to Agency X Food Bank")).to_be_visible()
    _sign_out(page)

    # The partner works the inbox: Rosa's name (consent covers contact), days waiting, status.
    sign_in(personas.partner_x)
    page.get_by_role("link", name="Inbox").first.click()
    expect(page.get_by_role("heading", level=1, name="Referral inbox")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=referral.reference_code)
    expect(row).to_contain_text("Rosa Martinez")
    expect(row).to_contain_text("0 days")
    expect(row).to_contain_text("Nobody")
    assert_accessible(page)
    row.get_by_role("link", name=referral.reference_code).click()
    expect(page.get_by_text("Hours cut at work; family of three.")).to_be_visible()
    expect(page.get_by_text("rosa", exact=False).first).to_be_visible()
    assert_accessible(page)

    # Assigns it to a colleague at the agency.
    page.get_by_label("Colleague at your agency").select_option(label="Ana Lopez")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("is assigned to Ana Lopez")).to_be_visible()

    accept = page.locator("form[data-action=accept]")
    accept.get_by_label("Note").fill("We will call Rosa on Monday.")
    accept.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("is now accepted")).to_be_visible()
    assert_accessible(page)

    page.locator("form[data-action=start]").get_by_role("button", name="Start work").click()
    expect(page.get_by_text("is now in progress")).to_be_visible()

    # Completing offers only "got help" outcomes, none chosen yet; it asks for a confirmation.
    complete = page.locator("form[data-action=complete]")
    expect(complete.get_by_label("Outcome")).to_have_value("")
    complete.get_by_label("Outcome").select_option("got_help")
    complete.get_by_label("Who decided").select_option("provider")
    complete.get_by_label("Note").fill("Application approved; benefits start next month.")
    complete.get_by_role("button", name="Complete").click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile("^Complete: referral"))
    ).to_be_visible()
    expect(page.locator(".cb-confirm-code")).to_have_text("Got help")
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == "in-progress"
    page.get_by_role("button", name="Yes: Complete").click()
    expect(page.get_by_text("is now completed")).to_be_visible()
    assert_accessible(page)

    # The inbox shows who it is assigned to, and "assigned to me" finds it for Ana.
    page.get_by_role("link", name="Inbox").first.click()
    expect(page.get_by_role("row").filter(has_text=referral.reference_code)).to_contain_text(
        "Ana Lopez"
    )
    _sign_out(page)
    sign_in(colleague)
    page.goto("/referrals/inbox/?assigned=me")
    expect(page.get_by_role("link", name=referral.reference_code)).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "got_help")

    # The navigator sees the outcome on Rosa's timeline.
    sign_in(personas.navigator_a)
    page.goto(f"/clients/{client_a.pk}/")
    timeline = page.locator("#timeline")
    assert_accessible(page)
    expect(timeline).to_contain_text("Got help")
    expect(timeline).to_contain_text("Application approved; benefits start next month.")
    expect(timeline).to_contain_text("We will call Rosa on Monday.")
