"""Trends (weekly roll-ups) and equity slices against the hand-built fixture (conftest.py),
where every number is known: current week 22 sent, 16 responded, 11 accepted, 15 closed,
8 got help, 2 overdue, median response 8.5 h; previous week 7 sent, all accepted and closed
with help after 2 h."""

import datetime

import pytest
from django.urls import reverse

from casework.models import Client
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_transition
from reports.metrics import ReportFilters, build_report
from reports.models import Dimension, WeeklyRollup
from reports.presentation import present
from reports.rollups import (
    live_weekly,
    rollup_all,
    rollup_recent,
    rollup_weeks,
    trend_weeks,
    weekly_trend,
)
from tests.conftest import login

from .conftest import PREVIOUS_WEEK, WEEK, at

WEEK_END = WEEK + datetime.timedelta(days=6)


def week(**slices) -> ReportFilters:
    return ReportFilters(start=WEEK, end=WEEK_END, **slices)


def born_years_before(years: int, day=WEEK) -> datetime.date:
    return day.replace(year=day.year - years) - datetime.timedelta(days=30)


def counts(point):
    return (
        point.sent,
        point.responded,
        point.accepted_ever,
        point.closed,
        point.got_help,
        point.overdue,
    )


@pytest.mark.django_db
def test_trend_from_rollups_has_the_known_weekly_numbers(outcome_data):
    rollup_all()
    points = weekly_trend(week())
    assert len(points) == 26
    assert points[-1].week_start == WEEK and points[-2].week_start == PREVIOUS_WEEK
    assert counts(points[-1]) == (22, 16, 11, 15, 8, 2)
    assert points[-1].response_hours_p50 == pytest.approx(8.5)
    assert counts(points[-2]) == (7, 7, 7, 7, 7, 0)
    assert points[-2].response_hours_p50 == pytest.approx(2.0)
    # Earlier weeks: only the referral of 2026-10-01.
    assert [(p.week_start, p.sent) for p in points[:-2] if p.sent] == [
        (datetime.date(2026, 9, 28), 1)
    ]

    # One slice at a time comes from the roll-ups too: Spanish speakers are Agency X's 14.
    spanish = weekly_trend(week(language="es"))
    assert counts(spanish[-1]) == (14, 12, 7, 11, 6, 1)
    assert spanish == live_weekly(week(language="es"), trend_weeks(WEEK_END))


@pytest.mark.django_db
def test_trend_table_suppresses_each_week_like_any_other_figure(outcome_data):
    rollup_weeks([WEEK, PREVIOUS_WEEK])
    table = present(build_report(week())).table("trend")
    assert table.columns[1:] == [
        "Referrals sent",
        "Acceptance rate",
        "Median time to first response",
        "Closed with “got help”",
        "Overdue",
    ]
    rows = {row[0]: [str(c) for c in row[1:]] for row in table.rows}
    # 22 -> 20; 11 of 16 -> 10 of 15; 8 of 15 closed got help -> 10 of 15; 2 overdue hidden.
    assert rows["Week of 11/09/2026"] == ["20", "67%", "8.5 h", "67%", "<5"]
    # 7 -> 5; 7 of 7 accepted: nobody left out, so no rate; the median of 7 is shown.
    assert rows["Week of 11/02/2026"] == ["5", "—", "2.0 h", "—", "<5"]
    assert rows["Week of 10/26/2026"] == ["<5", "—", "—", "—", "<5"]
    # The chart draws a bar for shown weeks only.
    bars = {bar.label: bar for bar in table.chart.bars}
    assert bars["Week of 11/09/2026"].px > bars["Week of 11/02/2026"].px > 0
    assert bars["Week of 10/26/2026"].px == 0


