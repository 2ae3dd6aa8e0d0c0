#!/usr/bin/env bash
# Runs the production stack on this machine: gunicorn, a Celery worker for both queues and
# beat (Procfile, through honcho), with DEBUG off and JSON logs. `make serve` runs it.
#
# On a clean machine it first runs scripts/setup.sh (packages, .venv, database, demo data),
# installs and starts a local redis-server when REDIS_URL is not set and nothing answers on
# 127.0.0.1:6379, and collects static files for the production storage. Plain HTTP on
# 127.0.0.1: cookies are not marked Secure and there is no HTTPS redirect; a real deployment
# terminates TLS in front of gunicorn and keeps both on (docs/deploy.md).
#   PORT=8001 make serve      WEB_CONCURRENCY=4 make serve
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

if [ -z "${REDIS_URL:-}" ]; then
  export REDIS_URL=redis://127.0.0.1:6379/0
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    if ! command -v redis-server >/dev/null 2>&1; then
      echo "==> Installing redis-server"
      sudo=""
      [ "$(id -u)" -eq 0 ] || sudo="sudo"
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        redis-server >/dev/null
    fi
    echo "==> Starting redis-server on 127.0.0.1:6379"
    redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no --daemonize yes >/dev/null
  fi
fi

export DEBUG=off LOG_FORMAT=${LOG_FORMAT:-json} PORT=${PORT:-8000}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-off} SECURE_COOKIES=${SECURE_COOKIES:-off}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
export PATH="$PWD/.venv/bin:$PATH"
# The production static storage (hashed names, compressed) needs its manifest.
python manage.py collectstatic --noinput -v 0

echo "==> Casebridge (production stack) at http://127.0.0.1:${PORT}/ — Ctrl-C stops it."
# --env /dev/null: honcho would otherwise load the development .env into every process, and its
# DEBUG=on would win over the DEBUG=off above (settings read .env themselves, under the
# environment's values, so SECRET_KEY still comes from it).
exec honcho start -f Procfile --env /dev/null
