"""Demo reports: last week's scheduled report, made in this process, so a manager signing in to
the demo finds a ready PDF and CSV. Called by ``manage.py seed_demo``; idempotent (one
scheduled run per week); no email is sent while seeding."""

from __future__ import annotations

from django.utils import timezone

from .models import ReportRun, RunKind, RunState
from .services import previous_week_start, report_run_execute, report_run_request


def seed_demo(*, city=None, stdout=None) -> int:
    run = report_run_request(
        week_start=previous_week_start(), actor=None, kind=RunKind.SCHEDULED, enqueue=False
    )
    if run.state != RunState.PENDING:
        return 0
    # Demo data: nobody needs an email about it.
    ReportRun.objects.filter(pk=run.pk).update(managers_notified_at=timezone.now())
    report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    if city is not None:
        city.count("weekly reports")
    if stdout is not None:
        stdout.write(f"Weekly report for the week of {run.week_start:%Y-%m-%d}: {run.state}.")
    return 1
