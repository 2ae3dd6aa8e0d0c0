"""Weekly report runs: on demand and scheduled, idempotent per week, swept when stale, PDF and
CSV holding the expected (suppressed) figures and no client."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from referrals.models import Referral
from reports import services
from reports.models import ReportRun, RunKind, RunState
from tests.conftest import login

from .conftest import CLIENT_NAMES, WEEK

EXPECTED_IN_PDF = [
    "Weekly referral outcomes",
    "Referrals sent",
    "20",  # 22 referrals, rounded to the nearest 5
    "67%",  # 10 of 15 once rounded
    "8.5 h",
    "35.0 h",
    "2.0 days",
    "4.6 days",
    "<5",
    "Partner scorecard",
    "Agency X Food Bank",
    "Digital inclusion",
    "Laptop donation",
]


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())  # table cells wrap onto several lines


def assert_report_files(run, codes):
    run.refresh_from_db()
    assert run.state == RunState.READY, run.error
    text = pdf_text(run.pdf_file.open("rb").read())
    for figure in EXPECTED_IN_PDF:
        assert figure in text, figure
    csv_text = run.csv_file.open("rb").read().decode("utf-8-sig")
    assert "Referrals sent,This period,20,count,0,20" in csv_text  # 22, rounded
    assert "Referral funnel,Accepted,This period,,count,1,<5" in csv_text
    for secret in (*CLIENT_NAMES, *codes):
        assert secret not in text
        assert secret not in csv_text


@pytest.mark.django_db
def test_manager_starts_a_run_and_downloads_its_files(
    client, outcome_data, django_capture_on_commit_callbacks
):
    manager = outcome_data.personas.manager
    login(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:run_create"), {"week": "2026-11-12"})
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run_detail", args=[run.pk])
    assert (run.week_start, run.kind, run.requested_by) == (WEEK, RunKind.ON_DEMAND, manager)
    codes = list(Referral.objects.values_list("reference_code", flat=True))
    assert_report_files(run, codes)

    status = client.get(reverse("reports:run_status", args=[run.pk])).content.decode()
    assert "hx-trigger" not in status  # finished: the page stops polling
    assert reverse("reports:run_download", args=[run.pk, "pdf"]) in status
    pdf = client.get(reverse("reports:run_download", args=[run.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "67%" in pdf_text(b"".join(pdf.streaming_content))
    csv_response = client.get(reverse("reports:run_download", args=[run.pk, "csv"]))
    assert b"Referrals sent,This period,20,count,0,20" in b"".join(csv_response.streaming_content)
    listing = client.get(reverse("reports:run_list")).content.decode()
    assert reverse("reports:run_download", args=[run.pk, "csv"]) in listing


@pytest.mark.django_db
def test_a_pending_run_page_polls_for_progress(client, personas):
    login(client, personas.manager)
    run = services.report_run_request(week_start=WEEK, actor=personas.manager, enqueue=False)
    page = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    assert f'hx-get="{reverse("reports:run_status", args=[run.pk])}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "Waiting to start" in page
    assert "Download the PDF" not in page


@pytest.mark.django_db
def test_on_demand_request_reuses_the_weeks_unfinished_run(personas):
    first = services.report_run_request(week_start=WEEK, actor=personas.manager, enqueue=False)
    again = services.report_run_request(
        week_start=WEEK + datetime.timedelta(days=3), actor=personas.manager, enqueue=False
    )
    assert again.pk == first.pk
    ReportRun.objects.filter(pk=first.pk).update(state=RunState.READY)
    fresh = services.report_run_request(week_start=WEEK, actor=personas.manager, enqueue=False)
    assert fresh.pk != first.pk


@pytest.mark.django_db
def test_a_future_week_is_refused(client, personas):
    login(client, personas.manager)
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(reverse("reports:run_create"), {"week": next_week.isoformat()})
    assert response.status_code == 400
    assert "That week has not started yet." in response.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_scheduled_run_is_once_per_week_and_emails_managers(
    outcome_data, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://casebridge.example.org"
    monday = datetime.date(2026, 11, 16)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.weekly_report_schedule(today=monday)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.weekly_report_schedule(today=monday + datetime.timedelta(hours=1))
    assert again.pk == run.pk
    assert ReportRun.objects.filter(kind=RunKind.SCHEDULED).count() == 1
    run.refresh_from_db()
    assert (run.week_start, run.state, run.requested_by) == (WEEK, RunState.READY, None)
    assert len(mail.outbox) == 1  # one manager; not emailed twice
    message = mail.outbox[0]
    assert message.to == [outcome_data.personas.manager.email]
    link = "https://casebridge.example.org" + reverse("reports:run_detail", args=[run.pk])
    assert link in message.body
    for name in CLIENT_NAMES:
        assert name not in message.body
    services.report_runs_sweep()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_scheduled_week_is_unique_in_the_database(personas):
    from django.db import IntegrityError, transaction

    ReportRun.objects.create(kind=RunKind.SCHEDULED, week_start=WEEK)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRun.objects.create(kind=RunKind.SCHEDULED, week_start=WEEK)
    ReportRun.objects.create(kind=RunKind.ON_DEMAND, week_start=WEEK)  # on demand: allowed


@pytest.mark.django_db
def test_a_claimed_run_is_not_run_twice(outcome_data):
    run = services.report_run_request(week_start=WEEK, actor=None, enqueue=False)
    assert services.report_run_execute(run_id=run.pk) is True
    finished_at = ReportRun.objects.get(pk=run.pk).finished_at
    assert services.report_run_execute(run_id=run.pk) is False  # a late duplicate message
    assert ReportRun.objects.get(pk=run.pk).finished_at == finished_at


@pytest.mark.django_db
def test_sweeper_picks_up_stale_runs(outcome_data):
    now = timezone.now()
    lost = services.report_run_request(week_start=WEEK, actor=None, enqueue=False)
    ReportRun.objects.filter(pk=lost.pk).update(requested_at=now - datetime.timedelta(hours=1))
    crashed = ReportRun.objects.create(
        week_start=WEEK - datetime.timedelta(weeks=1),
        state=RunState.RUNNING,
        started_at=now - datetime.timedelta(hours=1),
        attempts=1,
    )
    hopeless = ReportRun.objects.create(
        week_start=WEEK - datetime.timedelta(weeks=2),
        state=RunState.RUNNING,
        started_at=now - datetime.timedelta(hours=1),
        attempts=services.MAX_ATTEMPTS,
    )
    fresh = services.report_run_request(
        week_start=WEEK - datetime.timedelta(weeks=3), actor=None, enqueue=False
    )
    result = services.report_runs_sweep(now=now)
    assert result["requeued"] == 2 and result["reset"] == 1 and result["failed"] == 1
    states = dict(ReportRun.objects.values_list("pk", "state"))
    assert states[lost.pk] == RunState.READY  # re-enqueued; tasks run in-process here
    assert states[crashed.pk] == RunState.READY
    assert states[hopeless.pk] == RunState.FAILED
    assert states[fresh.pk] == RunState.PENDING  # just requested: left alone


@pytest.mark.django_db
def test_a_rendering_failure_is_recorded(outcome_data, monkeypatch, client):
    def broken(*args, **kwargs):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(services, "report_pdf", broken)
    run = services.report_run_request(week_start=WEEK, actor=None, enqueue=False)
    services.report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "fonts missing" in run.error
    login(client, outcome_data.personas.manager)
    page = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    assert "The report could not be made." in page
    assert "fonts missing" not in page
    assert client.get(reverse("reports:run_download", args=[run.pk, "pdf"])).status_code == 404


@pytest.mark.django_db
def test_weekly_report_command_prints_where_the_files_are(outcome_data):
    out = io.StringIO()
    call_command("weekly_report", "--week", "2026-11-11", stdout=out)
    output = out.getvalue()
    run = ReportRun.objects.get()
    assert "Week 2026-11-09 to 2026-11-15: ready" in output
    assert f"PDF: {run.pdf_file.path}" in output
    assert f"CSV: {run.csv_file.path}" in output
    codes = list(Referral.objects.values_list("reference_code", flat=True))
    assert_report_files(run, codes)


@pytest.mark.django_db
def test_weekly_report_command_rejects_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("weekly_report", "--week", "11/09/2026")


WEEKLY_TASK_NAME = "reports: weekly report (Mondays 07:00 Los Angeles)"
SWEEP_TASK_NAME = "reports: sweep stale report runs (every 5 minutes)"
ROLLUP_TASK_NAME = "reports: weekly roll-ups of recent weeks (nightly 02:30 Los Angeles)"


def test_beat_schedule_is_mondays_7am_los_angeles_and_idempotent(start_beat):
    from django_celery_beat.models import PeriodicTask

    start_beat()
    start_beat()
    weekly = PeriodicTask.objects.get(name=WEEKLY_TASK_NAME)
    assert weekly.task == "reports.schedule_weekly_report" and weekly.enabled
    cron = weekly.crontab
    assert (cron.minute, cron.hour, cron.day_of_week) == ("0", "7", "1")
    assert (cron.day_of_month, cron.month_of_year) == ("*", "*")
    assert str(cron.timezone) == "America/Los_Angeles"
    sweep = PeriodicTask.objects.get(name=SWEEP_TASK_NAME)
    assert sweep.task == "reports.sweep_report_runs"
    assert (sweep.interval.every, sweep.interval.period) == (300, "seconds")
    assert sweep.expire_seconds == 240
    rollups = PeriodicTask.objects.get(name=ROLLUP_TASK_NAME)
    assert rollups.task == "reports.rollup_recent_weeks" and rollups.enabled
    assert (rollups.crontab.minute, rollups.crontab.hour) == ("30", "2")
    assert str(rollups.crontab.timezone) == "America/Los_Angeles"
    assert PeriodicTask.objects.filter(name__startswith="reports:").count() == 3


def test_beat_tasks_are_registered_with_celery():
    from config.celery import app

    app.loader.import_default_modules()
    for name in (
        "reports.run_report",
        "reports.schedule_weekly_report",
        "reports.sweep_report_runs",
    ):
        assert name in app.tasks


@pytest.mark.django_db
def test_starting_a_run_with_the_broker_down_leaves_it_for_the_sweeper(
    client, personas, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.report_run_task, "apply_async", broker_down)
    login(client, personas.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:run_create"), {"week": "2026-11-09"})
    run = ReportRun.objects.get()
    assert response.status_code == 302  # the manager is not shown an error page
    assert run.state == RunState.PENDING
    page = client.get(response["Location"]).content.decode()
    assert "Waiting to start" in page


@pytest.mark.django_db
def test_weekly_report_command_will_not_race_a_worker(personas):
    from django.core.management.base import CommandError

    run = services.report_run_request(week_start=WEEK, actor=None, enqueue=False)
    ReportRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, started_at=timezone.now())
    with pytest.raises(CommandError, match="already being made"):
        call_command("weekly_report", "--week", "2026-11-09")
