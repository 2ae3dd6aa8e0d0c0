"""Long windows (5 whole weeks or more, everyone) are added up from the weekly roll-ups: the
figures equal the live computation (medians within the histogram's resolution), the suppression
is the same, the roll-ups follow referral changes, and the page's query count does not grow.

The fixture: the hand-built weeks of conftest.py (22 referrals in the week of 2026-11-09, 7 the
week before, one on 2026-10-01), plus, in each of the 14 weeks from 2026-08-03 to 2026-11-02,
four referrals with known times (below), so both the 8-week window ending 2026-11-15 and the
8 weeks before it have figures.
"""

import datetime

import pytest
from django.urls import reverse

from referrals.models import Outcome, Referral, ReferralStatus
from referrals.models.referral import ClientOutcome
from referrals.services import referral_transition
from reports.histograms import CLOSE_EDGES, RESPONSE_EDGES, percentile
from reports.metrics import ReportFilters, build_report
from reports.presentation import present
from reports.rollups import answers_from_rollups, rollup_all, rollup_recent
from tests.conftest import login

from .conftest import WEEK, _referral, at
from .test_views import _count_queries, _many_referrals

WEEK_END = WEEK + datetime.timedelta(days=6)
EIGHT_WEEKS = ReportFilters(start=WEEK - datetime.timedelta(weeks=7), end=WEEK_END)
HISTORY_WEEKS = [WEEK - datetime.timedelta(weeks=w) for w in range(1, 15)]


def _history(data) -> None:
    """Each history week: Agency X food, completed with help (response 3 h, closed after
    30 h) and rejected (response 26 h); Agency Y device, completed with help (response 100 h,
    closed after 200 h); Agency Z housing, failed (response 700 h, closed after 800 h)."""
    p = data.personas
    x = {"client": data.client_es, "program": data.food, "center": p.center_a}
    y = {"client": data.client_vi, "program": data.device, "center": p.center_b}
    z = {"client": data.client_vi, "program": data.housing, "center": p.center_a}
    S = ReferralStatus
    rows = []
    for monday in HISTORY_WEEKS:
        sent = at(monday + datetime.timedelta(days=2), 11)
        rows += [
            _referral(
                **x,
                sender=p.navigator_a,
                sent=sent,
                status=S.COMPLETED,
                response_h=3,
                close_h=30,
                outcome=Outcome.GOT_HELP,
            ),
            _referral(
                **x, sender=p.navigator_a, sent=sent, status=S.REJECTED, response_h=26, close_h=26
            ),
            _referral(
                **y,
                sender=p.navigator_b,
                sent=sent,
                status=S.COMPLETED,
                response_h=100,
                close_h=200,
                outcome=Outcome.GOT_HELP,
            ),
            _referral(
                **z,
                sender=p.navigator_a,
                sent=sent,
                status=S.FAILED,
                response_h=700,
                close_h=800,
                outcome=Outcome.NO_CAPACITY,
                overdue=True,
            ),
        ]
    # The clients asked (issue 13): Agency X's client confirms, Agency Y's says they could not
    # reach them (a disagreement), Agency Z's does not answer.
    for row in rows:
        if row.status in (S.COMPLETED, S.FAILED):
            row.client_confirm_sent_at = row.closed_at
        if row.status == S.COMPLETED:
            x_row = row.program_id == data.food.pk
            row.client_outcome = ClientOutcome.GOT_HELP if x_row else ClientOutcome.COULD_NOT_REACH
    Referral.objects.bulk_create(rows)


@pytest.fixture
def long_history(outcome_data):
    _history(outcome_data)
    return outcome_data


def _bucket_width(edges, hours: float) -> float:
    """The width of the bucket holding ``hours`` (the histogram's resolution there)."""
    low = 0
    for edge in edges:
        if hours < edge:
            return edge - low
        low = edge
    return float("inf")


def _close(rolled, live, *, days=False):
    """Within the width of the bucket holding the true figure (docs/metrics.md)."""
    if live is None:
        return rolled is None
    if days:
        return abs(rolled - live) * 24 <= _bucket_width(CLOSE_EDGES, live * 24)
    return abs(rolled - live) <= _bucket_width(RESPONSE_EDGES, live)


COUNTS = (
    "sent",
    "requested",
    "accepted",
    "in_progress",
    "completed",
    "failed",
    "rejected",
    "cancelled",
    "responded",
    "accepted_ever",
    "closed",
    "overdue",
    "outcomes",
)


def _assert_same_summary(rolled, live):
    assert {k: getattr(rolled, k) for k in COUNTS} == {k: getattr(live, k) for k in COUNTS}
    assert _close(rolled.response_hours_p50, live.response_hours_p50)
    assert _close(rolled.response_hours_p90, live.response_hours_p90)
    assert _close(rolled.close_days_p50, live.close_days_p50, days=True)
    assert _close(rolled.close_days_p90, live.close_days_p90, days=True)


