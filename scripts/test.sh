#!/usr/bin/env bash
# The whole test command: setup for tests, lint, format check, migration check, every test.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k lockout`); so does PYTEST_ADDOPTS.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --test
PY=.venv/bin/python

echo "==> ruff check"
.venv/bin/ruff check .
echo "==> ruff format --check"
.venv/bin/ruff format --check .
echo "==> makemigrations --check"
$PY manage.py makemigrations --check --dry-run
echo "==> pytest"
# --create-db: a test database left by an earlier run may have an older schema.
exec .venv/bin/pytest -n "${PYTEST_WORKERS:-auto}" --create-db "$@"
