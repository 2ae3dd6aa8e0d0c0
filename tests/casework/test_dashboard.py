import pytest
from django.urls import reverse

from casework import services
from tests.conftest import login
from tests.factories import ClientFactory, IntakeFactory

URL = reverse("casework:dashboard")


def _rows(body: str, heading_id: str) -> str:
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


def test_recent_clients_most_recent_first(client, personas):
    first = ClientFactory(
        center=personas.center_a, created_by=personas.navigator_a, legal_first_name="Alba"
    )
    second = ClientFactory(
        center=personas.center_a, created_by=personas.navigator_a, legal_first_name="Berta"
    )
    someone_elses = ClientFactory(
        center=personas.center_a, created_by=personas.navigator_b, legal_first_name="Carmen"
    )
    # Touch the first again: it moves to the top.
    services.note_add(actor=personas.navigator_a, client=first, body="Called back")
    login(client, personas.navigator_a)
    recent = _rows(client.get(URL).content.decode(), "recent-heading")
    assert recent.index("Alba") < recent.index("Berta")
    assert "Carmen" not in recent
    # Interviewing a client someone else created makes it mine too.
    IntakeFactory(client=someone_elses, navigator=personas.navigator_a)
    recent = _rows(client.get(URL).content.decode(), "recent-heading")
    assert recent.index("Carmen") < recent.index("Alba") < recent.index("Berta")
    # Each row links to that client's page.
    assert reverse("casework:client_detail", args=[second.pk]) in recent


def test_clients_without_intake(client, personas, client_a):
    waiting = ClientFactory(
        center=personas.center_a, created_by=personas.navigator_b, legal_first_name="Dora"
    )
    ClientFactory(center=personas.center_b, created_by=personas.navigator_b, legal_first_name="Eva")
    login(client, personas.navigator_a)
    section = _rows(client.get(URL).content.decode(), "no-intake-heading")
    assert "Dora" in section
    assert "Rosa" not in section  # has an intake
    assert "Eva" not in section  # another center
    assert "1 client has no intake interview yet." in section
    assert reverse("casework:intake_create", args=[waiting.pk]) in section


def test_dashboard_query_count_independent_of_rows(client, personas, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n):
        for _ in range(n):
            ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
            c = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
            IntakeFactory(client=c, navigator=personas.navigator_a)

    login(client, personas.navigator_a)
    make(1)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    make(15)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL)
    assert "16 clients have no intake interview yet." in response.content.decode()


@pytest.mark.parametrize("persona", ["partner_x", "manager", "outsider"])
def test_users_without_a_center_get_a_page_not_an_error(client, personas, client_a, persona):
    # Center A's client exists (and is on navigator_a's dashboard); no one else sees her.
    login(client, personas.navigator_a)
    assert "Rosa Martinez" in _rows(client.get(URL).content.decode(), "recent-heading")
    login(client, personas.all_users[persona])
    response = client.get(URL, follow=True)
    assert response.status_code == 200
    assert "Rosa" not in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "name"), [("partner_x", "referrals:inbox"), ("manager", "reports:dashboard")]
)
def test_partner_and_manager_go_to_their_start_pages(client, personas, persona, name):
    login(client, personas.all_users[persona])
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse(name)


def test_outsider_sees_an_explanation(client, personas):
    login(client, personas.outsider)
    body = client.get(URL).content.decode()
    assert "not linked to a community center" in body


def test_recording_consent_or_household_counts_as_touching(client, personas):
    from tests.factories import ConsentFactory

    other = ClientFactory(
        center=personas.center_a, created_by=personas.navigator_b, legal_first_name="Greta"
    )
    third = ClientFactory(
        center=personas.center_a, created_by=personas.navigator_b, legal_first_name="Hanna"
    )
    login(client, personas.navigator_a)
    assert "Greta" not in _rows(client.get(URL).content.decode(), "recent-heading")
    ConsentFactory(client=other, recorded_by=personas.navigator_a, recipients=[personas.agency_x])
    services.household_member_add(
        actor=personas.navigator_a, client=third, relationship="child", age=3
    )
    recent = _rows(client.get(URL).content.decode(), "recent-heading")
    assert recent.index("Hanna") < recent.index("Greta")


def test_recent_clients_fill_the_list_past_a_client_moved_away(client, personas):
    """The list shows the ten most recent clients the navigator may still open: a client moved
    to another center drops out and the eleventh most recent takes the last place."""
    names = [f"Reciente{i:02d}" for i in range(12)]
    clients = [
        ClientFactory(center=personas.center_a, created_by=personas.navigator_b, legal_first_name=n)
        for n in names
    ]
    for one in clients:  # touched in order: the last is the most recent
        services.note_add(actor=personas.navigator_a, client=one, body="Called")
    services.client_update(actor=personas.navigator_b, client=clients[-1], center=personas.center_b)
    login(client, personas.navigator_a)
    recent = _rows(client.get(URL).content.decode(), "recent-heading")
    shown = [n for n in names if n in recent]
    assert shown == names[1:11]
    assert [recent.index(n) for n in reversed(shown)] == sorted(recent.index(n) for n in shown)


def test_recent_clients_read_only_the_latest_rows_of_each_kind(client, personas, monkeypatch):
    """Each kind of row is read from the user's latest RECENT_WINDOW rows only (so a long
    career costs what a short one does): with a window of four notes, the clients of older
    notes are not listed, however recent their other rows of another kind."""
    from casework import selectors

    monkeypatch.setattr(selectors, "RECENT_WINDOW", 4)
    names = [f"Nota{i:02d}" for i in range(6)]
    clients = [
        ClientFactory(center=personas.center_a, created_by=personas.navigator_b, legal_first_name=n)
        for n in names
    ]
    for one in clients:  # oldest note first
        services.note_add(actor=personas.navigator_a, client=one, body="Called")
    login(client, personas.navigator_a)
    recent = _rows(client.get(URL).content.decode(), "recent-heading")
    assert [n for n in names if n in recent] == names[2:]
    # A household member added for the oldest brings it back, at the top.
    services.household_member_add(
        actor=personas.navigator_a, client=clients[0], relationship="child", age=4
    )
    recent = _rows(client.get(URL).content.decode(), "recent-heading")
    assert recent.index("Nota00") < recent.index("Nota05")
    assert "Nota01" not in recent
