"""The dashboard's figures are reused for a minute while no referral changed (issue 15):
a reload costs no report query, a referral changed through the product shows at the next load
once the figures are older than ``REPORTS_STALE_SECONDS`` (at once with 0), other filters are
computed on their own, one process computes at a time, and the page says when its figures
were computed and how soon a change shows."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals.models import ReferralStatus
from referrals.services import referral_transition
from reports import cached, views
from reports.forms import ReportFilterForm
from tests.conftest import login

from .conftest import WEEK, at
from .test_views import WEEK_QUERY

pytestmark = pytest.mark.django_db


def _get(client, params):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("reports:dashboard"), params).content.decode()
    referral_queries = [q for q in ctx.captured_queries if "referrals_referral" in q["sql"]]
    return page, len(referral_queries)


def test_a_reload_reuses_the_figures_until_a_referral_changes(
    client, outcome_data, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_CACHE_SECONDS = 60
    settings.REPORTS_STALE_SECONDS = 0
    personas = outcome_data.personas
    login(client, personas.manager)
    first, computed = _get(client, WEEK_QUERY)
    assert computed > 0
    assert "shows when the page is loaded again." in first
    again, reused = _get(client, WEEK_QUERY)
    assert reused == 0 and _funnel(again) == _funnel(first)
    # The drawn tables and charts come from the cache too, and are not even built.
    with mock.patch.object(views, "present_tables", wraps=views.present_tables) as tables:
        response = client.get(reverse("reports:dashboard"), WEEK_QUERY)
        assert tables.call_count == 0
    assert "reports/_report_body.html" not in [t.name for t in response.templates]
    assert _funnel(response.content.decode()) == _funnel(first)
    # Another language draws its own (the manager's own language setting).
    type(personas.manager).objects.filter(pk=personas.manager.pk).update(language="es")
    spanish = client.get(reverse("reports:dashboard"), WEEK_QUERY)
    assert "reports/_report_body.html" in [t.name for t in spanish.templates]
    assert 'lang="es"' in spanish.content.decode()

    # Another agency's slice is its own report.
    _sliced, sliced = _get(client, {**WEEK_QUERY, "agency": personas.agency_x.pk})
    assert sliced > 0

    # Accepting a waiting referral (through the lifecycle service) moves the data version:
    # the next load computes again and shows it.
    _accept_one_waiting(personas, django_capture_on_commit_callbacks)
    after, recomputed = _get(client, WEEK_QUERY)
    assert recomputed > 0
    assert _funnel(after) != _funnel(first)


def _manager_with_a_30_second_window(client, outcome_data, settings, time_machine):
    """The manager signed in, figures kept 60 s and reused 30 s after a change, the clock
    stopped (each test moves it)."""
    settings.REPORTS_CACHE_SECONDS = 60
    settings.REPORTS_STALE_SECONDS = 30
    login(client, outcome_data.personas.manager)
    time_machine.move_to(datetime.datetime.now(datetime.UTC), tick=False)
    return outcome_data.personas


def test_a_change_shows_once_the_figures_are_older_than_the_stale_window(
    client, outcome_data, settings, django_capture_on_commit_callbacks, time_machine
):
    """In a county referrals change every few seconds: the figures are reused for
    ``REPORTS_STALE_SECONDS`` after a change, then computed again, and the page says so."""
    personas = _manager_with_a_30_second_window(client, outcome_data, settings, time_machine)
    first, computed = _get(client, WEEK_QUERY)
    assert computed > 0
    assert "at most 30 seconds after the change" in first
    _accept_one_waiting(personas, django_capture_on_commit_callbacks)

    time_machine.shift(datetime.timedelta(seconds=29))
    within, reused = _get(client, WEEK_QUERY)
    assert reused == 0 and _funnel(within) == _funnel(first)

    time_machine.shift(datetime.timedelta(seconds=2))
    after, recomputed = _get(client, WEEK_QUERY)
    assert recomputed > 0 and _funnel(after) != _funnel(first)
    # Computed again at the new version: reused while nothing changes, past the window too.
    time_machine.shift(datetime.timedelta(seconds=45))
    again, reused = _get(client, WEEK_QUERY)
    assert reused == 0 and _funnel(again) == _funnel(after)


def test_while_one_process_computes_the_others_serve_the_figures_they_have(
    client, outcome_data, settings, django_capture_on_commit_callbacks, time_machine
):
    personas = _manager_with_a_30_second_window(client, outcome_data, settings, time_machine)
    first, _computed = _get(client, WEEK_QUERY)
    _accept_one_waiting(personas, django_capture_on_commit_callbacks)
    time_machine.shift(datetime.timedelta(seconds=31))
    filters = ReportFilterForm.from_query(WEEK_QUERY)
    assert filters.is_valid()
    computing = f"{cached.report_key(filters.to_filters())}:computing"
    cache.add(computing, 1, 30)  # another process has started computing them
    meanwhile, reused = _get(client, WEEK_QUERY)
    assert reused == 0 and _funnel(meanwhile) == _funnel(first)
    cache.delete(computing)  # it finished (or its claim ran out)
    after, recomputed = _get(client, WEEK_QUERY)
    assert recomputed > 0 and _funnel(after) != _funnel(first)


def _accept_one_waiting(personas, capture_on_commit) -> None:
    """Agency X accepts one of the week's waiting referrals through the lifecycle service,
    with its on-commit work run (which moves the reports' data version)."""
    waiting = personas.agency_x.referrals_received.filter(
        status=ReferralStatus.REQUESTED,
        created_at__gte=at(WEEK, 0),
        created_at__lt=at(WEEK + datetime.timedelta(days=7), 0),
    ).first()
    with capture_on_commit(execute=True):
        referral_transition(referral=waiting, actor=personas.partner_x, action="accept")


def _funnel(page: str) -> str:
    return page.split('id="table-funnel"')[1].split("</table>")[0]


def test_without_the_cache_every_load_computes(client, outcome_data, settings):
    settings.REPORTS_CACHE_SECONDS = 0
    login(client, outcome_data.personas.manager)
    _get(client, WEEK_QUERY)
    _page, computed = _get(client, WEEK_QUERY)
    assert computed > 0
    with mock.patch.object(views, "present_tables", wraps=views.present_tables) as tables:
        response = client.get(reverse("reports:dashboard"), WEEK_QUERY)
        assert tables.call_count == 1
    assert "reports/_report_body.html" in [t.name for t in response.templates]
    assert _funnel(response.content.decode()) == _funnel(_page)


def test_the_csv_is_drawn_once_per_figures_and_language(
    client, outcome_data, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_CACHE_SECONDS = 60
    settings.REPORTS_STALE_SECONDS = 0
    personas = outcome_data.personas
    login(client, personas.manager)
    url = reverse("reports:dashboard_csv")
    with mock.patch.object(views, "report_csv", wraps=views.report_csv) as drawn:
        first = client.get(url, WEEK_QUERY).content
        assert client.get(url, WEEK_QUERY).content == first
        assert drawn.call_count == 1  # the second from the cache
        type(personas.manager).objects.filter(pk=personas.manager.pk).update(language="es")
        spanish = client.get(url, WEEK_QUERY).content
        assert drawn.call_count == 2 and spanish != first
        # A referral accepted through the lifecycle: drawn again with the new figures.
        _accept_one_waiting(personas, django_capture_on_commit_callbacks)
        after = client.get(url, WEEK_QUERY).content
        assert drawn.call_count == 3 and after != spanish
