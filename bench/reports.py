"""Reports benchmark: the county's 1,000,000 referrals in PostgreSQL, then time the weekly
report's metrics and the managers' dashboard.

    .venv/bin/python bench/reports.py [--scale 1] [--reseed]
    make bench-reports

Uses the county database of bench/county.py (BENCH_COUNTY_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/cb_county), seeding it first if it does not hold the county
at that scale (BENCH_COUNTY_SCALE or --scale, default 1: 200,000 clients, 1,000,000 referrals
over two years, 250 agencies of uneven size). The goal: the weekly report's metrics in under 5
seconds; trends and the one-year dashboard under 0.3 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time

import county

GOAL_SECONDS = 5.0
TREND_GOAL_SECONDS = 0.3  # a 26-week trend and a one-year dashboard (issue 16)


def timed(fn, repeat: int = 5):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def fmt(times: list[float]) -> str:
    return (
        f"first {times[0]:.3f}s, median {statistics.median(times):.3f}s, "
        f"max {max(times):.3f}s (n={len(times)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=float(os.environ.get("BENCH_COUNTY_SCALE", "1"))
    )
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    county.ensure_database(county.COUNTY_URL, drop=args.reseed)
    county.configure_django(county.COUNTY_URL)
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from casework.models import Language, User
    from referrals.models import Referral
    from reports.forms import default_period
    from reports.metrics import ReportFilters, build_report
    from reports.periods import whole_period
    from reports.presentation import present
    from reports.rendering import report_csv
    from reports.services import previous_week_start, week_filters

    print(f"database: {connection.settings_dict['NAME']} on {connection.vendor}")
    county.prepare(county.COUNTY_URL, args.scale, reseed=args.reseed)
    manager = User.objects.get(username="manager_county")
    total = Referral.objects.count()
    print(f"referrals in the database: {total:,}")

    from reports.models import Dimension, WeeklyRollup
    from reports.rollups import answers_from_rollups, rollup_all, rollup_recent, weekly_trend

    # Roll-ups from before the dashboard's figures were added hold no digital-program rows.
    has_dashboard_rollups = WeeklyRollup.objects.filter(
        dimension=Dimension.DIGITAL_PROGRAM
    ).exists()
    if args.reseed or not has_dashboard_rollups:
        started = time.perf_counter()
        rows = rollup_all()
        print(f"weekly roll-ups, first fill: {rows:,} rows in {time.perf_counter() - started:.1f}s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_weeklyrollup")  # as autovacuum would
    _, times = timed(rollup_recent, 2)
    print(f"weekly roll-ups, nightly recompute of 8 weeks: {fmt(times)}")

    week = week_filters(previous_week_start())
    in_week = Referral.objects.filter(
        created_at__gte=week.bounds()[0], created_at__lt=week.bounds()[1]
    ).count()
    print(f"\nweekly report for {week.start} to {week.end} ({in_week:,} referrals sent that week)")
    report, times = timed(lambda: build_report(week), args.repeat)
    print(f"  metrics (build_report, 4 queries):   {fmt(times)}")
    weekly_metrics_median = statistics.median(times)
    _, times = timed(lambda: report_csv(present(build_report(week))), args.repeat)
    print(f"  metrics + presentation + CSV:        {fmt(times)}")
    print(
        f"  sent {report.current.sent:,}, acceptance "
        f"{100 * report.current.accepted_ever / max(report.current.responded, 1):.1f}%, "
        f"median response {report.current.response_hours_p50:.1f} h, p90 "
        f"{report.current.response_hours_p90:.1f} h, {len(report.scorecard)} agencies"
    )

    start, end = default_period()
    for label, filters in [
        ("dashboard default (28 days)", ReportFilters(start=start, end=end)),
        # As the dashboard asks for them: widened to whole weeks (roll-ups from 5 weeks, for
        # everyone; a slice is computed live).
        (
            "a quarter (14 weeks)",
            ReportFilters(*whole_period(end - datetime.timedelta(days=90), end)),
        ),
        (
            "a year (53 weeks)",
            ReportFilters(*whole_period(end - datetime.timedelta(days=365), end)),
        ),
        (
            "a year, Vietnamese-speaking (live)",
            ReportFilters(
                *whole_period(end - datetime.timedelta(days=365), end),
                language=Language.VIETNAMESE,
            ),
        ),
    ]:
        _, times = timed(lambda f=filters: build_report(f), max(2, args.repeat // 2))
        print(f"  metrics, {label:<36} {fmt(times)}")

    print("\ntrends (26 weeks, from the weekly roll-ups) and the one-year dashboard")
    goal_times = {}
    for label, filters in [
        ("26-week trend, everyone", week),
        ("26-week trend, Vietnamese-speaking", ReportFilters(week.start, week.end, language="vi")),
        (
            "26-week trend, young adults (18-24)",
            ReportFilters(week.start, week.end, age_band="18-24"),
        ),
    ]:
        _, times = timed(lambda f=filters: weekly_trend(f), args.repeat)
        goal_times[label] = statistics.median(times)
        print(f"  {label:<40} {fmt(times)}")
    # The dashboard widens a year to whole weeks (docs/metrics.md, rule 7): 53 weeks.
    year = ReportFilters(*whole_period(end - datetime.timedelta(days=365), end))
    assert answers_from_rollups(year)
    _, times = timed(lambda: build_report(year), args.repeat)
    goal_times["one-year dashboard metrics"] = statistics.median(times)
    print(f"  {'one-year dashboard metrics (roll-ups)':<40} {fmt(times)}")
    _, times = timed(lambda: report_csv(present(build_report(year))), args.repeat)
    print(f"  {'  + presentation + CSV':<40} {fmt(times)}")
    _, times = timed(lambda: build_report(year, from_rollups=False), 1)
    print(f"  {'one-year dashboard metrics, live':<40} {fmt(times)}")

    setup_test_environment()  # the test client's host, and template rendering signals
    client = Client()
    client.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")
    # The biggest agency (about ten times the median's referrals).
    agency = User.objects.get(username="partner_county").memberships.get().organization
    print("\ndashboard page (Django test client, signed in as a manager)")
    for label, url, params in [
        ("default (28 days)", reverse("reports:dashboard"), {}),
        ("filtered by one agency", reverse("reports:dashboard"), {"agency": agency.pk}),
        ("CSV export (28 days)", reverse("reports:dashboard_csv"), {}),
        (
            "one year",
            reverse("reports:dashboard"),
            {"start": year.start.isoformat(), "end": year.end.isoformat()},
        ),
        (
            "last week",
            reverse("reports:dashboard"),
            {"start": week.start.isoformat(), "end": week.end.isoformat()},
        ),
    ]:

        def get(url=url, params=params):
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code
            return response

        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            get()
        _, times = timed(get, args.repeat if label == "one year" else max(2, args.repeat // 2))
        print(f"  {label:<28} {fmt(times)}, {len(ctx.captured_queries)} queries")
        if label == "one year":
            goal_times["one-year dashboard page"] = statistics.median(times)

    verdict = "MET" if weekly_metrics_median < GOAL_SECONDS else "MISSED"
    print(
        f"\ngoal: weekly report metrics under {GOAL_SECONDS:.0f}s on PostgreSQL -> {verdict} "
        f"(median {weekly_metrics_median:.3f}s)"
    )
    for label, seconds in goal_times.items():
        met = "MET" if seconds < TREND_GOAL_SECONDS else "MISSED"
        goal = f"{TREND_GOAL_SECONDS * 1000:.0f} ms"
        print(f"goal: {label} under {goal} -> {met} ({seconds * 1000:.0f} ms)")
    return 0 if verdict == "MET" else 1


if __name__ == "__main__":
    raise SystemExit(main())
