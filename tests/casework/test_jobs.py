"""The job toolkit (casework/jobs.py) on a real job row (a weekly report run): a claim holds
until its lease expires, a publish with the broker down leaves the row for the sweeper, and
sweeping again changes nothing that was already done."""

import datetime
import logging

import pytest
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from casework import jobs
from reports.models import ReportRun, RunState

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 11, 2)
LEASE = jobs.Lease(
    status="state",
    pending=RunState.PENDING,
    running=RunState.RUNNING,
    claimed_at="started_at",
    length=datetime.timedelta(seconds=20),
)


class Broker:
    """Stands in for a task's publish: records what was published, or fails like a dead Redis."""

    name = "tests.job"

    def __init__(self, *, down: bool = False):
        self.down = down
        self.published: list[int] = []

    def apply_async(self, args, **options):
        if self.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.published.append(args[0])


def run(**fields) -> ReportRun:
    return ReportRun.objects.create(week_start=WEEK, **fields)


def worker(pk: int) -> bool:
    """What a job's task does: claim, work, finish only if the claim still holds."""
    token = jobs.claim(ReportRun.objects, pk, lease=LEASE, attempts="attempts")
    if token is None:
        return False
    return bool(
        jobs.held(ReportRun.objects, pk, lease=LEASE, token=token).update(state=RunState.READY)
    )


def sweep(broker: Broker, now=None) -> jobs.Swept:
    now = now or timezone.now()
    return jobs.sweep(
        broker,
        ReportRun.objects,
        lease=LEASE,
        stuck=Q(state=RunState.PENDING, requested_at__lt=now - datetime.timedelta(minutes=2)),
        now=now,
        attempts="attempts",
        max_attempts=3,
        give_up={"state": RunState.FAILED, "error": "Gave up"},
        order_by="requested_at",
    )


def test_a_claim_holds_until_its_lease_expires_then_the_next_worker_takes_over():
    job = run()
    first = jobs.claim(ReportRun.objects, job.pk, lease=LEASE, attempts="attempts")
    assert first is not None
    assert jobs.claim(ReportRun.objects, job.pk, lease=LEASE) is None  # held: nobody else runs
    assert jobs.claim(ReportRun.objects, job.pk, lease=LEASE, now=first + LEASE.length) is None

    # The first worker died; 21 s later its claim has expired and a second worker takes over.
    later = first + datetime.timedelta(seconds=21)
    second = jobs.claim(ReportRun.objects, job.pk, lease=LEASE, attempts="attempts", now=later)
    assert second == later
    job.refresh_from_db()
    assert (job.state, job.started_at, job.attempts) == (RunState.RUNNING, later, 2)

    # The first worker comes back to finish: its claim is gone, so it changes nothing.
    assert jobs.held(ReportRun.objects, job.pk, lease=LEASE, token=first).update(error="x") == 0
    assert jobs.held(ReportRun.objects, job.pk, lease=LEASE, token=second).update(
        state=RunState.READY
    )
    assert jobs.claim(ReportRun.objects, job.pk, lease=LEASE, now=later + LEASE.length * 10) is None


