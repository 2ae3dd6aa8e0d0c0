"""Real parts for the packet job: a Celery worker thread on the project's Redis, a private
redis-server that a test can freeze or stop, and a worker as a real subprocess."""

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from referrals.models import PacketStatus, Referral

BASE_DIR = Path(settings.BASE_DIR)


# Under pytest-xdist, tests/conftest.py gives each test process its own broker key prefix
# (CELERY_KEY_PREFIX, inherited by worker subprocesses), so workers never take each other's
# messages; these helpers work inside that namespace.
PACKET_QUEUE = "pdf"


def purge(queue: str = PACKET_QUEUE) -> None:
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def drop_unacked(queue: str = PACKET_QUEUE) -> None:
    """Forget messages of ``queue`` that a killed worker left unacknowledged in Redis (they
    would come back after the visibility timeout, into some later run)."""
    import redis

    prefix = celery_app.conf.broker_transport_options.get("global_keyprefix", "")
    client = redis.Redis.from_url(celery_app.conf.broker_url)
    try:
        for tag, payload in client.hgetall(f"{prefix}unacked").items():
            _message, _exchange, routing_key = json.loads(payload)
            if routing_key == queue:
                client.hdel(f"{prefix}unacked", tag)
                client.zrem(f"{prefix}unacked_index", tag)
    finally:
        client.close()


@contextmanager
def thread_worker(queue: str = PACKET_QUEUE):
    """A worker thread (celery.contrib.testing) consuming the packet queue, tasks not eager."""
    celery_app.conf.task_always_eager = False  # tests/conftest.py restores it afterwards
    queues = celery_app.amqp.queues
    consume_from = queues._consume_from
    # Celery's test worker sets up logging for itself: the root logger's level becomes its
    # loglevel ("error"), which would hide warnings from every later test in this process.
    root_level = logging.getLogger().level
    try:
        with start_worker(
            celery_app,
            pool="solo",
            queues=[queue],
            perform_ping_check=False,
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        # Choosing queues changes the app's own selection: give the next worker the default.
        queues._consume_from = consume_from
        logging.getLogger().setLevel(root_level)


@pytest.fixture
def real_worker():
    celery_app.conf.task_always_eager = False
    purge()  # stale messages from other runs
    with thread_worker() as worker:
        yield worker


def wait_for_packet(referral_id, statuses=(PacketStatus.READY,), timeout=60.0) -> Referral:
    deadline = time.monotonic() + timeout
    while True:
        referral = Referral.objects.get(pk=referral_id)
        if referral.packet_status in statuses:
            return referral
        if time.monotonic() > deadline:
            raise AssertionError(
                f"packet {referral_id} still {referral.packet_status} after {timeout}s "
                f"({referral.packet_error})"
            )
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A private redis-server (no persistence) that a test may freeze, resume, stop, restart."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)  # accepts TCP connections, never answers

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def private_redis():
    """Our own redis-server on a free port, and the Celery app pointed at it for the test."""
    server = RedisServer(free_port())
    server.start()
    celery_app.conf.task_always_eager = False  # tests/conftest.py restores it afterwards
    old_url = celery_app.conf.broker_url
    _point_celery_at(server.url)
    try:
        yield server
    finally:
        server.stop()
        _point_celery_at(old_url, close_current=True)


def _point_celery_at(url: str, *, close_current: bool = False) -> None:
    # The app caches its connection and producer pools: drop them so the new URL is used.
    # kombu keeps producer pools per broker URL process-wide, so only a pool that is never
    # used again (the private Redis's) may be closed.
    if close_current and celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app.conf.broker_url = url
    celery_app.conf.broker_write_url = None
    celery_app.conf.broker_read_url = None
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def database_url() -> str:
    """The test database as a DATABASE_URL, for a worker subprocess."""
    s = connection.settings_dict
    user = s["USER"] or ""
    auth = f"{user}:{s['PASSWORD']}@" if s.get("PASSWORD") else (f"{user}@" if user else "")
    return f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def subprocess_worker(
    name: str, *, queue: str = PACKET_QUEUE, extra_env: dict | None = None, log_path: Path
):
    """``celery -A config worker`` as a real process on the test database and broker."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": celery_app.conf.broker_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "1",
        "SECRET_KEY": "worker-subprocess-in-tests",
        "PACKET_STALE_SECONDS": str(settings.PACKET_STALE_SECONDS),
        **(extra_env or {}),
    }
    celery = Path(sys.executable).with_name("celery")
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [
                str(celery),
                "-A",
                "config",
                "worker",
                "-Q",
                "pdf",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
