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


def _sections(html) -> dict[str, list[str]]:
    """The program ids each section lists, in order, and its "See all" count if any."""
    found = {}
    for part in html.split('<h3 id="suggestions-')[1:]:
        status = part.split('"', 1)[0]
        found[status] = re.findall(r'data-program="(\d+)"', part)
        more = re.search(r"See all (\d+) programs? in this group", part)
        found[status].append(f"of {more.group(1)}" if more else "all")
    return found


def test_a_saved_intake_is_screened_once_for_both_pages(client, client_a, personas, screenings):
    """Saving an intake opens the suggestions page (ten a section); the client page seen next
    shows the first three of those, from the same screening."""
    seed_demo()
    login(client, personas.navigator_a)
    services.intake_update(
        actor=personas.navigator_a, intake=client_a.intakes.get(), household_size=3
    )
    page = client.get(reverse("referrals:screening_whatif", args=[client_a.pk]))
    assert screenings.call_count == 1
    panel_html = _suggestions(client, client_a)
    assert screenings.call_count == 1  # the panel's lists come from the page's screening

    on_page, in_panel = _sections(page.content.decode()), _sections(panel_html)
    assert on_page.keys() == in_panel.keys() == set(panel.section_keys())
    assert sum(len(ids) - 1 for ids in on_page.values()) > sum(
        len(ids) - 1 for ids in in_panel.values()
    )  # the page lists more than the panel
    for status, ids in on_page.items():
        assert in_panel[status][:-1] == ids[:-1][: panel.PANEL_LIMIT], status
    # The panel's "See all" counts are the page's totals: the same screening, cut shorter.
    totals = {
        status: len(ids) - 1 if ids[-1] == "all" else int(ids[-1][3:])
        for status, ids in on_page.items()
    }
    for status, ids in in_panel.items():
        if len(ids) - 1 < totals[status]:
            assert ids[-1] == f"of {totals[status]}", status


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
