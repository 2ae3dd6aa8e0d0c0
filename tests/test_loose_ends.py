"""Loose ends of issue 11: the administrator's start page, SITE_URL from the dev server's port,
the favicon, and a seed command that says truthfully what it did."""

import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from casework.models import Client
from referrals.models import PacketStatus, Referral
from referrals.packets import demo as packets_demo
from referrals.packets.services import packet_render
from tests.conftest import login
from tests.factories import UserFactory
from tests.referrals.packet_helpers import make_referral

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_the_admin_persona_lands_on_links_to_the_admin_and_the_directory(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    login(client, admin)
    response = client.get(reverse("casework:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "not linked to a community center" not in body
    assert f'href="{reverse("admin:index")}"' in body
    try:
        directory = reverse("referrals:program_list")
    except Exception:
        directory = reverse("admin:referrals_program_changelist")
    assert f'href="{directory}"' in body
    assert client.get(directory).status_code == 200


@pytest.mark.django_db
def test_someone_with_no_role_gets_no_admin_links(client, personas):
    login(client, personas.outsider)
    body = client.get(reverse("casework:dashboard")).content.decode()
    assert "not linked to a community center" in body
    assert reverse("admin:index") not in body


def _run_sh_env(tmp_path, **env):
    """Runs scripts/run.sh with a stand-in Python that prints SITE_URL instead of serving."""
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL"\n')
    fake.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "run.sh")],
        env={**clean, "PY": str(fake), **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return [line for line in result.stdout.splitlines() if line.startswith("SITE_URL=")]


def test_the_dev_server_sets_site_url_from_its_port(tmp_path):
    assert set(_run_sh_env(tmp_path, PORT="8123")) == {"SITE_URL=http://127.0.0.1:8123"}
    assert set(_run_sh_env(tmp_path)) == {"SITE_URL=http://127.0.0.1:8000"}
    # An explicit SITE_URL (a tunnel, a proxy) is kept.
    kept = _run_sh_env(tmp_path, PORT="8123", SITE_URL="https://cb.example.org")
    assert set(kept) == {"SITE_URL=https://cb.example.org"}


@pytest.mark.django_db
def test_email_links_use_site_url(settings, personas, client_a, mailoutbox):
    from django.test import TestCase

    from tests.referrals.referral_helpers import send

    settings.SITE_URL = "http://127.0.0.1:8123/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        referral = send(personas, client_a)
    link = f"http://127.0.0.1:8123/referrals/r/{referral.reference_code}/"
    assert mailoutbox and all(link in m.body for m in mailoutbox)


@pytest.mark.django_db
def test_the_favicon_is_served_and_linked(client, personas):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    content = b"".join(response) if response.streaming else response.content
    assert response["Content-Type"].startswith("image/svg")
    assert b"<svg" in content
    login(client, personas.navigator_a)
    body = client.get(reverse("casework:dashboard")).content.decode()
    assert 'rel="icon"' in body


def test_no_broker_warning_without_redis():
    """Without REDIS_URL tasks run in-process: kombu must not warn about a missing host."""
    code = (
        "import django, logging; django.setup();"
        "from django.conf import settings; from kombu import Connection;"
        "Connection(settings.CELERY_BROKER_URL)._info()"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "No hostname was supplied" not in result.stderr + result.stdout


@pytest.mark.django_db
def test_seeding_says_how_many_packets_are_ready_and_who_rendered_them(settings, personas):
    settings.REDIS_URL = ""
    first = make_referral(personas)
    assert packet_render(referral_id=first.pk)  # as if rendered when it was sent
    second = make_referral(personas)
    Referral.objects.filter(pk=second.pk).update(packet_status=PacketStatus.PENDING)
    out = io.StringIO()
    city = SimpleNamespace(clients=Client.objects.all())
    assert packets_demo.seed_demo(city=city, stdout=out) == 1
    assert out.getvalue() == (
        "Demo referral packets: 2 of 2 ready (1 rendered by this step,"
        " the rest as the referrals were sent)."
    )
