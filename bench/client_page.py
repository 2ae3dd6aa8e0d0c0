"""Client page size at county scale: 250 agencies, 1,000 programs, a client with a long history.

    .venv/bin/python bench/client_page.py
    make bench-client-page

Builds the data of tests/county_scale.py in a throw-away SQLite database (or
BENCH_CLIENT_PAGE_DATABASE_URL), renders the client page as its navigator and prints its HTML
size and query count. The goal: under 60 KiB.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_BYTES = 60 * 1024
_tmpdir = tempfile.TemporaryDirectory(prefix="cb-bench-client-page-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_CLIENT_PAGE_DATABASE_URL") or (
    f"sqlite:///{_tmpdir.name}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))  # this process only
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.pop("REDIS_URL", None)


class _Rollback(Exception):
    pass


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.county_scale import build_county_client

    call_command("migrate", verbosity=0)
    try:
        with transaction.atomic():  # packets and emails are queued on commit: never reached
            navigator, client = build_county_client()
            browser = Client()
            browser.force_login(navigator, backend="django.contrib.auth.backends.ModelBackend")
            url = reverse("casework:client_detail", args=[client.pk])
            browser.get(url)  # warm-up
            with CaptureQueriesContext(connection) as queries:
                response = browser.get(url)
            size = len(response.content)
            print(
                f"Client page at county scale (1,000 programs, 250 agencies, "
                f"{client.referrals.count()} referrals, {client.notes.count()} notes): "
                f"HTTP {response.status_code}, {size:,} bytes ({size / 1024:.1f} KiB), "
                f"{len(queries.captured_queries)} queries "
                f"(goal < {GOAL_BYTES // 1024} KiB: {'met' if size < GOAL_BYTES else 'NOT met'})"
            )
            raise _Rollback
    except _Rollback:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
