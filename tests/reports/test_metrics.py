"""Metric correctness against the hand-built fixture (tests/reports/conftest.py): every figure
is known in advance. Runs on SQLite (window-function percentiles) and, with
DATABASE_URL=postgres://..., the same assertions run on PostgreSQL (percentile_cont)."""

import datetime

import pytest
from django.db import connection

from casework.models.intake import Need
from referrals.models import Outcome
from reports.metrics import NOT_RECORDED, ReportFilters, build_report, partner_scorecard
from reports.metrics import summaries as metric_summaries

from .conftest import PREVIOUS_WEEK, WEEK

WEEK_END = WEEK + datetime.timedelta(days=6)


def week(**slices) -> ReportFilters:
    return ReportFilters(start=WEEK, end=WEEK_END, **slices)


def check_week_metrics(data):
    report = build_report(week())
    c = report.current
    assert c.sent == 22
    assert (c.requested, c.accepted, c.in_progress, c.completed) == (5, 1, 1, 8)
    assert (c.failed, c.rejected, c.cancelled) == (1, 5, 1)
    assert (c.responded, c.accepted_ever, c.closed, c.overdue) == (16, 11, 15, 2)
    assert c.response_hours_p50 == pytest.approx(8.5, abs=1e-3)
    assert c.response_hours_p90 == pytest.approx(35.0, abs=1e-3)
    assert c.close_days_p50 == pytest.approx(2.0, abs=1e-4)
    assert c.close_days_p90 == pytest.approx(4.6, abs=1e-4)
    assert c.outcomes[Outcome.GOT_HELP] == 8
    assert c.outcomes[Outcome.COULD_NOT_CONTACT] == 1
    assert c.outcomes[NOT_RECORDED] == 6
    assert c.outcomes[Outcome.NO_CAPACITY] == 0

    p = report.previous
    assert (p.sent, p.completed, p.responded, p.accepted_ever) == (7, 7, 7, 7)
    assert p.response_hours_p50 == pytest.approx(2.0, abs=1e-3)
    assert p.close_days_p50 == pytest.approx(2.0, abs=1e-4)

    by_agency = {row.agency_name: row for row in report.scorecard}
    assert [row.agency_name for row in report.scorecard] == [
        "Agency X Food Bank",
        "Agency Y Legal Aid",
        "Agency Z Housing",
    ]
    x = by_agency["Agency X Food Bank"]
    assert (x.received, x.responded, x.accepted_ever, x.completed, x.overdue) == (14, 12, 7, 6, 1)
    assert x.response_hours_p50 == pytest.approx(6.5, abs=1e-3)
    y = by_agency["Agency Y Legal Aid"]
    assert (y.received, y.responded, y.accepted_ever, y.completed, y.overdue) == (6, 4, 4, 2, 1)
    assert y.response_hours_p50 == pytest.approx(35.0, abs=1e-3)
    z = by_agency["Agency Z Housing"]
    assert (z.received, z.responded, z.response_hours_p50) == (2, 0, None)

    d = report.digital
    assert (d.sent, d.completed, d.failed, d.cancelled, d.overdue) == (6, 2, 1, 1, 1)
    assert d.outcomes[Outcome.GOT_HELP] == 2
    assert d.response_hours_p50 == pytest.approx(35.0, abs=1e-3)
    assert report.digital_previous.sent == 0
    programs = {row.program_name: row for row in report.digital_programs}
    assert (programs["Laptop donation"].sent, programs["Laptop donation"].got_help) == (4, 2)
    assert (programs["Low-cost internet"].sent, programs["Low-cost internet"].completed) == (2, 0)