@pytest.mark.django_db(transaction=True)
def test_rollups_follow_a_referral_change_and_agree_with_live(outcome_data):
    from django.core.cache import cache

    cache.clear()  # no week left marked pending by an earlier test's queued recompute
    personas = outcome_data.personas
    rollup_recent(weeks=4, today=WEEK_END)
    waiting = Referral.objects.filter(
        agency=personas.agency_x,
        status=ReferralStatus.REQUESTED,
        created_at__gte=at(WEEK),
        created_at__lt=at(WEEK_END + datetime.timedelta(days=1), 0),
    ).first()
    # The lifecycle service saves the referral; its week is recomputed after the commit.
    referral_transition(referral=waiting, actor=personas.partner_x, action="accept")
    after = weekly_trend(week())
    assert counts(after[-1]) == (22, 17, 12, 15, 8, 2)
    assert after == live_weekly(week(), trend_weeks(WEEK_END))
    for dimension, key in [(Dimension.AGENCY, str(personas.agency_x.pk)), (Dimension.NEED, "food")]:
        row = WeeklyRollup.objects.get(dimension=dimension, key=key, week_start=WEEK)
        assert (row.sent, row.responded, row.accepted_ever) == (14, 13, 8)

    # A bulk update sends no signal: the nightly recompute brings the roll-ups back in line.
    Referral.objects.filter(pk=waiting.pk).update(overdue_at=waiting.created_at)
    assert weekly_trend(week()) != live_weekly(week(), trend_weeks(WEEK_END))
    rollup_recent(weeks=4, today=WEEK_END)
    assert weekly_trend(week()) == live_weekly(week(), trend_weeks(WEEK_END))
    assert weekly_trend(week())[-1].overdue == 3


@pytest.mark.django_db
def test_age_bands_slice_every_metric_by_age_when_sent(outcome_data):
    # Zebulon (Agency X, 14 referrals) was 20 when referred; Perpetua (8) was 40.
    Client.objects.filter(pk=outcome_data.client_es.pk).update(date_of_birth=born_years_before(20))
    Client.objects.filter(pk=outcome_data.client_vi.pk).update(date_of_birth=born_years_before(40))
    young = build_report(week(age_band="18-24"))
    assert young.current.sent == 14 and young.current.completed == 6
    assert build_report(week(age_band="25-64")).current.sent == 8
    assert build_report(week(age_band="65+")).current.sent == 0

    presented = present(build_report(week()))
    assert presented.tables[0].id == "young-adults"  # the dashboard leads with them
    rows = {r[0]: [str(c) for c in r[1:]] for r in presented.table("young-adults").rows}
    assert rows["Referrals sent"] == ["15", "10"]  # 14 and 8, rounded
    assert rows["Acceptance rate"] == ["50%", "—"]  # 7 of 12 -> 5 of 10; 4 of 4: none left out
    digital = {r[0]: [str(c) for c in r[1:]] for r in presented.table("digital-compared").rows}
    # 6 device/internet referrals against 16 others; 3 of 4 responded were accepted (none
    # left out: no rate); the others 7 of 12 -> 5 of 10.
    assert digital["Referrals sent"] == ["5", "15"]
    assert digital["Acceptance rate"] == ["—", "50%"]

    rollup_weeks([WEEK])
    assert counts(weekly_trend(week(age_band="18-24"))[-1]) == (14, 12, 7, 11, 6, 1)


@pytest.mark.django_db
def test_a_hidden_group_hides_everyone_else_too(outcome_data):
    # Nobody is a young adult: 0 young, 22 others. Showing "20" others would give the 0 away
    # with the total, so both are hidden (secondary suppression across the slice).
    Client.objects.filter(pk=outcome_data.client_es.pk).update(date_of_birth=born_years_before(17))
    Client.objects.filter(pk=outcome_data.client_vi.pk).update(date_of_birth=born_years_before(70))
    presented = present(build_report(week()))
    rows = {r[0]: [str(c) for c in r[1:]] for r in presented.table("young-adults").rows}
    assert rows["Referrals sent"] == ["<5", "<5"]
    assert rows["Overdue"] == ["<5", "<5"]
    # The 16-17 slice: Zebulon's 14 referrals, shown rounded; its trend from the roll-ups.
    assert build_report(week(age_band="16-17")).current.sent == 14
    rollup_weeks([WEEK])
    assert weekly_trend(week(age_band="16-17"))[-1].sent == 14
    assert weekly_trend(week(age_band="18-24"))[-1].sent == 0


