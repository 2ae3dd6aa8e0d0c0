"""Reports pages: managers only (everyone else 404), aggregates only, constant query counts."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals.models import Referral, ReferralStatus
from reports.models import ReportRun, RunKind, RunState
from tests.conftest import login
from tests.factories import AgencyFactory, ProgramFactory

from .conftest import CLIENT_NAMES, WEEK, at

WEEK_QUERY = {"start": "2026-11-09", "end": "2026-11-15"}


def all_report_urls(run):
    return [
        ("get", reverse("reports:dashboard")),
        ("get", reverse("reports:dashboard_csv")),
        ("get", reverse("reports:run_list")),
        ("post", reverse("reports:run_create")),
        ("get", reverse("reports:run_detail", args=[run.pk])),
        ("get", reverse("reports:run_status", args=[run.pk])),
        ("get", reverse("reports:run_download", args=[run.pk, "pdf"])),
        ("get", reverse("reports:run_download", args=[run.pk, "csv"])),
    ]


@pytest.fixture
def ready_run(db):
    from django.core.files.base import ContentFile

    run = ReportRun.objects.create(week_start=WEEK, state=RunState.READY)
    run.pdf_file.save("r.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    run.csv_file.save("r.csv", ContentFile(b"a,b\n"), save=False)
    run.save()
    return run


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["navigator_a", "navigator_b", "partner_x", "partner_y", "outsider"]
)
def test_everyone_but_managers_gets_404_on_every_reports_url(client, personas, ready_run, persona):
    login(client, personas.all_users[persona])
    for method, url in all_report_urls(ready_run):
        data = {"week": "2026-11-09"} if method == "post" else {}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (persona, url)
    assert ReportRun.objects.count() == 1  # the refused POST started nothing


@pytest.mark.django_db
def test_signed_out_users_are_sent_to_sign_in(client, ready_run):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_manager_reaches_every_reports_url(client, personas, ready_run):
    login(client, personas.manager)
    for method, url in all_report_urls(ready_run):
        response = getattr(client, method)(url, {"week": "2026-11-09"} if method == "post" else {})
        assert response.status_code in (200, 302), url


@pytest.mark.django_db
def test_manager_nav_has_reports_link(client, personas):
    login(client, personas.manager)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert f'href="{reverse("reports:dashboard")}"' in page
    login(client, personas.navigator_a)
    assert reverse("reports:dashboard") not in client.get("/").content.decode()


@pytest.mark.django_db
def test_dashboard_shows_the_weeks_figures_and_no_client(client, outcome_data):
    login(client, outcome_data.personas.manager)
    response = client.get(reverse("reports:dashboard"), WEEK_QUERY)
    page = response.content.decode()
    assert response.status_code == 200
    assert "67%" in page and "8.5 h" in page and "35.0 h" in page
    assert "&lt;5" in page  # suppressed counts
    assert "<svg" in page and 'role="img"' in page  # charts, each followed by its table
    assert page.count("<svg") == page.count('id="table-funnel"') + page.count(
        'id="table-outcomes"'
    ) + page.count('id="table-digital-outcomes"') + page.count('id="table-trend"')
    for name in CLIENT_NAMES:
        assert name not in page
    for code in Referral.objects.values_list("reference_code", flat=True):
        assert code not in page
    assert "zebulon@example.org" not in page


@pytest.mark.django_db
def test_dashboard_filters_by_agency(client, outcome_data):
    login(client, outcome_data.personas.manager)
    agency_x = outcome_data.personas.agency_x
    page = client.get(
        reverse("reports:dashboard"), {**WEEK_QUERY, "agency": agency_x.pk}
    ).content.decode()
    assert "Agency: Agency X Food Bank" in page
    assert "Agency Z Housing" not in page.split('id="heading-scorecard"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_dashboard_rejects_a_backwards_period(client, personas):
    login(client, personas.manager)
    response = client.get(
        reverse("reports:dashboard"), {"start": "2026-11-15", "end": "2026-11-09"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert 'id="table-funnel"' not in response.content.decode()


def read_csv(response) -> list[list[str]]:
    body = b"".join(response) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_csv_export_has_suppressed_figures_and_no_client(client, outcome_data):
    login(client, outcome_data.personas.manager)
    response = client.get(reverse("reports:dashboard_csv"), WEEK_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "casebridge-referrals-2026-11-09-2026-11-15.csv" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Section", "Row", "Measure", "Value", "Unit", "Suppressed", "Text"]
    # 22 sent, 11 of 16 accepted: rounded to 20, and 10 of 15 (docs/metrics.md).
    # Numbers as numbers: counts as integers, rates as proportions, a blank and a flag when
    # hidden, the figure as shown last.
    assert ["Key figures", "Referrals sent", "This period", "20", "count", "0", "20"] in rows
    assert [
        "Key figures",
        "Acceptance rate",
        "This period",
        "0.6667",
        "proportion (0-1)",
        "0",
        "67%",
    ] in rows
    assert ["Referral funnel", "Accepted", "This period", "", "count", "1", "<5"] in rows
    assert [
        "Partner scorecard",
        "Agency Z Housing",
        "Referrals received",
        "",
        "count",
        "1",
        "<5",
    ] in rows
    text = "\n".join(",".join(r) for r in rows)
    for name in CLIENT_NAMES:
        assert name not in text
    for code in Referral.objects.values_list("reference_code", flat=True):
        assert code not in text


def _many_referrals(personas, outcome_data, *, agencies=4, per_agency=15):
    rows = []
    for i in range(agencies):
        agency = AgencyFactory(name=f"Extra Agency {i}", slug=f"extra-{i}")
        program = ProgramFactory(agency=agency, name=f"Extra program {i}")
        for j in range(per_agency):
            sent = at(WEEK + datetime.timedelta(days=j % 7), 10)
            rows.append(
                Referral(
                    client=outcome_data.client_es,
                    program=program,
                    agency=agency,
                    sending_center=personas.center_a,
                    sent_by=personas.navigator_a,
                    consent=outcome_data.client_es.consents.first(),
                    need_category="food",
                    reason="x",
                    status=ReferralStatus.COMPLETED if j % 2 else ReferralStatus.ACCEPTED,
                    created_at=sent,
                    first_response_at=sent + datetime.timedelta(hours=j + 1),
                    closed_at=sent + datetime.timedelta(days=2) if j % 2 else None,
                    outcome="got_help" if j % 2 else "",
                )
            )
    Referral.objects.bulk_create(rows)


def _count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["reports:dashboard", "reports:dashboard_csv"])
@pytest.mark.parametrize("params", [WEEK_QUERY, {**WEEK_QUERY, "language": "es"}])
def test_query_count_does_not_grow_with_referrals(
    client, outcome_data, django_assert_num_queries, url_name, params
):
    personas = outcome_data.personas
    login(client, personas.manager)
    url = reverse(url_name)
    few = _count_queries(client, url, params)
    _many_referrals(personas, outcome_data)
    with django_assert_num_queries(few):
        client.get(url, params)


@pytest.mark.django_db
def test_run_list_query_count_does_not_grow_with_runs(client, personas, django_assert_num_queries):
    login(client, personas.manager)
    ReportRun.objects.create(week_start=WEEK, requested_by=personas.manager)
    few = _count_queries(client, reverse("reports:run_list"), {})
    for weeks in range(1, 12):
        ReportRun.objects.create(
            week_start=WEEK - datetime.timedelta(weeks=weeks),
            requested_by=personas.manager,
            kind=RunKind.SCHEDULED if weeks % 2 else RunKind.ON_DEMAND,
        )
    with django_assert_num_queries(few):
        client.get(reverse("reports:run_list"))
