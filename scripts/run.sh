#!/usr/bin/env bash
# Serves Casebridge at http://127.0.0.1:8000 after `scripts/setup.sh` (the Makefile runs it first).
# PORT=8001 make run serves on another port.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
port=${PORT:-8000}
# Links in emails (console backend in development) point at this server, whatever its port,
# unless SITE_URL is set in the environment.
export SITE_URL="${SITE_URL:-http://127.0.0.1:${port}}"

$PY manage.py seed_demo --logins
echo
echo "Casebridge is starting at http://127.0.0.1:${port}/ (Ctrl-C stops it)."
exec $PY manage.py runserver "127.0.0.1:${port}"
