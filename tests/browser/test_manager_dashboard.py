"""Issue 6's journey: a program manager opens the reports dashboard, filters by agency and
downloads the CSV; the download holds the agency's (suppressed) figures and no client."""

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.reports.conftest import CLIENT_NAMES, build_outcome_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_filters_dashboard_by_agency_and_downloads_csv(page, sign_in, personas):
    build_outcome_data(personas)
    sign_in(personas.manager)

    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", level=1, name="Referral outcomes")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("From", exact=True).fill("2026-11-09")
    page.get_by_label("To", exact=True).fill("2026-11-15")
    page.get_by_label("Agency", exact=True).select_option(label="Agency X Food Bank")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_text("Agency: Agency X Food Bank")).to_be_visible()
    key_figures = page.locator("#table-key-figures")
    expect(key_figures.get_by_role("row", name="Referrals sent")).to_contain_text(
        "15"
    )  # 14, rounded
    scorecard = page.locator("#table-scorecard")
    expect(scorecard).to_contain_text("Agency X Food Bank")
    expect(scorecard).not_to_contain_text("Agency Y Legal Aid")
    expect(page.get_by_role("img", name="Referral funnel", exact=False)).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "casebridge-referrals-2026-11-09-2026-11-15.csv"
    text = download.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["About this report", "Filter", "Agency", "", "", "", "Agency X Food Bank"] in rows
    # 14 sent, 7 of 12 accepted: rounded to 15, and 5 of 10 (docs/metrics.md).
    assert ["Key figures", "Referrals sent", "This period", "15", "count", "0", "15"] in rows
    assert [
        "Key figures",
        "Acceptance rate",
        "This period",
        "0.5",
        "proportion (0-1)",
        "0",
        "50%",
    ] in rows
    assert [
        "Partner scorecard",
        "Agency X Food Bank",
        "Referrals received",
        "15",
        "count",
        "0",
        "15",
    ] in rows
    assert ["Referral funnel", "In progress", "This period", "", "count", "1", "<5"] in rows
    assert not any(row[1] == "Agency Y Legal Aid" for row in rows)
    for name in CLIENT_NAMES:
        assert name not in text
