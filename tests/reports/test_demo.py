import pytest
from django.core import mail

from reports import demo
from reports.models import ReportRun, RunKind, RunState
from reports.services import previous_week_start


@pytest.mark.django_db
def test_demo_makes_last_weeks_report_once_without_email(personas):
    assert demo.seed_demo() == 1
    assert demo.seed_demo() == 0
    run = ReportRun.objects.get()
    assert (run.kind, run.state, run.week_start) == (
        RunKind.SCHEDULED,
        RunState.READY,
        previous_week_start(),
    )
    assert run.pdf_file and run.csv_file
    assert mail.outbox == []
