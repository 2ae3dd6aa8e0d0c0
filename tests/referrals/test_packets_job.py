"""The packet job: scheduled after commit, claimed once, retried, swept. The row is the truth."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from referrals.models import PacketStatus, Referral
from referrals.packets import services
from referrals.packets.services import (
    packet_claim,
    packet_render,
    packet_schedule,
    packets_sweep,
)
from referrals.packets.tasks import RETRY_BACKOFF_CAP_SECONDS, packet_render_task

from .packet_helpers import make_referral

pytestmark = pytest.mark.django_db


def state(referral) -> Referral:
    referral.refresh_from_db()
    return referral


def test_schedule_enqueues_only_after_commit(personas, django_capture_on_commit_callbacks):
    referral = make_referral(personas)
    with mock.patch.object(packet_render_task, "apply_async") as publish:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            packet_schedule(referral=referral)
            assert state(referral).packet_status == PacketStatus.PENDING
            publish.assert_not_called()  # still inside the transaction
        assert len(callbacks) == 1
    publish.assert_called_once_with(args=[referral.pk])


def test_schedule_renders_the_packet_in_process_without_redis(
    personas, django_capture_on_commit_callbacks
):
    referral = make_referral(personas, language="hi")
    with django_capture_on_commit_callbacks(execute=True):
        packet_schedule(referral=referral)
    referral = state(referral)
    assert referral.packet_status == PacketStatus.READY
    assert referral.packet_language == "hi"
    assert referral.packet_attempts == 1
    assert referral.packet_client_file.read().startswith(b"%PDF-")


def test_broker_down_leaves_the_row_pending_and_raises_nothing(
    personas, django_capture_on_commit_callbacks, caplog
):
    referral = make_referral(personas)
    with (
        mock.patch.object(
            packet_render_task, "apply_async", side_effect=OperationalError("Connection refused")
        ),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        packet_schedule(referral=referral)
    assert state(referral).packet_status == PacketStatus.PENDING
    assert "the sweeper will retry" in caplog.text


def test_a_duplicate_or_late_message_does_nothing(personas):
    referral = make_referral(personas)
    assert packet_render(referral_id=referral.pk) is True
    rendered = state(referral)
    files = (rendered.packet_client_file.name, rendered.packet_agency_file.name)

    with mock.patch.object(services, "packet_build") as build:
        assert packet_render(referral_id=referral.pk) is False
        packet_render_task.delay(referral.pk)
        build.assert_not_called()
    again = state(referral)
    assert (again.packet_client_file.name, again.packet_agency_file.name) == files
    assert again.packet_attempts == 1


def test_a_fresh_rendering_claim_is_respected_and_a_stale_one_taken_over(personas, settings):
    settings.PACKET_STALE_SECONDS = 300
    referral = make_referral(personas)
    assert packet_claim(referral_id=referral.pk) is not None
    assert packet_claim(referral_id=referral.pk) is None  # someone is rendering it

    Referral.objects.filter(pk=referral.pk).update(
        packet_started_at=timezone.now() - timedelta(seconds=301)
    )
    assert packet_render(referral_id=referral.pk) is True  # that worker died: take over
    referral = state(referral)
    assert referral.packet_status == PacketStatus.READY
    assert referral.packet_attempts == 2


def test_a_render_that_loses_its_claim_keeps_the_winners_files(personas):
    """A worker that was presumed dead finishes after another took over: the winner's files
    stay, the loser's are removed, the packet is not marked twice."""
    referral = make_referral(personas)
    real_build = services.packet_build
    nested = []

    def build_while_another_worker_takes_over(*, referral):
        if not nested:
            nested.append(1)
            Referral.objects.filter(pk=referral.pk).update(
                packet_started_at=timezone.now() - timedelta(hours=1)
            )
            assert packet_render(referral_id=referral.pk) is True  # the other worker
        return real_build(referral=referral)

    with mock.patch.object(
        services, "packet_build", side_effect=build_while_another_worker_takes_over
    ):
        assert packet_render(referral_id=referral.pk) is False  # the late one
    referral = state(referral)
    assert referral.packet_status == PacketStatus.READY
    assert referral.packet_attempts == 2
    storage = referral.packet_client_file.storage
    folder = referral.packet_client_file.name.rsplit("/", 1)[0]
    assert sorted(storage.listdir(folder)[1]) == sorted(
        name.rsplit("/", 1)[1]
        for name in (referral.packet_client_file.name, referral.packet_agency_file.name)
    )


def test_transient_failures_are_retried_then_marked_failed(personas):
    referral = make_referral(personas)
    with mock.patch.object(services, "packet_build", side_effect=OSError("disk full")) as build:
        packet_render_task.delay(referral.pk)
    referral = state(referral)
    assert build.call_count == packet_render_task.max_retries + 1
    assert referral.packet_status == PacketStatus.FAILED
    assert "disk full" in referral.packet_error
    assert referral.packet_attempts == packet_render_task.max_retries + 1


def test_a_transient_failure_then_success(personas):
    referral = make_referral(personas)
    real_build = services.packet_build
    calls = []

    def flaky(*, referral):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("storage hiccup")
        return real_build(referral=referral)

    with mock.patch.object(services, "packet_build", side_effect=flaky):
        packet_render_task.delay(referral.pk)
    referral = state(referral)
    assert referral.packet_status == PacketStatus.READY
    assert referral.packet_error == ""
    assert len(calls) == 2


