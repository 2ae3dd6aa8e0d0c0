"""Reports benchmark: 1,000,000 referrals in PostgreSQL, then time the weekly report's metrics
and the managers' dashboard.

    .venv/bin/python bench/reports.py [--referrals 1000000] [--reseed]
    make bench-reports

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/cb_bench),
creating and migrating it first. The directory (centers, agencies, programs) and a manager come
from the ORM; clients, consents and referrals are bulk-loaded in SQL with generate_series
(INSERT ... SELECT), so a million rows take well under a minute. A rerun reuses the rows
unless --reseed is given. The goals: the weekly report's metrics in under 5 seconds; a
26-week trend and the one-year dashboard (53 whole weeks, added up from the weekly roll-ups)
in under 300 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cb_bench")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))  # this process only
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)

GOAL_SECONDS = 5.0
TREND_GOAL_SECONDS = 0.3  # a 26-week trend and a one-year dashboard (issue 16)
N_CENTERS = 30
N_AGENCIES = 250
PROGRAMS_PER_AGENCY = 4
N_CLIENTS = 200_000
DAYS_OF_HISTORY = 730


def ensure_database() -> None:
    import psycopg

    dbname = BENCH_URL.rsplit("/", 1)[1].split("?")[0]
    admin_url = BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')
            print(f"created database {dbname}")


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


def seed_directory():
    from casework import services as casework_services
    from casework.models import Organization, OrganizationKind, Role, User
    from casework.models.intake import Need
    from referrals.models import Program

    if Organization.objects.filter(slug="bench-city").exists():
        manager = User.objects.get(username="bench_manager")
        return manager
    needs = list(Need.values)
    for i in range(N_CENTERS):
        casework_services.organization_create(
            name=f"Bench Center {i:03d}",
            slug=f"bench-center-{i:03d}",
            kind=OrganizationKind.COMMUNITY_CENTER,
        )
    programs = []
    for i in range(N_AGENCIES):
        agency = casework_services.organization_create(
            name=f"Bench Agency {i:03d}",
            slug=f"bench-agency-{i:03d}",
            kind=OrganizationKind.PARTNER_AGENCY,
        )
        for j in range(PROGRAMS_PER_AGENCY):
            programs.append(
                Program(
                    agency=agency,
                    name=f"Bench Program {i:03d}-{j}",
                    need_categories=[needs[(i * PROGRAMS_PER_AGENCY + j) % len(needs)]],
                )
            )
    Program.objects.bulk_create(programs)
    city = casework_services.organization_create(
        name="Bench City Office", slug="bench-city", kind=OrganizationKind.CITY_OFFICE
    )
    manager = User.objects.create_user(
        username="bench_manager", email="bench_manager@example.org", password=None
    )
    casework_services.membership_create(user=manager, organization=city, role=Role.PROGRAM_MANAGER)
    return manager


CLIENTS_SQL = """
INSERT INTO casework_client (legal_first_name, legal_last_name, preferred_name, date_of_birth,
    phone, email, address_line1, address_line2, city, zip_code, preferred_language, search_name,
    created_at, updated_at, created_by_id, center_id, administrative_gender)
SELECT 'Bench', 'Client ' || i, '', DATE '1950-01-01' + (i %% 20000), '', '', '', '', 'San José',
    (ARRAY['95110','95111','95112','95116','95122','95127','95133','95148'])[1 + i %% 8],
    (ARRAY['en','en','en','es','es','vi','pa','hi'])[1 + (i * 7) %% 8],
    'bench client ' || i, now(), now(), %(user)s,
    (%(centers)s::bigint[])[1 + i %% %(n_centers)s], ''
FROM generate_series(1, %(n)s) AS i
"""

CONSENTS_SQL = """
INSERT INTO casework_consent (scopes, method, given_on, expires_on, recorded_at, revocation_note,
    client_id, recorded_by_id)
