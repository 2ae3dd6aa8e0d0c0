"""Production settings pass Django's deployment checks, and the health endpoints tell a load
balancer and monitoring what they need without disclosing anything else."""

import os
import secrets
import subprocess
import sys
import time
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from casework import health
from tests.factories import UserFactory


def test_check_deploy_is_clean_under_production_settings():
    # Browser tests in the same process set DJANGO_ALLOW_ASYNC_UNSAFE (Playwright); a
    # deployment never has it, and check --deploy rightly refuses it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "casebridge.example.org",
        "SECURE_SSL_REDIRECT": "on",
        "SECURE_COOKIES": "on",
        "STATIC_MANIFEST": "on",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "",
        "LOG_FORMAT": "json",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture
def redis_health(settings):
    """Health keys in this test's own namespace of the real Redis."""
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is required (pytest.mark.redis)")
    settings.REDIS_URL = os.environ["REDIS_URL"]
    prefix = f"test-health-{secrets.token_hex(4)}:"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": prefix,
    }
    client = health.redis_client()
    yield client
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


pytestmark = pytest.mark.django_db


@pytest.mark.redis
def test_stack_health_needs_a_live_worker_and_beat(client, redis_health):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "fail"}

    health.record_worker_heartbeat("celery@host-a", client=redis_health)
    health.record_beat_run(client=redis_health)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # anonymous: nothing else


@pytest.mark.redis
def test_a_silent_worker_fails_the_stack_check_but_not_the_web_check(client, redis_health):
    stale = time.time() - health.WORKER_STALE_SECONDS - 5
    redis_health.zadd(health._key("workers"), {"celery@gone": stale})
    health.record_beat_run(client=redis_health)
    assert client.get(reverse("health")).status_code == 503
    web = client.get(reverse("health_web"))
    assert web.status_code == 200
    assert web.json() == {"status": "ok"}


@pytest.mark.redis
def test_only_staff_see_which_check_failed(client, redis_health, personas):
    health.record_beat_run(client=redis_health)
    client.force_login(personas.navigator_a)
    assert client.get(reverse("health")).json() == {"status": "fail"}

    client.force_login(UserFactory(is_staff=True))
    body = client.get(reverse("health")).json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"] == {"ok": True}
    assert body["checks"]["worker"] == {"ok": False, "age_seconds": None}
    assert body["checks"]["beat"]["ok"] is True


def test_web_health_fails_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("health_web"))
    assert response.status_code == 503
    assert response.json() == {"status": "fail"}


def test_health_answers_only_get(client):
    assert client.post(reverse("health_web")).status_code == 405


@pytest.mark.postgres
def test_every_database_connection_runs_without_jit():
    """The JIT compiler cost the county inbox 570 of its 790 ms (compiling, not running): each
    connection turns it off whatever postgresql.conf says, and keeps the rest of the server's
    settings."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    assert settings.DATABASES["default"]["OPTIONS"]["options"] == "-c jit=off"


def test_gunicorn_freezes_what_the_master_loaded_and_collects_less_often():
    """deploy/gunicorn.conf.py's fork hooks: the master's objects are frozen before a fork,
    a worker collects young objects every 20,000 allocations."""
    import gc
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", settings.BASE_DIR / "deploy" / "gunicorn.conf.py"
    )
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    thresholds = gc.get_threshold()
    try:
        gc.unfreeze()
        assert gc.get_freeze_count() == 0
        conf.pre_fork(server=None, worker=None)
        assert gc.get_freeze_count() > 10_000  # Django and the apps, as loaded here
        conf.post_fork(server=None, worker=None)
        assert gc.get_threshold() == (20_000, 20, 20)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


@pytest.mark.redis
def test_web_health_keeps_one_redis_connection_between_answers(client, redis_health):
    """A load balancer asks every few seconds: each answer used to open a connection of its
    own."""
    from redis.connection import Connection

    redis_health.connection_pool.disconnect()
    # Connection._connect opens the socket (connect() also runs, as a no-op, for a kept one).
    with mock.patch.object(
        Connection, "_connect", autospec=True, side_effect=Connection._connect
    ) as opened:
        for _ in range(5):
            assert client.get(reverse("health_web")).status_code == 200
    assert opened.call_count == 1


@pytest.mark.redis
def test_web_health_reconnects_when_redis_drops_the_connection(client, redis_health):
    assert client.get(reverse("health_web")).status_code == 200
    kept = redis_health.client_id()  # the pool's one connection, the view's too
    other = redis.Redis.from_url(settings.REDIS_URL)
    assert other.client_kill_filter(_id=kept) == 1
    other.close()
    assert client.get(reverse("health_web")).status_code == 200
    assert redis_health.client_id() != kept
