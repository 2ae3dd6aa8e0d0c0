"""Weekly report runs. The ReportRun row is the source of truth for each job:
pending -> running -> ready | failed. Every transition is a conditional UPDATE (a claim), so a
duplicate or late message, a rerun, or a sweeper re-enqueue never renders a run twice at once.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework import jobs
from casework.models import Membership, Role, User
from casework.validation import date_bounds, date_range_message

from .metrics import ReportFilters, build_report
from .models import ReportRun, RunKind, RunState
from .presentation import present
from .rendering import report_csv, report_pdf
from .tasks import report_run_task

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A pending run older than this was probably never delivered to a worker.
PENDING_GRACE = datetime.timedelta(minutes=5)
# A running run older than this lost its worker (the task's hard time limit is far shorter).
RUNNING_GRACE = datetime.timedelta(minutes=15)


class ReportRunError(Exception):
    """A request that cannot be honoured (shown to the user as a message)."""


def week_start_of(day: datetime.date) -> datetime.date:
    """The Monday of the week holding ``day``."""
    return day - datetime.timedelta(days=day.weekday())


def previous_week_start(*, today: datetime.date | None = None) -> datetime.date:
    """Monday of last week, in local time (what Monday morning's scheduled run covers)."""
    today = today or timezone.localdate()
    return week_start_of(today) - datetime.timedelta(days=7)


def week_filters(week_start: datetime.date) -> ReportFilters:
    return ReportFilters(start=week_start, end=week_start + datetime.timedelta(days=6))


def run_lease() -> jobs.Lease:
    """A running run not finished within RUNNING_GRACE lost its worker and may be claimed again."""
    return jobs.Lease(
        status="state",
        pending=RunState.PENDING,
        running=RunState.RUNNING,
        claimed_at="started_at",
        length=RUNNING_GRACE,
    )


def report_run_request(
    *,
    week_start: datetime.date,
    actor: User | None,
    kind: str = RunKind.ON_DEMAND,
    enqueue: bool = True,
) -> ReportRun:
    """Asks for the weekly report of the week holding ``week_start``.

    Idempotent per week: a scheduled run exists at most once per week (a database
    constraint), and an on-demand request returns the week's run still pending or running
    instead of starting a second one. The task is enqueued after commit.
    """
    earliest, latest = date_bounds("report")
    if not earliest <= week_start <= latest:
        raise ReportRunError(date_range_message(earliest, latest))
    week_start = week_start_of(week_start)
    if week_start > timezone.localdate():
        raise ReportRunError(_("That week has not started yet."))
    with transaction.atomic():
        if kind == RunKind.SCHEDULED:
            run = ReportRun.objects.filter(kind=kind, week_start=week_start).first()
            if run is not None:
                return run
            try:
                with transaction.atomic():
                    run = ReportRun.objects.create(
                        kind=kind, week_start=week_start, requested_by=actor
                    )
            except IntegrityError:  # a concurrent scheduler won the race
                return ReportRun.objects.get(kind=kind, week_start=week_start)
        else:
            active = (
                ReportRun.objects.select_for_update()
                .filter(week_start=week_start, state__in=[RunState.PENDING, RunState.RUNNING])
                .first()
            )
            if active is not None:
                return active
            run = ReportRun.objects.create(kind=kind, week_start=week_start, requested_by=actor)
        if enqueue:
            jobs.enqueue_on_commit(report_run_task, run.pk)
    return run


def _claim(run_id: int) -> bool:
    return (
        jobs.claim(ReportRun.objects, run_id, lease=run_lease(), attempts="attempts", error="")
        is not None
    )


def report_run_execute(*, run_id: int) -> bool:
    """Computes the week's metrics and writes the PDF and CSV, if this call claims the run.

    Returns False when the run was not pending (already taken, finished or missing).
    A failure is recorded on the row (state failed, error) and not raised.
    """
    if not _claim(run_id):
        return False
    run = ReportRun.objects.get(pk=run_id)
    try:
        # Reports are written in the site language; a manager's page uses their own.
        with translation.override(settings.LANGUAGE_CODE):
            presented = present(
                build_report(week_filters(run.week_start)),
                title=_("Weekly referral outcomes"),
            )
            csv_bytes = report_csv(presented)
            pdf_bytes = report_pdf(presented, generated_at=timezone.now())
        stem = f"casebridge-report-{run.week_start:%Y-%m-%d}"
        run.csv_file.save(f"{stem}.csv", ContentFile(csv_bytes), save=False)
        run.pdf_file.save(f"{stem}.pdf", ContentFile(pdf_bytes), save=False)
    except Exception as exc:
        logger.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id, state=RunState.RUNNING).update(
            state=RunState.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        return True
    updated = ReportRun.objects.filter(pk=run_id, state=RunState.RUNNING).update(
        state=RunState.READY,
        finished_at=timezone.now(),
        pdf_file=run.pdf_file.name,
        csv_file=run.csv_file.name,
    )
    if updated and run.kind == RunKind.SCHEDULED:
        managers_notify(run_id=run_id)
    return True


def program_managers() -> list[User]:
    ids = Membership.objects.filter(role=Role.PROGRAM_MANAGER).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("pk"))