def test_enqueue_with_the_broker_down_never_raises_and_leaves_the_row_for_the_sweeper(
    caplog, django_capture_on_commit_callbacks
):
    job = run()
    down = Broker(down=True)
    with (
        caplog.at_level(logging.WARNING, logger="casework.jobs"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        jobs.enqueue_on_commit(down, job.pk)
        assert down.published == []  # nothing before the commit
    assert len(callbacks) == 1
    assert "could not enqueue, the sweeper will retry" in caplog.text
    job.refresh_from_db()
    assert job.state == RunState.PENDING

    # Two minutes on, Redis is back: the sweeper publishes it and a worker runs it.
    up = Broker()
    swept = sweep(up, now=timezone.now() + datetime.timedelta(minutes=3))
    assert (swept.enqueued, up.published) == (1, [job.pk])
    assert worker(job.pk) is True
    assert ReportRun.objects.get(pk=job.pk).state == RunState.READY


def test_a_job_without_a_row_runs_in_process_when_the_broker_is_down():
    sent = []
    assert jobs.enqueue(Broker(down=True), 7, fallback=sent.append) is False
    assert sent == [7]
    jobs.broker_backoff_reset()
    assert jobs.enqueue(Broker(), 8, fallback=sent.append) is True
    assert sent == [7]


def test_after_a_broker_failure_a_request_does_not_wait_on_it_again_but_the_sweeper_tries(
    settings,
):
    """A send queues a packet, an email and a roll-up: with Redis frozen, each publish would
    wait about a second; after the first fails the others are not tried for a few seconds."""
    settings.BROKER_BACKOFF_SECONDS = 60
    sent, broker = [], Broker()
    assert jobs.enqueue(Broker(down=True), 1) is False
    assert jobs.enqueue(broker, 2, fallback=sent.append) is False  # not tried: Redis is back,
    assert (broker.published, sent) == ([], [2])  # but the failure was moments ago
    assert jobs.enqueue(broker, 3, probe=True) is True  # the sweepers always try ...
    assert jobs.enqueue(broker, 4) is True  # ... and their success ends the back-off
    assert broker.published == [3, 4]
    settings.BROKER_BACKOFF_SECONDS = 0
    assert jobs.enqueue(Broker(down=True), 5) is False
    assert jobs.enqueue(broker, 6) is True  # no back-off configured: tried at once


def test_the_sweeper_is_idempotent_and_stops_when_the_broker_is_down():
    now = timezone.now()
    lost = run(requested_at=now - datetime.timedelta(minutes=5))
    crashed = run(
        state=RunState.RUNNING, started_at=now - datetime.timedelta(minutes=1), attempts=1
    )
    hopeless = run(
        state=RunState.RUNNING, started_at=now - datetime.timedelta(minutes=1), attempts=3
    )
    fresh = run(requested_at=now)
    working = run(state=RunState.RUNNING, started_at=now, attempts=1)

    down = Broker(down=True)
    assert sweep(down, now) == jobs.Swept(enqueued=0, expired=0, failed=1)
    assert down.published == []  # the first failure stopped it

    broker = Broker()
    assert sweep(broker, now) == jobs.Swept(enqueued=2, expired=1, failed=0)
    assert sorted(broker.published) == sorted([lost.pk, crashed.pk])
    # A sweep before any worker ran publishes them again; the claim makes the copy harmless.
    assert sweep(broker, now).enqueued == 2
    results = [worker(pk) for pk in broker.published]
    assert sorted(results) == [False, False, True, True]
    states = dict(ReportRun.objects.values_list("pk", "state"))
    assert states == {
        lost.pk: RunState.READY,
        crashed.pk: RunState.READY,
        hopeless.pk: RunState.FAILED,
        fresh.pk: RunState.PENDING,
        working.pk: RunState.RUNNING,
    }
    assert ReportRun.objects.get(pk=crashed.pk).attempts == 2

    # Once done, sweeping again finds nothing to do.
    assert sweep(Broker(), now) == jobs.Swept()


def test_every_beat_entry_names_a_registered_task():
    from config.celery import app

    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_beat_uses_the_database_scheduler_everywhere_it_is_started():
    from pathlib import Path

    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    base = Path(settings.BASE_DIR)
    procfile_beat = next(
        line for line in (base / "Procfile").read_text().splitlines() if line.startswith("beat:")
    )
    assert "--scheduler django_celery_beat.schedulers:DatabaseScheduler" in procfile_beat
    unit = (base / "deploy" / "casebridge-beat.service").read_text()
    assert "django_celery_beat.schedulers:DatabaseScheduler" in unit


def test_beat_writes_every_entry_into_its_tables_under_its_own_name(start_beat):
    from django_celery_beat.models import PeriodicTask

    start_beat()
    start_beat()  # a restart neither duplicates nor renames anything
    rows = {t.name: t for t in PeriodicTask.objects.all()}
    assert set(rows) == set(settings.CELERY_BEAT_SCHEDULE)  # those, and nothing of beat's own
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert rows[name].task == entry["task"] and rows[name].enabled
        expected = entry.get("options", {}).get("expire_seconds")
        assert rows[name].expire_seconds == expected
