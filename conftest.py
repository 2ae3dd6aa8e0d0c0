"""Test-run defaults, set before Django settings load. Real services come from the environment:
DATABASE_URL (PostgreSQL in CI) and REDIS_URL."""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_hex(16))
os.environ.setdefault("DEBUG", "off")
os.environ.setdefault("STATIC_MANIFEST", "off")
os.environ.setdefault("SECURE_COOKIES", "off")
os.environ.setdefault("EMAIL_URL", "consolemail://")
