"""Screening benchmark: one intake against 1,000 programs with realistic rule sets.

    .venv/bin/python bench/screening.py [--programs 1000] [--runs 30]
    make bench-screening

Builds its own throw-away database — a temporary SQLite file by default, or the PostgreSQL
database named by BENCH_SCREENING_DATABASE_URL (created if missing, dropped afterwards is not
done: it is reused and re-seeded) — seeds the demo directory's rule sets cycled over 1,000
programs (CalFresh, Medi-Cal, WIC, Lifeline, CARE, ... with any-of groups, service areas and
some expired rule versions), then times ``screen_intake`` end to end: loading programs, rule
sets, criteria and guidelines from the database, evaluating, ranking. Prints the median.
The goal: under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_MS = 20.0
_tmpdir = tempfile.TemporaryDirectory(prefix="cb-bench-screening-")
DB_URL = os.environ.get("BENCH_SCREENING_DATABASE_URL") or (
    f"sqlite:///{_tmpdir.name}/bench.sqlite3"
)
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))  # this process only
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)


def ensure_postgres_database() -> None:
    if not DB_URL.startswith("postgres"):
        return
    import psycopg

    dbname = DB_URL.rsplit("/", 1)[1].split("?")[0]
    admin_url = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def seed(n_programs: int):
    import datetime
    import itertools
    import random
    from decimal import Decimal

    from django.db import transaction

    from casework import services as casework_services
    from casework.models import OrganizationKind, User
    from referrals.demo import bulk_create_rule_sets, load_directory_data
    from referrals.models import Criterion, Program, RuleSet

    rng = random.Random(42)
    templates = [p for p in load_directory_data()["programs"] if p["rule_sets"]]
    with transaction.atomic():
        Criterion.objects.all().delete()
        RuleSet.objects.all().delete()
        Program.objects.all().delete()
        agencies = []
        for i in range(50):
            slug = f"bench-agency-{i}"
            from casework.models import Organization

            org = Organization.objects.filter(slug=slug).first() or (
                casework_services.organization_create(
                    name=f"Bench agency {i}", slug=slug, kind=OrganizationKind.PARTNER_AGENCY
                )
            )
            agencies.append(org)
        programs = []
        template_for = []
        for i, template in zip(range(n_programs), itertools.cycle(templates), strict=False):
            programs.append(
                Program(
                    agency=agencies[i % len(agencies)],
                    name=f"{template['name']} #{i}",
                    need_categories=template["need_categories"],
                    languages=template["languages"],
                    service_area_county=template.get("service_area_county", ""),
                    service_area_zips=template.get("service_area_zips", []),
                    capacity_status=rng.choice(["accepting"] * 8 + ["waitlist", "closed"]),
                )
            )
            template_for.append(template)
        Program.objects.bulk_create(programs)
        n_rule_sets = bulk_create_rule_sets(zip(programs, template_for, strict=True))
        navigator = User.objects.filter(username="bench-navigator").first() or (
            User.objects.create_user("bench-navigator")
        )
        center = Organization.objects.filter(slug="bench-center").first() or (
            casework_services.organization_create(
                name="Bench center", slug="bench-center", kind=OrganizationKind.COMMUNITY_CENTER
            )
        )
        client = casework_services.client_create(
            actor=navigator,
            center=center,
            legal_first_name="Bench",
            legal_last_name="Client",
            date_of_birth=datetime.date(1990, 3, 4),
            zip_code="95116",
        )
        intake = casework_services.intake_create(
            actor=navigator,
            client=client,
            navigator=navigator,
            household_size=3,
            monthly_gross_income=Decimal("3900"),
            children_ages=[4],
            benefits_received=["medi_cal"],
            needs=["food", "digital_access"],
            has_working_device=False,
            has_internet_at_home=None,  # one unknown, so questions are produced too
            housing_status="rents",
            health_insurance="medi_cal",
        )
    return intake, n_rule_sets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    ensure_postgres_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from referrals.eligibility import screen_intake
    from referrals.models import Criterion

    call_command("migrate", verbosity=0)
    intake, n_rule_sets = seed(args.programs)
    n_criteria = Criterion.objects.count()

    for _ in range(3):  # warm-up: imports, connection, caches
        screen_intake(intake=intake)
    with CaptureQueriesContext(connection) as queries:
        results = screen_intake(intake=intake)
    timings, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        screen_intake(intake=intake)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p90 = timings[int(len(timings) * 0.9) - 1]

    # Cold: the compiled rules dropped before each run (first screening after a rule change).
    from referrals.eligibility import compiled

    cold = []
    for _ in range(max(3, args.runs // 5)):
        compiled.invalidate()
        start = time.perf_counter()
        screen_intake(intake=intake)
        cold.append((time.perf_counter() - start) * 1000)
    counts = {}
    for r in results:
        counts[str(r.status)] = counts.get(str(r.status), 0) + 1
    vendor = connection.vendor
    print(
        f"Screening one intake against {len(results)} programs "
        f"({n_rule_sets} rule sets, {n_criteria} criteria) on {vendor}:"
    )
    print(f"  queries per screening: {len(queries.captured_queries)}")
    print(f"  results: {counts}")
    print(
        f"  median {median:.1f} ms · p90 {p90:.1f} ms · min {timings[0]:.1f} ms "
        f"over {args.runs} runs (goal < {GOAL_MS:.0f} ms: "
        f"{'met' if median < GOAL_MS else 'NOT met'})"
    )
    print(f"  CPU time median {statistics.median(cpu):.1f} ms (less sensitive to a busy machine)")
    print(
        f"  cold (rules reloaded from the database first): median "
        f"{statistics.median(cold):.1f} ms over {len(cold)} runs"
    )
    print(f"  load average while running: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