def test_retry_backoff_grows(personas):
    referral = make_referral(personas)
    countdowns = []
    real_retry = packet_render_task.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        return real_retry(*args, **kwargs)

    with (
        mock.patch.object(services, "packet_build", side_effect=OSError("down")),
        mock.patch.object(packet_render_task, "retry", side_effect=spy),
    ):
        packet_render_task.delay(referral.pk)
    assert countdowns == [10, 20, 40, 80]


def test_a_template_error_fails_at_once(personas):
    referral = make_referral(personas)
    with mock.patch.object(services, "packet_build", side_effect=ValueError("bad data")) as build:
        packet_render_task.delay(referral.pk)
    referral = state(referral)
    assert build.call_count == 1
    assert referral.packet_status == PacketStatus.FAILED
    assert "bad data" in referral.packet_error


def test_the_render_task_has_time_limits_and_its_own_queue(settings):
    assert packet_render_task.soft_time_limit < packet_render_task.time_limit
    # A live render renews its short lease until past the hard time limit (then it is dead).
    assert packet_render_task.time_limit < settings.PACKET_LEASE_MAX_SECONDS
    assert services.packet_stale_after().total_seconds() <= 20
    from config.celery import app

    route = app.amqp.router.route({}, packet_render_task.name)
    assert route["queue"].name == "pdf"


def test_sweeper_reenqueues_old_pending_and_stale_rendering(personas, settings):
    settings.PACKET_PENDING_GRACE_SECONDS = 120
    settings.PACKET_STALE_SECONDS = 300
    now = timezone.now()
    fresh = make_referral(personas, first_name="Fresh")
    lost = make_referral(personas, first_name="Lost")
    crashed = make_referral(personas, first_name="Crashed")
    running = make_referral(personas, first_name="Running")
    gave_up = make_referral(personas, first_name="GaveUp")
    Referral.objects.filter(pk=lost.pk).update(packet_requested_at=now - timedelta(minutes=3))
    Referral.objects.filter(pk=crashed.pk).update(
        packet_status=PacketStatus.RENDERING,
        packet_started_at=now - timedelta(minutes=6),
        packet_attempts=1,
    )
    Referral.objects.filter(pk=running.pk).update(
        packet_status=PacketStatus.RENDERING, packet_started_at=now - timedelta(seconds=30)
    )
    Referral.objects.filter(pk=gave_up.pk).update(
        packet_status=PacketStatus.RENDERING,
        packet_started_at=now - timedelta(minutes=6),
        packet_attempts=settings.PACKET_MAX_ATTEMPTS,
    )

    with mock.patch.object(packet_render_task, "apply_async") as publish:
        assert packets_sweep() == 2
    assert sorted(c.kwargs["args"][0] for c in publish.call_args_list) == sorted(
        [lost.pk, crashed.pk]
    )
    assert state(gave_up).packet_status == PacketStatus.FAILED
    assert state(running).packet_status == PacketStatus.RENDERING
    assert state(fresh).packet_status == PacketStatus.PENDING

    packets_sweep()  # in process (no Redis): the sweep renders them
    assert state(lost).packet_status == PacketStatus.READY
    assert state(crashed).packet_status == PacketStatus.READY


def test_sweeper_stops_when_the_broker_is_down(personas):
    referral = make_referral(personas)
    Referral.objects.filter(pk=referral.pk).update(
        packet_requested_at=timezone.now() - timedelta(hours=1)
    )
    with mock.patch.object(
        packet_render_task, "apply_async", side_effect=OperationalError("down")
    ) as publish:
        assert packets_sweep() == 0
    assert publish.call_count == 1
    assert state(referral).packet_status == PacketStatus.PENDING


SWEEP_TASK_NAME = "referrals: re-enqueue stuck packets (every 20 seconds)"


def test_sweeper_runs_every_20_seconds_from_beat(start_beat):
    """Beat writes the sweep from CELERY_BEAT_SCHEDULE into django-celery-beat's tables when it
    starts, under a stable name, and starting it again changes nothing."""
    start_beat()
    start_beat()

    task = PeriodicTask.objects.get(name=SWEEP_TASK_NAME)
    assert task.task == "referrals.packets_sweep"
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (20, "seconds")
    assert task.expire_seconds == 15
    assert PeriodicTask.objects.filter(task="referrals.packets_sweep").count() == 1
    from config.celery import app

    assert "referrals.packets_sweep" in app.tasks


def test_every_new_referral_gets_its_packet(personas, client_a, django_capture_on_commit_callbacks):
    from referrals.services import referral_send

    from .packet_helpers import make_program

    program = make_program(personas)
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_send(
            actor=personas.navigator_a,
            client=client_a,
            program=program,
            need_category="food",
            reason="Needs groceries.",
        )
    referral = state(referral)
    assert referral.packet_status == PacketStatus.READY
    assert referral.packet_language == "es"  # client_a prefers Spanish
    assert referral.packet_client_file and referral.packet_agency_file


def test_celery_settings_never_lose_a_packet(settings):
    from config.celery import app

    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.worker_max_tasks_per_child and conf.worker_max_memory_per_child
    options = conf.broker_transport_options
    assert options["visibility_timeout"] > RETRY_BACKOFF_CAP_SECONDS
    assert options["visibility_timeout"] > packet_render_task.time_limit
    assert options["socket_connect_timeout"] <= 2 and options["socket_timeout"] <= 2
    assert conf.task_publish_retry_policy["max_retries"] == 0