def _assert_same_report(rolled, live):
    _assert_same_summary(rolled.current, live.current)
    _assert_same_summary(rolled.previous, live.previous)
    _assert_same_summary(rolled.digital, live.digital)
    _assert_same_summary(rolled.digital_previous, live.digital_previous)
    strip = lambda rows, attr: [  # noqa: E731
        {k: v for k, v in vars(r).items() if k != attr} for r in rows
    ]
    assert strip(rolled.scorecard, "response_hours_p50") == strip(
        live.scorecard, "response_hours_p50"
    )
    for r, v in zip(rolled.scorecard, live.scorecard, strict=True):
        assert _close(r.response_hours_p50, v.response_hours_p50)
    assert rolled.digital_programs == live.digital_programs
    for name in ("young_adults", "digital"):
        for r, v in zip(rolled.priorities[name], live.priorities[name], strict=True):
            assert vars(r) | {"response_hours_p50": 0} == vars(v) | {"response_hours_p50": 0}
            assert _close(r.response_hours_p50, v.response_hours_p50)
    assert rolled.trend == live.trend
    assert rolled.client_confirmation == live.client_confirmation


def _shown(report) -> dict:
    """Every figure of the presented dashboard as text, times left out (compared apart)."""
    out = {}
    for table in present(report).tables:
        for row in table.rows:
            for column, cell in zip(table.columns[1:], row[1:], strict=False):
                if getattr(cell, "unit", "") not in ("hours", "days"):
                    out[(table.id, str(row[0]), column)] = str(cell)
    return out


def test_percentile_from_a_histogram_stays_within_the_bucket():
    values = [*range(1, 13), 20, 30, 40, 50]  # the fixture's week: median 8.5, p90 35.0
    below = [sum(v < edge for v in values) for edge in RESPONSE_EDGES]
    median = percentile(below, RESPONSE_EDGES, len(values), max(values), 0.5)
    p90 = percentile(below, RESPONSE_EDGES, len(values), max(values), 0.9)
    # 8 and 9 sit in the 8-10 h bucket, placed at 8.5 and 9.5: the median is 9.0 (true 8.5).
    assert median == pytest.approx(9.0)
    assert abs(p90 - 35.0) <= 6  # 30 and 40 h: buckets 28-32 h and 36-42 h
    # Above the last edge the bucket ends at the longest time.
    assert percentile([0] * len(RESPONSE_EDGES), RESPONSE_EDGES, 1, 900.0, 0.5) == 810.0
    assert percentile([0] * len(RESPONSE_EDGES), RESPONSE_EDGES, 0, None, 0.5) is None


@pytest.mark.django_db
def test_long_window_dashboard_from_rollups_equals_the_live_computation(long_history):
    assert answers_from_rollups(EIGHT_WEEKS)
    rollup_all()
    rolled = build_report(EIGHT_WEEKS, from_rollups=True)
    live = build_report(EIGHT_WEEKS, from_rollups=False)
    # The known figures: 22 + 7 + 1 (2026-10-01) + 4 in each of the 7 history weeks.
    assert rolled.current.sent == 22 + 7 + 1 + 4 * 7
    assert rolled.previous.sent == 4 * 7
    assert rolled.digital.sent == 6 + 7
    x, y, z = long_history.personas.agency_x, long_history.personas.agency_y, long_history.agency_z
    assert [(r.agency_id, r.received) for r in rolled.scorecard] == [
        (x.pk, 14 + 7 + 1 + 2 * 7),
        (y.pk, 6 + 7),
        (z.pk, 2 + 7),
    ]
    _assert_same_report(rolled, live)
    # Confirmed by the client, from the roll-ups: in the 7 history weeks of the window, X's
    # client confirmed each time, Y's could not reach them, Z's did not answer.
    current = rolled.client_confirmation[0]
    assert (current.asked, current.answered, current.confirmed) == (3 * 7, 2 * 7, 7)
    # ... and per agency in the scorecard, next to the agency's own outcomes (equal to the
    # live scorecard, checked above): X's clients confirm, Y's contradict Y's "got help".
    card = {r.agency_id: r for r in rolled.scorecard}
    assert (card[x.pk].client_confirmed, card[x.pk].client_disagreed) == (7, 0)
    assert (card[y.pk].client_confirmed, card[y.pk].client_disagreed) == (0, 7)
    assert (card[y.pk].client_answered, card[z.pk].client_answered) == (7, 0)
    columns = next(t.columns for t in present(rolled).tables if t.id == "scorecard")
    assert columns[-2:] == ["Confirmed by the client", "Client disagrees"]
    # Medians from the histograms: 13.0 h against 12.0 h to respond (12-14 h bucket), 2.25
    # against 2.0 days to close (48-60 h bucket).
    assert (live.current.response_hours_p50, rolled.current.response_hours_p50) == (12.0, 13.0)
    assert (live.current.close_days_p50, rolled.current.close_days_p50) == (2.0, 2.25)
    # The presented dashboard is the same, figure for figure, suppression included.
    shown = _shown(rolled)
    assert shown == _shown(live)
    assert "<5" in shown.values() and "—" in shown.values()
    # Secondary suppression across the funnel: one status below 5 hides the next smallest.
    assert shown[("funnel", "Cancelled", "This period")] == "<5"
    assert shown[("funnel", "Accepted", "This period")] == "<5"
    # And the default dashboard finds the roll-ups by itself.
    assert build_report(EIGHT_WEEKS).scorecard == rolled.scorecard


