"""Suppression: small counts read "<5", a hidden count cannot be recovered from a total or a
rate, and the shown figures of the hand-built fixture are exactly the expected ones."""

import datetime

import pytest

from reports.metrics import ReportFilters, build_report
from reports.presentation import count_cell, partition_cells, present, rate_cell, time_cell

from .conftest import WEEK


def texts(cells):
    return [str(c) for c in cells]


def test_counts_under_five_read_less_than_five(settings):
    settings.REPORT_MIN_COUNT = 5
    assert texts(count_cell(n) for n in (0, 1, 4, 5, 1234)) == ["<5", "<5", "<5", "5", "1,235"]


def test_shown_counts_are_rounded_to_the_nearest_five():
    shown = texts(count_cell(n) for n in (5, 6, 7, 8, 12, 13, 22, 1232))
    assert shown == ["5", "5", "5", "10", "10", "15", "20", "1,230"]


def test_threshold_comes_from_settings(settings):
    settings.REPORT_MIN_COUNT = 10
    assert str(count_cell(9)) == "<10"
    assert str(count_cell(10)) == "10"


def test_a_single_hidden_count_in_a_total_hides_the_next_smallest():
    # 20 = 12 + 5 + 3: "3" alone hidden would be 20 - 12 - 5.
    assert texts(partition_cells([12, 5, 3], 20)) == ["10", "<5", "<5"]
    # Two hidden already: nothing more to hide.
    assert texts(partition_cells([12, 4, 3, 6], 25)) == ["10", "<5", "<5", "5"]
    # Nothing hidden.
    assert texts(partition_cells([12, 8], 20)) == ["10", "10"]


def test_rates_never_reveal_a_small_count():
    # 11 accepted, 5 not: worked out from the rounded counts, 10 of 15 (not 69%).
    assert str(rate_cell(11, 16)) == "67%"
    # One more accepted referral (12 of 17) changes nothing a reader can see.
    assert str(rate_cell(12, 17)) == str(rate_cell(11, 16))
    assert str(rate_cell(7, 10)) == "—"  # 3 not accepted would follow from 70% of 10
    assert str(rate_cell(4, 20)) == "—"  # 4 accepted
    assert str(rate_cell(7, 7)) == "—"  # 100% says 0 were declined
    assert str(rate_cell(0, 0)) == "—"


def test_times_need_at_least_five_referrals():
    assert str(time_cell(8.5, 16, "h")) == "8.5 h"
    assert str(time_cell(35.0, 4, "h")) == "—"
    assert str(time_cell(None, 0, "h")) == "—"


def rows_of(table):
    return {str(row[0]): [str(v) for v in row[1:]] for row in table.rows}


@pytest.mark.django_db
def test_presented_week_shows_the_expected_figures(outcome_data):
    filters = ReportFilters(start=WEEK, end=WEEK + datetime.timedelta(days=6))
    report = present(build_report(filters))

    key = rows_of(report.table("key-figures"))
    # 22 and 7 referrals, rounded to the nearest 5.
    assert key["Referrals sent"] == ["20", "5", "+15"]
    assert key["Acceptance rate"] == ["67%", "—", "—"]  # previous: 7 of 7, nobody declined
    assert key["Time to first response, median"] == ["8.5 h", "2.0 h", "+6.5 h"]
    assert key["Time to first response, 90th percentile"] == ["35.0 h", "2.0 h", "+33.0 h"]
    assert key["Time to close, median"] == ["2.0 days", "2.0 days", "0 days"]
    assert key["Time to close, 90th percentile"] == ["4.6 days", "2.0 days", "+2.6 days"]
    assert key["Overdue"] == ["<5", "<5", "—"]

    funnel = rows_of(report.table("funnel"))
    assert funnel["Sent (all)"] == ["20", "5", "+15"]
    assert funnel["Awaiting response"][0] == "5"
    assert funnel["Completed"] == ["10", "5", "+5"]  # 8 and 7
    assert funnel["Declined"][0] == "5"
    for status in ("Accepted", "In progress", "Failed", "Cancelled"):
        assert funnel[status][0] == "<5"

    outcomes = rows_of(report.table("outcomes"))
    assert outcomes["Closed (all)"][0] == "15"
    assert outcomes["Got help"][0] == "10"  # 8
    assert outcomes["No outcome (declined or cancelled)"][0] == "5"  # 6
    assert outcomes["Could not contact"][0] == "<5"

    scorecard = rows_of(report.table("scorecard"))
    # 14 received; 7 of 12 responded accepted: 5 of 10 once rounded.
    # No client was asked in this fixture: both client columns are "—".
    assert scorecard["Agency X Food Bank"] == ["15", "6.5 h", "50%", "—", "<5", "—", "—"]
    # Y's 6 would give Z's 2 away (22 - 14 - 6): hidden too.
    assert scorecard["Agency Y Legal Aid"] == ["<5", "—", "—", "—", "<5", "—", "—"]
    assert scorecard["Agency Z Housing"] == ["<5", "—", "—", "—", "<5", "—", "—"]

    digital = rows_of(report.table("digital"))
    assert digital["Digital-inclusion referrals sent"] == ["5", "<5", "—"]  # 6
    assert digital["Got help"][0] == "<5"
    programs = rows_of(report.table("digital-programs"))
    assert programs["Laptop donation"] == ["Agency Y Legal Aid", "<5", "<5", "<5"]

    chart = report.table("funnel").chart
    bars = {bar.label: bar for bar in chart.bars}
    assert bars["Sent (all)"].width == 100.0
    assert bars["Accepted"].px == 0  # a hidden count gets no bar
