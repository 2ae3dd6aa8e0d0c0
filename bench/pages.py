"""Each persona's pages on the county database, one at a time: where a request's time goes.

    make bench-pages
    .venv/bin/python bench/pages.py [--runs 15] [--profile "client page"]

The load benchmark (bench/load.py) says how many requests per second the stack serves; this
says what one request of each kind costs in the web process, so a change to one page can be
measured without the noise of a concurrent run. It signs in as the county's busiest personas
(bench/county.py: nav_county, partner_county, manager_county), with DEBUG off, the cached
template loader and docs/deploy.md's PostgreSQL settings (bench/pgsettings.py) as in
production, and for each page prints the median and p90 wall time, the time spent waiting for
SQL, the rest (Python: views, forms, templates), the number of queries and the HTML size.
``--profile NAME`` prints cProfile's top functions for that page, ``--sql NAME`` its queries,
slowest first, ``--plan NAME`` PostgreSQL's planning and execution time of each of its reads
(EXPLAIN ANALYZE), planning first: a query PostgreSQL takes longer to plan than to run.

The county database must exist (make bench-county). Nothing is written: only GETs.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

import pgsettings  # bench/, this script's directory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_COUNTY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cb_county"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))  # this process only
os.environ["DEBUG"] = "off"
os.environ["PG_CONNECTION_OPTIONS"] = pgsettings.options()  # docs/deploy.md's, as load.py
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["SECURE_SSL_REDIRECT"] = "off"
os.environ["SECURE_COOKIES"] = "off"
os.environ["STATIC_MANIFEST"] = "off"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ["CELERY_KEY_PREFIX"] = "bench-pages:"
for limit in ("RATELIMIT_SEARCH", "RATELIMIT_API", "RATELIMIT_EXPORT"):
    os.environ[limit] = "100000/m"

CLIENT_LINK = re.compile(r'href="/clients/(\d+)/"')
REFERRAL_LINK = re.compile(r'href="/referrals/r/([A-Za-z0-9-]+)/"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page")
    parser.add_argument("--profile", metavar="NAME", help="cProfile this page (its name)")
    parser.add_argument(
        "--sql", metavar="NAME", help="print this page's queries, slowest first, with times"
    )
    parser.add_argument(
        "--plan",
        metavar="NAME",
        help="print the planning and execution time of this page's reads (EXPLAIN ANALYZE)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    users = get_user_model().objects
    if not users.filter(username="nav_county").exists():
        print("No county data here: run `make bench-county` first.", file=sys.stderr)
        return 2

    sql = {"seconds": 0.0, "count": 0, "log": []}

    def timed_sql(execute, query, params, many, context):
        start = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            took = time.perf_counter() - start
            sql["seconds"] += took
            sql["count"] += 1
            sql["log"].append((took, query, params))

    def browser(username: str) -> Client:
        b = Client()
        b.force_login(users.get(username=username))
        return b

    navigator, partner, manager = (
        browser("nav_county"),
        browser("partner_county"),
        browser("manager_county"),
    )
    found = navigator.get("/clients/?q=garcia").content.decode()
    client_id = CLIENT_LINK.findall(found)[0]
    inbox = partner.get("/referrals/inbox/").content.decode()
    code = REFERRAL_LINK.findall(inbox)[0]

    pages = [
        ("navigator dashboard", navigator, "/"),
        ("client search", navigator, "/clients/?q=garcia"),
        ("client search (phone)", navigator, "/clients/?q=408"),
        ("client list", navigator, "/clients/"),
        ("client page", navigator, f"/clients/{client_id}/"),
        ("intake form", navigator, f"/clients/{client_id}/intakes/new/"),
        ("send form", navigator, f"/referrals/clients/{client_id}/send/"),
        # What an intake save leads to, screened afresh (a "what if" is never cached).
        (
            "suggestions page",
            navigator,
            f"/referrals/clients/{client_id}/suggestions/?household_size=3",
        ),
        ("partner inbox", partner, "/referrals/inbox/"),
        ("partner inbox: new", partner, "/referrals/inbox/?status=requested"),
        ("referral page", partner, f"/referrals/r/{code}/"),
        ("reports dashboard", manager, "/reports/"),
        ("reports CSV", manager, "/reports/export.csv"),
        ("login form", Client(), "/login/"),
    ]
    for chosen in (args.profile, args.sql, args.plan):
        if chosen and chosen not in {name for name, _, _ in pages}:
            print(f"No page named {chosen!r}.", file=sys.stderr)
            return 2

    heads = ("median", "p90", "SQL", "Python", "queries")
    print(f"{'page':24} " + " ".join(f"{h:>8}" for h in heads) + f" {'KiB':>7}")
    with connection.execute_wrapper(timed_sql):
        for name, b, url in pages:
            b.get(url)  # warm-up: caches and connections as a running worker has them
            walls, sqls = [], []
            for _ in range(args.runs):
                sql.update(seconds=0.0, count=0, log=[])
                start = time.perf_counter()
                response = b.get(url)
                walls.append(time.perf_counter() - start)
                sqls.append(sql["seconds"])
                if response.status_code != 200:
                    print(f"{name}: HTTP {response.status_code}", file=sys.stderr)
                    return 1
            wall, sql_s = statistics.median(walls), statistics.median(sqls)
            p90 = statistics.quantiles(walls, n=10)[-1] if len(walls) > 1 else wall
            size = len(response.content) / 1024
            print(
                f"{name:24} {wall * 1000:7.1f}ms {p90 * 1000:7.1f}ms {sql_s * 1000:7.1f}ms "
                f"{(wall - sql_s) * 1000:7.1f}ms {sql['count']:8} {size:7.1f}"
            )
            if name == args.sql:
                for took, query, _params in sorted(sql["log"], key=lambda q: q[0], reverse=True):
                    print(f"  {took * 1000:7.1f}ms  {' '.join(query.split())[:600]}")
            if name == args.plan:
                print_plans(connection, sql["log"])
            if name == args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(args.runs):
                    b.get(url)
                profile.disable()
                stats = pstats.Stats(profile).sort_stats("cumulative")
                stats.print_stats(45)
                stats.print_stats(f"^{ROOT}/(?!\\.venv)", 40)  # the project's own functions
                stats.sort_stats("tottime").print_stats(30)
    return 0


def print_plans(connection, log) -> None:
    """Planning and execution time of each read in ``log`` (PostgreSQL's own figures)."""
    rows = []
    with connection.cursor() as cursor:
        for _took, query, params in log:
            if not query.lstrip().upper().startswith(("SELECT", "(SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query, params)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            rows.append((plan["Planning Time"], plan["Execution Time"], query))
    print(f"  {'planning':>9} {'execution':>9}")
    for planning, execution, query in sorted(rows, reverse=True):
        print(f"  {planning:7.2f}ms {execution:8.2f}ms  {' '.join(query.split())[:300]}")


if __name__ == "__main__":
    sys.exit(main())
