"""Test-run environment defaults, set before pytest-django loads the Django settings.

Loaded as an early plugin (`-p tests.environment` in pyproject's addopts): a conftest.py is
imported only after pytest-django has configured settings, so it could not set these. They
win over a developer's `.env` (read with overwrite=False). Real services still come from the
environment: DATABASE_URL (PostgreSQL in CI) and REDIS_URL."""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_hex(16))
os.environ["DEBUG"] = "off"  # tests exercise production settings, whatever .env says
os.environ.setdefault("STATIC_MANIFEST", "off")
os.environ.setdefault("SECURE_COOKIES", "off")
os.environ.setdefault("EMAIL_URL", "consolemail://")
# Plain-HTTP test client and live server: no redirect to HTTPS (tests/casework/test_security.py
# checks the production default). Rate-limit counters in per-process memory, cleared per test.
os.environ.setdefault("SECURE_SSL_REDIRECT", "off")
os.environ.setdefault("CACHE_URL", "locmem://")
# The dashboard's figures are computed on every load unless a test turns the cache on
# (tests/reports/test_cached_dashboard.py): tests that change referrals in bulk then reload.
os.environ.setdefault("REPORTS_CACHE_SECONDS", "0")
