"""Client search benchmark: 200,000 clients in PostgreSQL, half of them in the navigator's center.

    .venv/bin/python bench/search.py [--clients 200000] [--reseed]
    make bench-search

Uses its own database (BENCH_SEARCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/cb_ui_bench), creating and migrating it first. Clients and
their guardian grants are bulk-created; a rerun reuses them unless --reseed is given. Prints
the median time of the client list page (full request: access check, search, count, render)
for a name with a typo, a date of birth, a phone fragment and no query, and of the dashboard,
with the number of queries each made. The goal: each page in under a second.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_URL = os.environ.get(
    "BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cb_ui_bench"
)
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))  # this process only
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("REDIS_URL", None)

GOAL_SECONDS = 1.0
FIRST = ["Maria", "Rosa", "John", "Thi", "Ana", "Luis", "Priya", "Jose", "Linh", "Harpreet"]
LAST = ["Lopez", "Martinez", "Smith", "Nguyen", "Garcia", "Singh", "Tran", "Kaur", "Patel", "Kim"]


def ensure_database() -> None:
    import psycopg

    dbname = BENCH_URL.rsplit("/", 1)[1].split("?")[0]
    admin_url = BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def seed(n_clients: int, reseed: bool):
    from django.contrib.auth.models import Permission
    from django.db import connection

    from casework import services
    from casework.models import Client, ClientGroupObjectPermission, Organization, User
    from casework.models.clients import normalize_name

    if reseed:
        Client.objects.all().delete()
    nav = User.objects.filter(username="bench_nav").first()
    if nav is None:
        center = services.organization_create(
            name="Bench Center A", slug="bench-a", kind="community_center"
        )
        services.organization_create(name="Bench Center B", slug="bench-b", kind="community_center")
        nav = User.objects.create(username="bench_nav", first_name="Bea", last_name="Navigator")
        services.membership_create(user=nav, organization=center, role="navigator")
    if Client.objects.count() >= n_clients:
        return nav
    centers = list(Organization.objects.filter(slug__in=["bench-a", "bench-b"]).order_by("slug"))
    view = Permission.objects.get(codename="view_client")
    change = Permission.objects.get(codename="change_client")
    rnd = random.Random(1)
    batch = 5000
    for start in range(Client.objects.count(), n_clients, batch):
        rows = []
        for i in range(start, min(start + batch, n_clients)):
            first, last = rnd.choice(FIRST), rnd.choice(LAST) + str(rnd.randint(0, 999))
            client = Client(
                legal_first_name=first,
                legal_last_name=last,
                center=centers[i % 2],
                created_by=nav,
                date_of_birth=datetime.date(1940, 1, 1)
                + datetime.timedelta(days=rnd.randint(0, 25000)),
                phone=f"+1408{rnd.randint(0, 9_999_999):07d}",
            )
            client.search_name = normalize_name(f"{first}  {last}")
            rows.append(client)
        created = Client.objects.bulk_create(rows)
        ClientGroupObjectPermission.objects.bulk_create(
            ClientGroupObjectPermission(group=c.center.group, permission=perm, content_object=c)
            for c in created
            for perm in (view, change)
        )
        print(f"  seeded {start + len(rows):,} clients", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return nav


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
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client as DjangoClient
    from django.test.utils import setup_test_environment

    call_command("migrate", verbosity=0)
    nav = seed(args.clients, args.reseed)
    setup_test_environment()
    browser = DjangoClient()
    browser.force_login(nav, backend="django.contrib.auth.backends.ModelBackend")

    pages = [
        ("name with a typo", "/clients/?q=rosa+martnez"),
        ("name, many matches", "/clients/?q=lopez"),
        ("date of birth", "/clients/?q=03/14/1985"),
        ("phone fragment", "/clients/?q=408555"),
        ("all clients, page 1", "/clients/"),
        ("all clients, page 2000", "/clients/?page=2000"),
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
