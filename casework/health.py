"""Health endpoints for a load balancer and for monitoring (docs/deploy.md).

``/health/web/``  the web process can serve: the database and Redis answer.
``/health/``      the whole stack: also a Celery worker's heartbeat and beat's last run.

Both are public and answer only ``{"status": "ok"}`` (200) or ``{"status": "fail"}`` (503);
a signed-in staff user (Django admin) also sees which check failed and how old each heartbeat
is. Nothing else (hosts, versions, errors) is ever shown.

Heartbeats live in Redis (REDIS_URL, under CELERY_KEY_PREFIX), written by the processes
themselves (config/celery.py): every worker every HEARTBEAT_SECONDS, and beat each time it
sends a task (its sweeper runs every 20 s, so a live beat writes at least that often).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

HEARTBEAT_SECONDS = 10
# A worker or beat silent for longer than this is reported as failing.
WORKER_STALE_SECONDS = 60
BEAT_STALE_SECONDS = 90


def _key(name: str) -> str:
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    return f"{prefix}health:{name}"


# One client, and so one connection pool, per process and Redis URL. A load balancer asks
# /health/web/ every few seconds; a client of its own for each answer opened a new connection
# and, in redis-py 8, read the package's metadata from disk to name itself (2 ms, most of the
# view's time). redis-py's pool opens new connections in a forked child (it checks the pid).
_clients: dict[str, Any] = {}


def redis_client():
    import redis

    url = settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=1
        )
    return client


def record_worker_heartbeat(hostname: str, *, client=None) -> None:
    client = client or redis_client()
    client.zadd(_key("workers"), {hostname: time.time()})


def forget_worker(hostname: str, *, client=None) -> None:
    client = client or redis_client()
    client.zrem(_key("workers"), hostname)


def record_beat_run(*, client=None) -> None:
    client = client or redis_client()
    client.set(_key("beat"), time.time(), ex=24 * 3600)


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _check_redis(client) -> dict:
    return {"ok": bool(client.ping())}


def _check_worker(client) -> dict:
    newest = client.zrevrange(_key("workers"), 0, 0, withscores=True)
    if not newest:
        return {"ok": False, "age_seconds": None}
    age = max(0.0, time.time() - newest[0][1])
    return {"ok": age <= WORKER_STALE_SECONDS, "age_seconds": round(age, 1)}


def _check_beat(client) -> dict:
    value = client.get(_key("beat"))
    if value is None:
        return {"ok": False, "age_seconds": None}
    age = max(0.0, time.time() - float(value))
    return {"ok": age <= BEAT_STALE_SECONDS, "age_seconds": round(age, 1)}


def run_checks(*, stack: bool) -> dict[str, dict]:
    results: dict[str, dict] = {}
    try:
        results["database"] = _check_database()
    except Exception:
        results["database"] = {"ok": False}
    if not settings.REDIS_URL:
        # Development without Redis: tasks run in-process, there is no worker or beat.
        results["redis"] = {"ok": False}
        if stack:
            results["worker"] = results["beat"] = {"ok": False, "age_seconds": None}
        return results
    client = redis_client()
    checks = [("redis", _check_redis)]
    if stack:
        checks += [("worker", _check_worker), ("beat", _check_beat)]
    for name, check in checks:
        try:
            results[name] = check(client)
        except Exception:
            results[name] = {"ok": False}
    return results


def _answer(request, *, stack: bool) -> JsonResponse:
    results = run_checks(stack=stack)
    healthy = all(result["ok"] for result in results.values())
    body: dict = {"status": "ok" if healthy else "fail"}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        body["checks"] = results
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
@never_cache
@require_GET
def health_stack(request):
    return _answer(request, stack=True)


@login_not_required
@never_cache
@require_GET
def health_web(request):
    return _answer(request, stack=False)
