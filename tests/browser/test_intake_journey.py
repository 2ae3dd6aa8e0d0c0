"""Issue 2's journey: a navigator signs in, creates a client, records an intake interview and
finds it on the client's timeline."""

import re

import pytest
from playwright.sync_api import expect

from casework.models import Client
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_navigator_creates_a_client_and_records_an_intake(page, sign_in, personas):
    sign_in(personas.navigator_a)
    assert_accessible(page)  # the dashboard

    # New client, from the dashboard.
    page.get_by_role("link", name="New client").first.click()
    expect(page.get_by_role("heading", level=1, name="New client")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Legal first name").fill("Ngọc")
    page.get_by_label("Legal last name").fill("Trương")
    page.get_by_label("Date of birth").fill("1979-05-23")
    page.get_by_label("Phone", exact=False).first.fill("(408) 555-0199")
    page.get_by_label("ZIP code").fill("95122")
    page.get_by_label("Preferred language").select_option("vi")
    page.get_by_role("button", name="Create client").click()

    # The client's page.
    expect(page.get_by_role("heading", level=1, name="Ngọc Trương")).to_be_visible()
    client = Client.objects.get(legal_last_name="Trương")
    assert client.center == personas.center_a
    assert page.url.endswith(f"/clients/{client.pk}/")
    assert_accessible(page)

    # The intake interview.
    page.get_by_role("link", name="Record intake").click()
    expect(page.get_by_role("heading", level=1, name="New intake interview")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Household size").fill("3")
    page.get_by_label("Monthly gross income (USD)").fill("1850")
    # USWDS draws its own radios and checkboxes: a person clicks the label.
    internet = page.get_by_role("group", name="Internet at home")
    internet.get_by_text("No", exact=True).click()
    expect(internet.get_by_label("No", exact=True)).to_be_checked()
    needs = page.get_by_role("group", name=re.compile("^Needs"))
    needs.get_by_text("Food", exact=True).click()
    needs.get_by_text("Digital access (device, internet)", exact=True).click()
    page.get_by_role("button", name="Save intake interview").click()

    # Saved: the new suggestions, with the confirmation in view.
    expect(page.get_by_text("Intake interview saved.")).to_be_in_viewport()
    expect(page.get_by_role("heading", level=2, name="Program suggestions")).to_be_visible()
    # Back on the client's page, the interview is on the timeline.
    page.get_by_role("link", name="Back to the client page").click()
    expect(page.get_by_role("heading", level=1, name="Ngọc Trương")).to_be_visible()
    timeline = page.locator("#timeline")
    timeline.get_by_text(re.compile("^Show the latest")).click()
    entry = timeline.get_by_role(
        "heading", name=re.compile(r"Intake interview on .* by Maria Lopez")
    )
    expect(entry).to_be_visible()
    expect(timeline).to_contain_text("Digital access (device, internet)")
    assert_accessible(page)

    intake = client.intakes.get()
    assert intake.navigator == personas.navigator_a
    assert intake.household_size == 3
    assert intake.has_internet_at_home is False
    assert sorted(intake.needs) == ["digital_access", "food"]
    assert intake.is_veteran is None  # left unanswered: "not asked", not "no"
