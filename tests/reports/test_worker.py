"""A weekly report run end to end through Redis and a real Celery worker (needs REDIS_URL)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from referrals.models import Referral
from reports import services
from reports.models import ReportRun, RunState

from .conftest import WEEK
from .test_runs import assert_report_files

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker():
    """A Celery worker thread consuming the project's broker (Redis), tasks not eager."""
    celery_app.conf.task_always_eager = False  # tests/conftest.py restores it afterwards
    with celery_app.connection_for_write() as conn:
        celery_app.amqp.queues["celery"].bind(conn).purge()  # stale messages from other runs
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield


def wait_for(run_id, timeout=90.0) -> ReportRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = ReportRun.objects.get(pk=run_id)
        if run.is_finished:
            return run
        time.sleep(0.25)
    raise AssertionError(f"run {run_id} still {run.state} after {timeout}s")


def test_report_run_through_redis_and_a_worker(outcome_data, real_worker):
    codes = list(Referral.objects.values_list("reference_code", flat=True))
    run = services.report_run_request(week_start=WEEK, actor=outcome_data.personas.manager)
    # Autocommit here: the task was published to Redis when the row was committed.
    run = wait_for(run.pk)
    assert run.state == RunState.READY, run.error
    assert run.started_at and run.finished_at and run.attempts == 1
    assert_report_files(run, codes)


def test_sweeper_recovers_a_run_whose_message_was_lost(outcome_data, real_worker):
    import datetime

    from django.utils import timezone

    run = services.report_run_request(week_start=WEEK, actor=None, enqueue=False)  # "lost"
    ReportRun.objects.filter(pk=run.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert services.report_runs_sweep()["requeued"] == 1
    assert wait_for(run.pk).state == RunState.READY