SELECT '[]'::jsonb, 'verbal', current_date - 400, current_date + 365, now(), '', id, %(user)s
FROM casework_client WHERE legal_first_name = 'Bench'
"""

REFERRALS_SQL = """
WITH g AS MATERIALIZED (
    SELECT i,
           now() - random() * %(days)s * interval '1 day' AS created_at,
           random() AS r2, random() AS r3, random() AS r4
    FROM generate_series(1::bigint, %(n)s) AS i
), s AS (
    SELECT i, created_at, r3, r4,
           CASE WHEN r2 < 0.12 THEN 'requested' WHEN r2 < 0.22 THEN 'accepted'
                WHEN r2 < 0.32 THEN 'in-progress' WHEN r2 < 0.72 THEN 'completed'
                WHEN r2 < 0.80 THEN 'failed' WHEN r2 < 0.92 THEN 'rejected'
                ELSE 'cancelled' END AS status,
           -ln(1 - r3) * 30 AS response_hours
    FROM g
), t AS (
    SELECT s.*,
           CASE WHEN status = 'requested' OR (status = 'cancelled' AND r4 < 0.5) THEN NULL
                ELSE created_at + response_hours * interval '1 hour' END AS first_response_at
    FROM s
)
INSERT INTO referrals_referral (reference_code, need_category, urgency, reason, note_to_agency,
    screening_snapshot, status, created_at, status_changed_at, first_response_at, closed_at,
    rejection_reason, outcome, decided_by, outcome_note, reminder_sent_at, overdue_at,
    packet_status, packet_language, packet_client_file, packet_agency_file, packet_requested_at,
    packet_attempts, packet_error, agency_id, client_id, consent_id, program_id,
    sending_center_id, sent_by_id, packet_disclosed)
SELECT 'BN' || lpad(t.i::text, 10, '0'), p.need, 'routine', 'bench', '', '{}'::jsonb, t.status,
       t.created_at, t.created_at, t.first_response_at,
       CASE WHEN t.status IN ('completed', 'failed')
                THEN t.first_response_at + t.r4 * interval '20 days'
            WHEN t.status = 'rejected' THEN t.first_response_at
            WHEN t.status = 'cancelled' THEN t.created_at + t.r4 * interval '5 days'
       END,
       CASE WHEN t.status = 'rejected' THEN 'no_capacity' ELSE '' END,
       CASE WHEN t.status = 'completed'
                THEN (CASE WHEN t.r4 < 0.85 THEN 'got_help' ELSE 'other' END)
            WHEN t.status = 'failed' THEN (ARRAY['could_not_contact', 'no_capacity',
                 'client_declined', 'not_eligible'])[1 + floor(t.r4 * 4)::int]
            ELSE '' END,
       '', '', NULL,
       CASE WHEN (t.status = 'requested' AND t.created_at < now() - interval '7 days')
                 OR t.response_hours > 120 THEN t.created_at + interval '7 days' END,
       'ready', '', '', '', t.created_at, 0, '',
       p.agency_id, c.client_id, c.consent_id, p.program_id, c.center_id, %(user)s,
       '[]'::jsonb
FROM t
JOIN bench_clients c ON c.n = 1 + (t.i * 7919) %% %(n_clients)s
JOIN bench_programs p ON p.n = 1 + (t.i * 31 + t.i / 97) %% %(n_programs)s
-- Referrals are written as they are sent: the table's physical order follows created_at.
ORDER BY t.created_at
"""


@contextlib.contextmanager
def bulk_load(cursor, table: str):
    """Drops the table's plain indexes for the load and builds them again afterwards (much
    faster than maintaining a dozen indexes row by row); foreign-key triggers are off for
    the load (the generated rows reference existing ids by construction)."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {table}")


