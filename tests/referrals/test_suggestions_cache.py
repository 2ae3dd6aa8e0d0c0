"""Issue 15: the client page's suggestions are screened once per change, not on every view.
A second view reuses them (no screening), and a change to the intake, the client or the
program catalogue screens again, showing the new result."""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from casework import services
from casework.access import grant_client_to_center
from referrals.demo import seed_demo
from referrals.eligibility import panel
from referrals.models import Program
from tests.conftest import login

pytestmark = pytest.mark.django_db

CALFRESH = "CalFresh (SNAP food benefits)"


@pytest.fixture
def screenings():
    with mock.patch.object(panel, "screen_intake", wraps=panel.screen_intake) as spy:
        yield spy


def _suggestions(client, client_a):
    html = client.get(reverse("casework:client_detail", args=[client_a.pk])).content.decode()
    start = html.index('id="panel-suggestions"')
    # The page's forms carry a fresh CSRF token on every view.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html[start:])


def test_second_view_does_not_screen_again(client, client_a, personas, screenings):
    seed_demo()
    login(client, personas.navigator_a)
    first = _suggestions(client, client_a)
    assert screenings.call_count == 1
    second = _suggestions(client, client_a)
    assert screenings.call_count == 1  # from the cache
    assert second == first  # the same cards, reasons, addresses and Refer buttons
    assert CALFRESH in second and "1867 Senter Rd" in second
    # Another navigator of the same center gets the cached result too.
    colleague = services.membership_create(
        user=type(personas.navigator_a).objects.create_user("nav_a2"),
        organization=personas.center_a,
        role="navigator",
    ).user
    login(client, colleague)
    _suggestions(client, client_a)
    assert screenings.call_count == 1


def test_an_intake_change_screens_again(client, client_a, personas, screenings):
    seed_demo()
    login(client, personas.navigator_a)
    before = _suggestions(client, client_a)
    assert "Monthly income $2,300" in before
    intake = client_a.intakes.get()
    services.intake_update(
        actor=personas.navigator_a, intake=intake, monthly_gross_income=Decimal("2100")
    )
    after = _suggestions(client, client_a)
    assert screenings.call_count == 2
    assert "Monthly income $2,100" in after and "Monthly income $2,300" not in after


def test_a_client_or_catalogue_change_screens_again(client, client_a, personas, screenings):
    seed_demo()
    login(client, personas.navigator_a)
    _suggestions(client, client_a)
    services.client_update(actor=personas.navigator_a, client=client_a, zip_code="95116")
    _suggestions(client, client_a)
    assert screenings.call_count == 2
    # An administrator renames a program: the panel shows the new name at once.
    program = Program.objects.get(name=CALFRESH)
    program.name = "CalFresh food help"
    program.save()
    html = _suggestions(client, client_a)
    assert screenings.call_count == 3
    assert "CalFresh food help" in html and CALFRESH not in html


def test_the_cache_being_down_still_shows_suggestions(client, client_a, personas, screenings):
    seed_demo()
    login(client, personas.navigator_a)
    down = mock.Mock(
        get=mock.Mock(side_effect=ConnectionError("redis down")),
        set=mock.Mock(side_effect=ConnectionError("redis down")),
    )
    with mock.patch.object(panel, "cache", down):
        html = _suggestions(client, client_a)
    assert CALFRESH in html
    assert screenings.call_count == 1


def test_the_panel_is_drawn_once_per_language_and_per_right_to_refer(
    client, client_a, personas, screenings
):
    """The panel's HTML is cached with the suggestions: a second view draws nothing, and the
    cached HTML never crosses languages or reaches a user who may not refer."""
    seed_demo()
    send_url = reverse("referrals:send", args=[client_a.pk]) + "?program="
    login(client, personas.navigator_a)
    with mock.patch.object(panel, "render_to_string", wraps=panel.render_to_string) as draws:
        first = _suggestions(client, client_a)
        assert draws.call_count == 1 and send_url in first
        assert _suggestions(client, client_a) == first
        assert draws.call_count == 1  # from the cache

        navigator = personas.navigator_a
        navigator.language = "es"
        navigator.save(update_fields=["language"])
        spanish = _suggestions(client, client_a)
        assert draws.call_count == 2
        assert "Programas sugeridos" in spanish and "Program suggestions" not in spanish

        # A navigator of another center the client is shared with reads, without Refer.
        grant_client_to_center(client=client_a, center=personas.center_b)
        login(client, personas.navigator_b)
        shared = _suggestions(client, client_a)
        assert draws.call_count == 3
        assert CALFRESH in shared and send_url not in shared
    assert screenings.call_count == 1  # one screening behind all three drawings