def managers_notify(*, run_id: int) -> int:
    """Emails every program manager a link to the ready run, once (claimed on the row)."""
    claimed = ReportRun.objects.filter(
        pk=run_id, state=RunState.READY, managers_notified_at__isnull=True
    ).update(managers_notified_at=timezone.now())
    if not claimed:
        return 0
    run = ReportRun.objects.get(pk=run_id)
    link = settings.SITE_URL.rstrip("/") + reverse("reports:run_detail", args=[run.pk])
    messages = []
    for manager in program_managers():
        language = manager.language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = _("Weekly referral report for the week of %(week)s is ready") % {
                "week": f"{run.week_start:%Y-%m-%d}"
            }
            body = render_to_string(
                "reports/email/run_ready.txt", {"run": run, "link": link, "user": manager}
            )
        messages.append(
            EmailMessage(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [manager.email],
                headers={"Content-Language": language},
            )
        )
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception:
        # The report itself is fine; let the next sweep try the emails again.
        ReportRun.objects.filter(pk=run_id).update(managers_notified_at=None)
        logger.warning("report run %s: could not email managers", run_id, exc_info=True)
        return 0
    return len(messages)


def weekly_report_schedule(*, today: datetime.date | None = None) -> ReportRun:
    """The Monday beat job: last week's scheduled run (created once, enqueued after commit)."""
    return report_run_request(
        week_start=previous_week_start(today=today), actor=None, kind=RunKind.SCHEDULED
    )


def report_runs_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Re-enqueues runs left pending and runs whose worker died (their claim is taken over, or
    they fail after MAX_ATTEMPTS), and retries managers' emails for ready scheduled runs."""
    now = now or timezone.now()
    swept = jobs.sweep(
        report_run_task,
        ReportRun.objects,
        lease=run_lease(),
        stuck=Q(state=RunState.PENDING, requested_at__lt=now - PENDING_GRACE),
        now=now,
        attempts="attempts",
        max_attempts=MAX_ATTEMPTS,
        give_up={
            "state": RunState.FAILED,
            "finished_at": now,
            "error": _("The report could not be finished after %(n)s attempts.")
            % {"n": MAX_ATTEMPTS},
        },
        order_by="requested_at",
    )
    unnotified = list(
        ReportRun.objects.filter(
            kind=RunKind.SCHEDULED, state=RunState.READY, managers_notified_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for run_id in unnotified:
        managers_notify(run_id=run_id)
    return {
        "requeued": swept.enqueued,
        "reset": swept.expired,
        "failed": swept.failed,
        "notified": len(unnotified),
    }
