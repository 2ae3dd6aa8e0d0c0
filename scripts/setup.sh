#!/usr/bin/env bash
# Prepares a Casebridge checkout on a Debian machine. Idempotent, and quick when nothing changed.
#
#   bash scripts/setup.sh          # development: everything, including the demo data
#   bash scripts/setup.sh --test   # for the test suite: adds chromium, skips the demo data
#
# Steps: Debian packages (only the missing ones; `apt-get update` only if something is missing),
# .venv with the pinned Python dependencies (requirements.lock) and the project, npm packages
# (package-lock.json), a development .env, the database and its migrations, translations,
# static files and, for development, the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=dev
case "${1:-}" in
  "") ;;
  --test) mode=test ;;
  *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac

say() { printf '==> %s\n' "$*"; }
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# Debian packages -------------------------------------------------------------------------------
# gettext: compilemessages. fonts-noto-core: glyphs for every interface language in PDFs.
# libpango: WeasyPrint. poppler-utils: PDF tooling. chromium: the browser tests only.
packages=(gettext fonts-noto-core poppler-utils libpango-1.0-0 libpangoft2-1.0-0)
[ "$mode" = test ] && packages+=(chromium)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON=$candidate
      break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "Casebridge needs Python 3.11 (python3.11 or python3 on PATH, or PYTHON=...)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq || echo "apt-get update reported errors; trying the install anyway" >&2
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python ----------------------------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "Creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
PY=.venv/bin/python
python_stamp=.venv/.casebridge-requirements
python_hash=$(hash_of requirements.lock pyproject.toml)
if [ "$(cat "$python_stamp" 2>/dev/null)" != "$python_hash" ]; then
  say "Installing Python dependencies (requirements.lock) and the project"
  # The lock pins every package; installing the project with it checks pyproject.toml agrees.
  # pip's chatter goes to a log, shown only if the install fails.
  if ! { $PY -m pip install --disable-pip-version-check --upgrade pip &&
    $PY -m pip install --disable-pip-version-check -r requirements.lock -e ".[dev]"; } \
    >.venv/pip-install.log 2>&1; then
    cat .venv/pip-install.log >&2
    exit 1
  fi
  echo "$python_hash" >"$python_stamp"
fi

# npm -------------------------------------------------------------------------------------------
npm_stamp=node_modules/.casebridge-package-lock
npm_hash=$(hash_of package-lock.json)
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_hash" ]; then
  say "Installing front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_hash" >"$npm_stamp"
fi

# .env (development settings; never committed) ------------------------------------------------
if [ ! -f .env ]; then
  say "Writing .env (DEBUG=on, a generated SECRET_KEY)"
  secret=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
  umask 077
  printf 'DEBUG=on\nSECRET_KEY=%s\n' "$secret" >.env
  umask 022
fi

# Database --------------------------------------------------------------------------------------
# A PostgreSQL DATABASE_URL may name a database that does not exist yet: create it.
$PY - <<'PY'
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection  # noqa: E402

if connection.vendor == "postgresql":
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"==> Creating PostgreSQL database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
PY
$PY manage.py migrate --noinput -v 0

# Translations (the .po files come from the translation pass) -----------------------------------
if find locale -name '*.po' -print -quit 2>/dev/null | grep -q .; then
  $PY manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules --ignore=staticfiles
else
  say "No translations in locale/ yet; skipping compilemessages"
fi

# Static files ----------------------------------------------------------------------------------
$PY manage.py collectstatic --noinput -v 0

# Demo data -------------------------------------------------------------------------------------
if [ "$mode" = dev ]; then
  $PY manage.py seed_demo --quiet
fi
say "Setup done"
