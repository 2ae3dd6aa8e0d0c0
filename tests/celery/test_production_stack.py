"""The production stack as `make serve` runs it: the Procfile's gunicorn, Celery worker (both
queues) and beat, started by honcho on the test database and Redis, DEBUG off. A navigator
signs in through the login form and opens her client's page; a packet is rendered by the
stack's own worker; the health endpoint sees the worker and beat; SIGTERM stops everything."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from referrals.models import PacketStatus
from referrals.packets.services import packet_schedule
from tests.referrals.packet_helpers import make_referral

from .conftest import BASE_DIR, database_url, free_port, purge, wait_for_packet

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,  # the stack's processes need the test database
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery staple"


def start_stack(port: int, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": celery_app.conf.broker_url,
        "CACHE_URL": "",  # the shared Redis cache, as in production (tests use locmem)
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "off",
        "LOG_FORMAT": "json",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "off",
        "SECURE_COOKIES": "off",
    }
    honcho = Path(sys.executable).with_name("honcho")
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            # As scripts/serve.sh: without the development .env (its DEBUG=on would win).
            [str(honcho), "start", "-f", "Procfile", "--env", "/dev/null"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def get(opener, url: str) -> tuple[int, str]:
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_until_healthy(opener, base: str, process, log_path: Path, timeout=90.0) -> dict:
    deadline = time.monotonic() + timeout
    body = None
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()[-4000:]
        try:
            status, text = get(opener, f"{base}/health/")
            body = json.loads(text)
            if status == 200:
                return body
        except (OSError, ValueError):
            pass
        time.sleep(1)
    log = log_path.read_text()[-4000:]
    raise AssertionError(f"stack not healthy after {timeout}s: {body}\n{log}")


def sign_in(opener, base: str, username: str, password: str) -> tuple[int, str]:
    _status, form = get(opener, f"{base}{reverse('login')}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}{reverse('login')}", data=data, headers={"Referer": f"{base}/login/"}
    )
    with opener.open(request, timeout=10) as response:
        return response.status, response.geturl()


def test_stack_starts_from_the_procfile_serves_renders_and_stops(personas, tmp_path):
    celery_app.conf.task_always_eager = False
    purge()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "stack.log"
    referral = make_referral(personas, language="es")
    # The tests hash passwords with MD5 (quick); the stack uses the production hashers.
    navigator = personas.navigator_a
    navigator.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    navigator.save(update_fields=["password"])
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    assert not PeriodicTask.objects.filter(name__in=settings.CELERY_BEAT_SCHEDULE).exists()
    process = start_stack(port, log_path)
    try:
        health = wait_until_healthy(opener, base, process, log_path)
        assert health == {"status": "ok"}  # anonymous: no details
        # Beat's DatabaseScheduler wrote every CELERY_BEAT_SCHEDULE entry into its tables.
        wanted = set(settings.CELERY_BEAT_SCHEDULE)
        deadline = time.monotonic() + 30
        while set(PeriodicTask.objects.values_list("name", flat=True)) < wanted:
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.5)

        status, landed = sign_in(opener, base, navigator.username, PASSWORD)
        assert status == 200 and landed == f"{base}/", log_path.read_text()[-3000:]
        client_url = reverse("casework:client_detail", args=[referral.client_id])
        status, page = get(opener, f"{base}{client_url}")
        assert status == 200
        assert referral.client.legal_last_name in page
        # DEBUG is off: a missing page is the product's 404, not Django's technical page
        # (which the development .env's DEBUG=on would give, through honcho).
        status, missing = get(opener, f"{base}/no-such-page/")
        assert status == 404 and "URLconf" not in missing and "<html" in missing

        packet_schedule(referral=referral)  # published to Redis; the stack's worker renders
        rendered = wait_for_packet(referral.pk, timeout=90)
        assert rendered.packet_status == PacketStatus.READY
        assert rendered.packet_client_file and rendered.packet_agency_file

        lines = [line for line in log_path.read_text().splitlines() if "gunicorn.access" in line]
        assert any(client_url in line and "request_id=" in line for line in lines)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            returncode = process.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
            raise AssertionError(f"stack did not stop\n{log_path.read_text()[-3000:]}") from None

    assert returncode in (0, -signal.SIGTERM, 128 + signal.SIGTERM), returncode
    log = log_path.read_text()
    for name in ("web.1", "worker.1", "beat.1"):
        assert re.search(rf"{name} stopped \(rc=(0|-15)\)", log), log[-3000:]
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{base}/health/web/", timeout=2)