@pytest.mark.django_db
def test_dashboard_leads_with_young_adults_and_slices_by_age(client, outcome_data):
    Client.objects.filter(pk=outcome_data.client_es.pk).update(date_of_birth=born_years_before(20))
    login(client, outcome_data.personas.manager)
    page = client.get(
        reverse("reports:dashboard"), {"start": "2026-11-09", "end": "2026-11-15"}
    ).content.decode()
    assert page.index("Young adults (18–24) compared with everyone else") < page.index(
        "Key figures"
    )
    assert "Trend over the last 26 weeks" in page
    sliced = client.get(
        reverse("reports:dashboard"),
        {"start": "2026-11-09", "end": "2026-11-15", "age_band": "18-24"},
    ).content.decode()
    assert "Client age" in sliced and "18–24 (young adults)" in sliced
    assert 'id="table-trend"' in sliced


@pytest.mark.django_db
def test_run_page_previews_the_figures_and_on_demand_defaults_to_this_week(
    client, outcome_data, django_assert_num_queries
):
    from django.utils import timezone

    from reports.models import ReportRun, RunState
    from reports.services import week_start_of

    from .test_views import _count_queries, _many_referrals

    personas = outcome_data.personas
    login(client, personas.manager)
    listing = client.get(reverse("reports:run_list")).content.decode()
    this_week = week_start_of(timezone.localdate())
    # The schedule covers last week; the form offers the week the schedule has not reported.
    assert f'value="{this_week.isoformat()}"' in listing

    run = ReportRun.objects.create(week_start=WEEK, state=RunState.PENDING)
    url = reverse("reports:run_detail", args=[run.pk])
    page = client.get(url).content.decode()
    assert "Preview of the figures" in page
    assert 'id="table-key-figures"' in page and 'id="table-trend"' in page
    assert "8.5 h" in page and "67%" in page  # the week's median and acceptance rate
    few = _count_queries(client, url, {})
    _many_referrals(personas, outcome_data)
    with django_assert_num_queries(few):
        client.get(url)


@pytest.mark.postgres
@pytest.mark.django_db
def test_rollups_written_by_postgresql_equal_those_built_in_python(outcome_data):
    """On PostgreSQL ``rollup_weeks`` writes the rows with one INSERT … SELECT per dimension
    (issue 15); they are the rows the Python path (SQLite's) builds, figure for figure, for
    every dimension, including the slices that count the trend's figures only."""
    from django.utils import timezone

    from reports.rollups import ROLLUP_FIELDS, _rollups, _weeks_bounds

    def as_tuples(rows):
        return sorted(
            tuple(getattr(r, f) for f in ("week_start", "dimension", "key", *ROLLUP_FIELDS))
            for r in rows
        )

    weeks = [PREVIOUS_WEEK, WEEK]
    written = rollup_weeks(weeks)
    in_database = as_tuples(WeeklyRollup.objects.all())
    begin, after = _weeks_bounds(weeks[0], weeks[-1])
    base = Referral.objects.filter(created_at__gte=begin, created_at__lt=after).order_by()
    in_python = as_tuples(_rollups(base, weeks, timezone.now()))
    assert written == len(in_database) == len(in_python)
    assert in_database == in_python
    assert {row[1] for row in in_database} == set(Dimension.values)
    everyone = WeeklyRollup.objects.get(week_start=WEEK, dimension=Dimension.ALL)
    assert (everyone.sent, everyone.got_help, everyone.response_hours_p50) == (22, 8, 8.5)