def check_slices(data):
    p = data.personas
    assert metric_summaries(week(agency_id=p.agency_x.pk))[0].sent == 14
    assert metric_summaries(week(center_id=p.center_a.pk))[0].sent == 16
    assert metric_summaries(week(center_id=p.center_b.pk))[0].sent == 6
    assert metric_summaries(week(program_id=data.device.pk))[0].sent == 4
    assert metric_summaries(week(need=Need.DIGITAL_ACCESS))[0].sent == 6
    assert metric_summaries(week(language="vi"))[0].sent == 8
    assert metric_summaries(week(zip_code="95112"))[0].sent == 14
    only_x = metric_summaries(week(agency_id=p.agency_x.pk))[0]
    assert only_x.response_hours_p50 == pytest.approx(6.5, abs=1e-3)
    assert only_x.response_hours_p90 == pytest.approx(10.9, abs=1e-3)  # pos 9.9 of 1..12
    assert [r.agency_name for r in partner_scorecard(week(language="es"))] == ["Agency X Food Bank"]
    empty = metric_summaries(week(zip_code="00000"))[0]
    assert (empty.sent, empty.response_hours_p50, empty.close_days_p90) == (0, None, None)


@pytest.mark.django_db
def test_week_metrics_match_the_hand_built_fixture(outcome_data):
    check_week_metrics(outcome_data)


@pytest.mark.django_db
def test_every_slice_counts_what_it_says(outcome_data):
    check_slices(outcome_data)


@pytest.mark.django_db
def test_previous_period_is_the_same_length_just_before():
    f = ReportFilters(start=datetime.date(2026, 11, 9), end=datetime.date(2026, 11, 22))
    prev = f.previous()
    assert (prev.start, prev.end) == (datetime.date(2026, 10, 26), datetime.date(2026, 11, 8))
    assert prev.days == f.days == 14
    assert week().previous().start == PREVIOUS_WEEK


@pytest.mark.django_db
def test_metrics_never_load_referral_rows(outcome_data):
    """Every query is an aggregate: none selects referral columns row by row."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        build_report(week())
    assert ctx.captured_queries  # the report did query (the loop below is not vacuous)
    for query in ctx.captured_queries:
        sql = query["sql"].upper()
        if 'FROM "REPORTS_WEEKLYROLLUP"' in sql:
            continue  # the trend reads its 26 weekly roll-up rows, not referrals
        assert "COUNT(" in sql or "PERCENTILE_CONT" in sql or "ROW_NUMBER()" in sql, sql


@pytest.mark.postgres
@pytest.mark.django_db
def test_week_metrics_on_postgresql(outcome_data):
    assert connection.vendor == "postgresql"
    check_week_metrics(outcome_data)
    check_slices(outcome_data)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_uses_percentile_cont_in_seven_queries(outcome_data):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        build_report(week())
    # 2 summaries, the scorecard, digital programs, the trend (roll-ups), 2 priority groups,
    # the clients' confirmations (both periods).
    assert len(ctx.captured_queries) == 8
    assert sum("percentile_cont" in q["sql"] for q in ctx.captured_queries) == 5


def percentile_cont(values, p):
    """Reference definition (PostgreSQL's percentile_cont) in plain Python, for the test."""
    ordered = sorted(values)
    pos = p * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 2, 3, 10, 37])
def test_percentiles_match_percentile_cont_for_any_count(personas, n):
    """The SQLite window-function fallback (and percentile_cont on PostgreSQL) give the
    interpolated percentiles, including for 1 and 2 values and per group."""
    import random

    from .conftest import _referral, build_outcome_data

    data = build_outcome_data(personas)
    rng = random.Random(n)
    hours = [rng.randint(1, 400) / 4 for _ in range(n)]
    day = datetime.date(2025, 3, 4)
    from referrals.models import Referral, ReferralStatus

    from .conftest import at

    Referral.objects.bulk_create(
        _referral(
            client=data.client_es,
            program=data.food,
            center=personas.center_a,
            sender=personas.navigator_a,
            sent=at(day),
            status=ReferralStatus.ACCEPTED,
            response_h=h,
        )
        for h in hours
    )
    filters = ReportFilters(start=day, end=day)
    summary = metric_summaries(filters)[0]
    assert summary.response_hours_p50 == pytest.approx(percentile_cont(hours, 0.5), abs=1e-3)
    assert summary.response_hours_p90 == pytest.approx(percentile_cont(hours, 0.9), abs=1e-3)
    (row,) = partner_scorecard(filters)
    assert row.response_hours_p50 == pytest.approx(percentile_cont(hours, 0.5), abs=1e-3)
