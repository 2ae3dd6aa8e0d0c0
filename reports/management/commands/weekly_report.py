import datetime

from django.core.management.base import BaseCommand, CommandError

from reports.models import RunState
from reports.services import ReportRunError, report_run_execute, report_run_request


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--week must be a date as YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Make the weekly referral outcomes report for the week holding --week, in this process "
        "(no worker needed), and print where the PDF and CSV are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", required=True, help="any day of the week (YYYY-MM-DD)")

    def handle(self, *args, week, **options):
        try:
            run = report_run_request(week_start=_date(week), actor=None, enqueue=False)
        except ReportRunError as exc:
            raise CommandError(str(exc)) from exc
        # A run for the week left pending (e.g. its message was lost) is claimed and made here.
        if not report_run_execute(run_id=run.pk):
            raise CommandError(
                f"Report run {run.pk} for that week is already being made by a worker; "
                "try again when it has finished."
            )
        run.refresh_from_db()
        self.stdout.write(f"Week {run.week_start:%Y-%m-%d} to {run.week_end:%Y-%m-%d}: {run.state}")
        if run.state != RunState.READY:
            raise CommandError(f"Report run {run.pk} did not finish: {run.error or run.state}")
        self.stdout.write(f"PDF: {run.pdf_file.path}")
        self.stdout.write(f"CSV: {run.csv_file.path}")
