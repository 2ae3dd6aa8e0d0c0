"""Client search benchmark: the county's 200,000 clients in PostgreSQL, searched by the
navigator of its biggest center.

    .venv/bin/python bench/search.py [--scale 1] [--reseed]
    make bench-search

Uses the county database of bench/county.py (BENCH_COUNTY_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/cb_county), seeding it first if it does not hold the county
at that scale (BENCH_COUNTY_SCALE or --scale, default 1): realistic names in five languages,
phones, dates of birth, guardian grants to each client's center. Prints the median time of the
client list page (full request: access check, search, count, render) for a name with a typo,
a date of birth, a phone fragment and no query, and of the dashboard, with the number of
queries each made. The goal: each page in under a second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import county

GOAL_SECONDS = 1.0


def timed(django_client, url, repeat=5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = django_client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(ctx.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=float(os.environ.get("BENCH_COUNTY_SCALE", "1"))
    )
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    county.ensure_database(county.COUNTY_URL, drop=args.reseed)
    county.configure_django(county.COUNTY_URL)
    import django

    django.setup()
    from django.test import Client as DjangoClient
    from django.test.utils import setup_test_environment

    from casework.models import Client, User
    from casework.selectors import PAGE_SIZE

    county.prepare(county.COUNTY_URL, args.scale, reseed=args.reseed)
    nav = User.objects.get(username="nav_county")
    center = nav.memberships.get().organization
    mine, total = Client.objects.filter(center=center).count(), Client.objects.count()
    print(f"{nav.username}: navigator of {center}, {mine:,} of the county's {total:,} clients")
    deep = max(1, mine // PAGE_SIZE // 2)  # the middle of the center's client list
    setup_test_environment()
    browser = DjangoClient()
    browser.force_login(nav, backend="django.contrib.auth.backends.ModelBackend")

    pages = [
        ("name with a typo", "/clients/?q=rosa+martnez"),
        ("name, many matches", "/clients/?q=lopez"),
        ("date of birth", "/clients/?q=03/14/1985"),
        ("phone fragment", "/clients/?q=408555"),
        ("all clients, page 1", "/clients/"),
        (f"all clients, page {deep:,}", f"/clients/?page={deep}"),
        ("dashboard", "/"),
    ]
    worst = 0.0
    for label, url in pages:
        seconds, queries = timed(browser, url)
        worst = max(worst, seconds)
        print(f"{label:24} {seconds * 1000:8.1f} ms  {queries:3d} queries  {url}")
    verdict = "OK" if worst < GOAL_SECONDS else "SLOWER THAN GOAL"
    print(f"slowest {worst * 1000:.0f} ms (goal < {GOAL_SECONDS * 1000:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
