"""Thin Celery tasks for weekly reports (the work lives in reports.services)."""

from celery import shared_task


@shared_task(name="reports.run_report", soft_time_limit=240, time_limit=300)
def report_run_task(run_id: int) -> None:
    from .services import report_run_execute

    report_run_execute(run_id=run_id)


@shared_task(name="reports.schedule_weekly_report")
def weekly_report_schedule_task() -> None:
    """Celery beat, Mondays 07:00 America/Los_Angeles: last week's report."""
    from .services import weekly_report_schedule

    weekly_report_schedule()


@shared_task(name="reports.sweep_report_runs")
def report_runs_sweep_task() -> None:
    """Celery beat, every few minutes: no report run is left pending or running forever."""
    from .services import report_runs_sweep

    report_runs_sweep()


@shared_task(name="reports.rollup_weeks")
def rollup_weeks_task(weeks: list[str]) -> None:
    """After a referral changes: recompute the weekly roll-ups of its week."""
    import datetime

    from django.core.cache import cache

    from .rollups import pending_key, rollup_weeks

    cache.delete_many([pending_key(w) for w in weeks])
    rollup_weeks(datetime.date.fromisoformat(w) for w in weeks)


@shared_task(name="reports.rollup_recent_weeks")
def rollup_recent_task() -> None:
    """Celery beat, nightly: recompute the last weeks' roll-ups (bulk updates send no signal)."""
    from .rollups import rollup_recent

    rollup_recent()
