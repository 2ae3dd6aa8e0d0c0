"""Issue 16's journey: a program manager reads the young-adult view of the dashboard (the
comparison with everyone else, then the 18-24 slice with its weekly trend) and downloads the
CSV, whose figures are numbers; axe-core finds no WCAG 2.1 A/AA violation at desktop width
and at 390 px."""

import csv
import datetime
import io

import pytest
from playwright.sync_api import expect

from casework.models import Client
from reports.rollups import rollup_all
from tests.browser.test_languages import AXE, AXE_JS, WIDTHS
from tests.reports.conftest import CLIENT_NAMES, WEEK, build_outcome_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _axe(page) -> list[str]:
    return page.evaluate(AXE_JS)


def test_manager_reads_the_young_adult_view_and_downloads_the_csv(page, sign_in, personas):
    data = build_outcome_data(personas)
    # Zebulon (14 referrals that week) was 20 when referred: a young adult.
    Client.objects.filter(pk=data.client_es.pk).update(
        date_of_birth=WEEK.replace(year=WEEK.year - 20) - datetime.timedelta(days=30)
    )
    rollup_all()
    # axe-core loaded into every page as the browser's own script (an inline <script> tag
    # would break the site's Content-Security-Policy, which this journey checks too).
    page.add_init_script(path=str(AXE))
    sign_in(personas.manager)
    page.get_by_role("link", name="Reports").first.click()
    page.get_by_label("From", exact=True).fill("2026-11-09")
    page.get_by_label("To", exact=True).fill("2026-11-15")
    page.get_by_role("button", name="Show").click()

    young = page.locator("#table-young-adults")
    expect(page.get_by_role("heading", name="Young adults (18–24) compared with everyone else"))
    expect(young.get_by_role("row", name="Referrals sent")).to_contain_text("15")  # 14
    expect(young.get_by_role("row", name="Referrals sent")).to_contain_text("10")  # 8 others

    page.get_by_label("Client age", exact=True).select_option(label="18–24 (young adults)")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Client age: 18–24 (young adults)")).to_be_visible()
    trend = page.locator("#table-trend")
    expect(trend.get_by_role("row", name="Week of 11/09/2026")).to_contain_text("15")
    expect(page.get_by_role("img", name="Referrals sent per week", exact=False)).to_be_visible()

    problems = []
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        problems += [f"{width_name}: {v}" for v in _axe(page)]
    assert problems == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Section", "Row", "Measure", "Value", "Unit", "Suppressed", "Text"]
    assert ["About this report", "Filter", "Client age", "", "", "", "18–24 (young adults)"] in rows
    week_row = [
        "Trend over the last 26 weeks",
        "Week of 11/09/2026",
        "Referrals sent",
        "15",
        "count",
        "0",
        "15",
    ]
    assert week_row in rows
    # 7 of 12 accepted -> 5 of 10: a proportion, not "50%".
    assert [
        "Trend over the last 26 weeks",
        "Week of 11/09/2026",
        "Acceptance rate",
        "0.5",
        "proportion (0-1)",
        "0",
        "50%",
    ] in rows
    for name in CLIENT_NAMES:
        assert name not in text