@pytest.mark.django_db
def test_short_windows_and_slices_stay_live():
    four_weeks = ReportFilters(start=WEEK - datetime.timedelta(weeks=3), end=WEEK_END)
    assert not answers_from_rollups(four_weeks)
    assert not answers_from_rollups(
        ReportFilters(start=EIGHT_WEEKS.start, end=WEEK_END, language="es")
    )
    # Not whole weeks (the form widens those; a month is not answered from weeks).
    assert not answers_from_rollups(
        ReportFilters(start=datetime.date(2026, 9, 1), end=datetime.date(2026, 11, 30))
    )
    assert answers_from_rollups(EIGHT_WEEKS)


@pytest.mark.django_db
def test_without_rollups_yet_a_long_window_is_computed_live(long_history):
    report = build_report(EIGHT_WEEKS)
    assert report.current.sent == 58
    assert report.current.response_hours_p50 == 12.0  # exact (the histogram gives 13.0)


@pytest.mark.django_db(transaction=True)
def test_rollups_recompute_the_changed_weeks_and_agree_again(long_history):
    from django.core.cache import cache

    cache.clear()  # no week left marked pending by an earlier test's queued recompute
    personas = long_history.personas
    rollup_all()
    waiting = Referral.objects.filter(
        agency=personas.agency_x,
        status=ReferralStatus.REQUESTED,
        created_at__gte=at(WEEK),
        created_at__lt=at(WEEK_END + datetime.timedelta(days=1), 0),
    ).first()
    before = build_report(EIGHT_WEEKS, from_rollups=True)
    # The lifecycle service saves the referral; its week is recomputed after the commit.
    referral_transition(referral=waiting, actor=personas.partner_x, action="accept")
    after = build_report(EIGHT_WEEKS, from_rollups=True)
    assert (after.current.responded, after.current.accepted) == (
        before.current.responded + 1,
        before.current.accepted + 1,
    )
    _assert_same_report(after, build_report(EIGHT_WEEKS, from_rollups=False))

    # A bulk update sends no signal: the dashboard (reading the roll-ups) lags until the
    # nightly recompute brings them back in line.
    Referral.objects.filter(pk=waiting.pk).update(overdue_at=waiting.created_at)
    assert build_report(EIGHT_WEEKS).current.overdue == before.current.overdue
    rollup_recent(weeks=4, today=WEEK_END)
    assert build_report(EIGHT_WEEKS).current.overdue == before.current.overdue + 1
    _assert_same_report(build_report(EIGHT_WEEKS), build_report(EIGHT_WEEKS, from_rollups=False))


@pytest.mark.django_db
def test_long_window_page_reads_the_rollups_in_constant_queries(
    client, long_history, django_assert_num_queries
):
    personas = long_history.personas
    login(client, personas.manager)
    url = reverse("reports:dashboard")
    params = {"start": EIGHT_WEEKS.start.isoformat(), "end": EIGHT_WEEKS.end.isoformat()}
    rollup_all()
    page = client.get(url, params).content.decode()
    assert long_history.agency_z.name in page and "Laptop donation" in page
    csv_url = reverse("reports:dashboard_csv")
    few = _count_queries(client, url, params)
    few_csv = _count_queries(client, csv_url, params)
    _many_referrals(personas, long_history, agencies=6, per_agency=20)
    rollup_all()
    with django_assert_num_queries(few):
        page = client.get(url, params).content.decode()
    assert "Extra Agency 5" in page  # the new agencies, from the refilled roll-ups
    with django_assert_num_queries(few_csv):
        csv = client.get(csv_url, params).content.decode()
    assert "Extra Agency 5" in csv


def test_changes_to_one_week_share_one_recompute_after_the_configured_delay(
    long_history, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Accepting two referrals of one week queues one recompute of that week, to run
    REPORTS_ROLLUP_DELAY_SECONDS later; a change to another week queues its own."""
    from django.core.cache import cache

    from casework import jobs
    from reports import rollups

    cache.clear()
    queued = []
    monkeypatch.setattr(
        jobs, "enqueue", lambda task, weeks, countdown: queued.append((weeks, countdown))
    )
    personas = long_history.personas
    waiting = Referral.objects.filter(
        agency=personas.agency_x,
        status=ReferralStatus.REQUESTED,
        created_at__gte=at(WEEK),
        created_at__lt=at(WEEK_END + datetime.timedelta(days=1), 0),
    )[:2]
    assert len(waiting) == 2
    for referral in waiting:
        with django_capture_on_commit_callbacks(execute=True):
            referral_transition(referral=referral, actor=personas.partner_x, action="accept")
    assert queued == [([WEEK.isoformat()], rollups.COALESCE_SECONDS)]
    assert rollups.COALESCE_SECONDS == settings.REPORTS_ROLLUP_DELAY_SECONDS == 600