def seed_referrals(n: int, manager, *, reseed: bool) -> None:
    from django.db import connection

    from casework.models import Organization, OrganizationKind
    from referrals.models import Program, Referral

    existing = Referral.objects.filter(reference_code__startswith="BN").count()
    if existing == n and not reseed:
        print(f"reusing {existing:,} bench referrals (pass --reseed to load them again)")
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SET work_mem = '64MB'")
        cursor.execute("DELETE FROM referrals_referral WHERE reference_code LIKE 'BN%%'")
        cursor.execute(
            "DELETE FROM casework_consent WHERE client_id IN "
            "(SELECT id FROM casework_client WHERE legal_first_name = 'Bench')"
        )
        cursor.execute("DELETE FROM casework_client WHERE legal_first_name = 'Bench'")
        cleared = time.perf_counter()
        if cleared - started > 1:
            print(f"cleared the previous bench rows in {cleared - started:.1f}s")
        centers = list(
            Organization.objects.filter(
                kind=OrganizationKind.COMMUNITY_CENTER, slug__startswith="bench-"
            ).values_list("pk", flat=True)
        )
        with bulk_load(cursor, "casework_client"):
            cursor.execute(
                CLIENTS_SQL,
                {"user": manager.pk, "centers": centers, "n_centers": len(centers), "n": N_CLIENTS},
            )
        with bulk_load(cursor, "casework_consent"):
            cursor.execute(CONSENTS_SQL, {"user": manager.pk})
        cursor.execute("DROP TABLE IF EXISTS bench_clients, bench_programs")
        cursor.execute(
            "CREATE TEMP TABLE bench_clients AS SELECT row_number() OVER (ORDER BY c.id) AS n, "
            "c.id AS client_id, k.id AS consent_id, c.center_id FROM casework_client c "
            "JOIN casework_consent k ON k.client_id = c.id WHERE c.legal_first_name = 'Bench'"
        )
        programs = Program.objects.filter(name__startswith="Bench Program").order_by("pk")
        cursor.execute(
            "CREATE TEMP TABLE bench_programs (n int, program_id bigint, agency_id bigint, "
            "need text)"
        )
        cursor.executemany(
            "INSERT INTO bench_programs VALUES (%s, %s, %s, %s)",
            [
                (i + 1, p.pk, p.agency_id, (p.need_categories or ["food"])[0])
                for i, p in enumerate(programs)
            ],
        )
        cursor.execute("CREATE INDEX ON bench_clients (n)")
        cursor.execute("ANALYZE bench_clients")
        cursor.execute("ANALYZE bench_programs")
        loaded_clients = time.perf_counter()
        with bulk_load(cursor, "referrals_referral"):
            cursor.execute(
                REFERRALS_SQL,
                {
                    "days": DAYS_OF_HISTORY,
                    "n": n,
                    "n_clients": N_CLIENTS,
                    "n_programs": len(programs),
                    "user": manager.pk,
                },
            )
        # Steady state, as autovacuum would leave it: hint bits and visibility map set, and
        # fresh statistics for every table the reports join.
        cursor.execute("VACUUM (ANALYZE) referrals_referral, casework_client, casework_consent")
        cursor.execute("ANALYZE")
    done = time.perf_counter()
    print(
        f"seeded {N_CLIENTS:,} clients in {loaded_clients - cleared:.1f}s and "
        f"{n:,} referrals in {done - loaded_clients:.1f}s (INSERT ... SELECT generate_series)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from casework.models import Language, Organization, OrganizationKind
    from referrals.models import Referral
    from reports.forms import default_period
    from reports.metrics import ReportFilters, build_report
    from reports.periods import whole_period
    from reports.presentation import present
    from reports.rendering import report_csv
    from reports.services import previous_week_start, week_filters

    print(f"database: {connection.settings_dict['NAME']} on {connection.vendor}")
    call_command("migrate", verbosity=0)
    manager = seed_directory()
    seed_referrals(args.referrals, manager, reseed=args.reseed)
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
    agency = Organization.objects.filter(
        kind=OrganizationKind.PARTNER_AGENCY, slug__startswith="bench-agency"
    ).first()
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
