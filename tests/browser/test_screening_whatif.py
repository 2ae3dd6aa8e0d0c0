"""Issue 3's journey: on the client page the navigator reads the program suggestions, tries
another income with the keyboard in "what if", and sees the results change; nothing is saved."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from referrals.demo import seed_demo
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_what_if_changes_suggestions_without_saving(page, sign_in, personas, client_a):
    seed_demo()
    # Answered "no": over 200% then means "not eligible" (unanswered, the net-income route asks).
    client_a.intakes.update(household_has_elderly_or_disabled=False)
    sign_in(personas.navigator_a)
    page.goto(f"/clients/{client_a.pk}/")
    panel = page.locator("#suggestions")
    expect(panel.get_by_role("heading", level=2, name="Program suggestions")).to_be_visible()
    panel.locator("summary").first.click()  # the suggestions are collapsed on the client page
    likely = panel.locator("#suggestions-need + ul li[data-status=likely_eligible]").filter(
        has_text="CalFresh (SNAP food benefits)"
    )
    expect(likely).to_contain_text("Monthly income $2,300 is at or under 200%")
    expect(panel).to_contain_text("Demo data — verify before use")
    assert_accessible(page)

    income = page.get_by_label("Monthly gross income (USD)")
    income.focus()
    income.fill("5000")
    page.keyboard.press("Enter")

    results = page.locator("#suggestions-results")
    expect(results).to_contain_text("These results are not saved.")
    expect(
        results.locator("li[data-status=not_eligible]").filter(
            has_text="CalFresh (SNAP food benefits)"
        )
    ).to_contain_text("Monthly income $5,000 is over 200%")
    assert "/suggestions/" not in page.url  # swapped in place by htmx
    assert_accessible(page)  # the swapped-in results too
    intake = client_a.intakes.get()
    assert intake.monthly_gross_income == Decimal("2300.00")
