import datetime

import pytest
from django.urls import reverse

from casework.selectors import client_search, parse_date, phone_digits
from tests.conftest import login
from tests.factories import ClientFactory, IntakeFactory

URL = reverse("casework:client_list")


def _names(response) -> str:
    return response.content.decode()


@pytest.fixture
def center_a_clients(personas):
    make = lambda **kw: ClientFactory(  # noqa: E731
        center=personas.center_a, created_by=personas.navigator_a, **kw
    )
    return {
        "rosa": make(
            legal_first_name="Rosa",
            legal_last_name="Martínez",
            date_of_birth=datetime.date(1985, 3, 14),
            phone="+14085550123",
        ),
        "nguyen": make(
            legal_first_name="Thi",
            legal_last_name="Nguyen",
            date_of_birth=datetime.date(1970, 1, 2),
            phone="+14085559999",
        ),
    }


def test_name_search_tolerates_typos_and_accents(client, personas, center_a_clients):
    login(client, personas.navigator_a)
    for query in ("rosa martinez", "Martines", "MARTINEZ", "rosa martnez"):
        body = _names(client.get(URL, {"q": query}))
        assert "Rosa Martínez" in body, query
        assert "Thi Nguyen" not in body, query


@pytest.mark.parametrize("query", ["1985-03-14", "03/14/1985", "3/14/1985", "03-14-1985"])
def test_search_by_date_of_birth_in_common_formats(client, personas, center_a_clients, query):
    login(client, personas.navigator_a)
    body = _names(client.get(URL, {"q": query}))
    assert "Rosa Martínez" in body
    assert "Thi Nguyen" not in body
    assert "born on 03/14/1985" in body


@pytest.mark.parametrize("query", ["(408) 555-0123", "408-555-0123", "4085550123", "555-0123"])
def test_search_by_phone_in_any_format(client, personas, center_a_clients, query):
    login(client, personas.navigator_a)
    body = _names(client.get(URL, {"q": query}))
    assert "Rosa Martínez" in body
    assert "Thi Nguyen" not in body


def test_client_of_another_center_never_appears(client, personas, center_a_clients):
    ClientFactory(
        center=personas.center_b,
        created_by=personas.navigator_b,
        legal_first_name="Rosa",
        legal_last_name="Martinez",
        date_of_birth=datetime.date(1985, 3, 14),
        phone="+14085550124",
    )
    login(client, personas.navigator_b)
    for query in ("", "rosa", "martinez", "1985-03-14", "4085550123"):
        body = _names(client.get(URL, {"q": query}))
        assert body.count("Rosa Martinez") + body.count("Rosa Martínez") <= 1, query
        assert "Rosa Martínez" not in body, query
        assert f"/clients/{center_a_clients['rosa'].pk}/" not in body, query


def test_partner_and_outsider_see_no_clients(client, personas, center_a_clients):
    for persona in ("partner_x", "manager", "outsider"):
        login(client, personas.all_users[persona])
        response = client.get(URL, {"q": "rosa"})
        assert response.status_code == 200
        assert "Rosa" not in _names(response).replace("“rosa”", "")


def test_no_match_says_so(client, personas, center_a_clients):
    login(client, personas.navigator_a)
    body = _names(client.get(URL, {"q": "Zebedee"}))
    assert "No client of your center matches" in body


def test_results_are_paginated(client, personas):
    for i in range(30):
        ClientFactory(
            center=personas.center_a,
            created_by=personas.navigator_a,
            legal_first_name="Ana",
            legal_last_name=f"Garcia{i:02d}",
        )
    login(client, personas.navigator_a)
    first = _names(client.get(URL, {"q": "ana garcia"}))
    assert "30 clients" in first
    assert first.count('data-label="Name"><a') == 25
    assert 'aria-label="Next page"' in first
    second = _names(client.get(URL, {"q": "ana garcia", "page": 2}))
    assert second.count('data-label="Name"><a') == 5
    assert "page=1" in second


def test_htmx_request_returns_only_the_results(client, personas, center_a_clients):
    login(client, personas.navigator_a)
    response = client.get(URL, {"q": "rosa"}, HTTP_HX_REQUEST="true")
    body = _names(response)
    assert "Rosa Martínez" in body
    assert "<html" not in body
    full = _names(client.get(URL, {"q": "rosa"}))
    assert 'hx-get="/clients/"' in full
    assert 'hx-trigger="keyup changed delay:300ms, search"' in full


def _make_clients(personas, n):
    for i in range(n):
        c = ClientFactory(
            center=personas.center_a,
            created_by=personas.navigator_a,
            legal_first_name="Ana",
            legal_last_name=f"Lopez{i:02d}",
            date_of_birth=datetime.date(1990, 1, 1),
            phone=f"+1408555{i:04d}",
        )
        IntakeFactory(client=c, navigator=personas.navigator_a)


@pytest.mark.parametrize("query", ["", "ana lopez", "01/01/1990", "408555"])
def test_list_and_search_query_count_independent_of_rows(
    client, personas, django_assert_num_queries, query
):
    login(client, personas.navigator_a)
    _make_clients(personas, 1)
    client.get(URL, {"q": query})  # warm session and content-type caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"q": query})
    _make_clients(personas, 29)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL, {"q": query})
    assert "30 clients" in response.content.decode()


def test_parse_date_and_phone_digits():
    assert parse_date("1985-03-14") == datetime.date(1985, 3, 14)
    assert parse_date("03/14/1985") == datetime.date(1985, 3, 14)
    assert parse_date("3/14/85") == datetime.date(1985, 3, 14)
    assert parse_date("Rosa") is None
    assert phone_digits("(408) 555-0123") == "14085550123"
    assert phone_digits("555-0123") == "5550123"


def test_selector_ignores_global_permissions(personas, center_a_clients):
    from django.contrib.auth.models import Permission

    personas.outsider.user_permissions.add(Permission.objects.get(codename="view_client"))
    assert client_search(user=personas.outsider, query="").total == 0
