"""The HSDS 3.0 read API at /hsds/: staff-only (404 for everyone else) until an administrator
opens it, the specification's Page shape, responses valid against the official schemas, and
query counts that do not grow with the directory."""

import pytest
from django.test import Client as HttpClient

from referrals.hsds import organization_hsds_id, taxonomies, taxonomy_terms
from referrals.models import DirectoryPublishing, Program, ServiceAtLocation
from tests.conftest import login
from tests.factories import AgencyFactory, LocationFactory, ProgramFactory, UserFactory
from tests.referrals.hsds_schema import errors, page_errors

pytestmark = pytest.mark.django_db

LISTS = {
    "/hsds/services": "service",
    "/hsds/organizations": "organization",
    "/hsds/service_at_locations": "service_at_location",
    "/hsds/taxonomies": "taxonomy",
    "/hsds/taxonomy_terms": "taxonomy_term",
}


def add_programs(agency, count):
    programs = []
    for _ in range(count):
        program = ProgramFactory(agency=agency, schedules=[{"description": "Mon 9–12"}])
        location = LocationFactory(agency=agency)
        ServiceAtLocation.objects.create(program=program, location=location)
        programs.append(program)
    return programs


@pytest.fixture
def directory(personas):
    return add_programs(personas.agency_x, 1)[0]


def detail_urls(program):
    link = ServiceAtLocation.objects.get(program=program)
    return {
        f"/hsds/services/{program.hsds_id}": "service",
        f"/hsds/organizations/{organization_hsds_id(program.agency)}": "organization",
        f"/hsds/service_at_locations/{link.hsds_id}": "service_at_location",
        f"/hsds/taxonomies/{taxonomies()[0]['id']}": "taxonomy",
        f"/hsds/taxonomy_terms/{taxonomy_terms()[0]['id']}": "taxonomy_term",
    }


def all_urls(program):
    return ["/hsds/", *LISTS, *detail_urls(program)]


def test_closed_api_answers_404_to_anonymous_and_outsiders(directory, personas):
    anonymous = HttpClient()
    outsider = login(HttpClient(), personas.outsider)
    for url in all_urls(directory):
        assert anonymous.get(url).status_code == 404, url
        assert outsider.get(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["navigator_a", "partner_y", "manager"])
def test_closed_api_serves_signed_in_staff(directory, personas, persona):
    client = login(HttpClient(), getattr(personas, persona))
    for url in all_urls(directory):
        assert client.get(url).status_code == 200, url


def test_an_administrator_opens_it_to_the_public(directory):
    anonymous = HttpClient()
    assert anonymous.get("/hsds/services").status_code == 404
    DirectoryPublishing.objects.create(pk=1, hsds_api_public=True)
    response = anonymous.get("/hsds/services")
    assert response.status_code == 200
    assert response.json()["contents"][0]["name"] == directory.name
    DirectoryPublishing.objects.filter(pk=1).update(hsds_api_public=False)
    assert anonymous.get("/hsds/services").status_code == 404


def test_lists_are_hsds_pages_valid_against_the_schemas(directory, personas):
    client = login(HttpClient(), personas.navigator_a)
    for url, schema in LISTS.items():
        page = client.get(url).json()
        assert page["total_items"] >= 1 and page["contents"], url
        assert page_errors(page, schema) == [], url
    assert client.get("/hsds/").json()["version"] == "3.0"


def test_details_are_fully_nested_and_valid_against_the_schemas(directory, personas):
    client = login(HttpClient(), personas.navigator_a)
    for url, schema in detail_urls(directory).items():
        record = client.get(url).json()
        assert errors(schema, record) == [], url
    service = client.get(f"/hsds/services/{directory.hsds_id}").json()
    assert service["organization"]["name"] == "Agency X Food Bank"
    assert service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"]
    assert service["schedules"][0]["description"] == "Mon 9–12"
    organization = client.get(f"/hsds/organizations/{organization_hsds_id(directory.agency)}")
    assert [s["name"] for s in organization.json()["services"]] == [directory.name]


def test_pagination_pages_through_everything(personas):
    programs = add_programs(personas.agency_x, 5)
    client = login(HttpClient(), personas.navigator_a)
    seen = []
    for page_number in (1, 2, 3):
        page = client.get("/hsds/services", {"per_page": 2, "page": page_number}).json()
        assert page["total_items"] == 5 and page["total_pages"] == 3
        assert page["first_page"] == (page_number == 1)
        assert page["last_page"] == (page_number == 3)
        seen += [s["id"] for s in page["contents"]]
    assert sorted(seen) == sorted(str(p.hsds_id) for p in programs)
    beyond = client.get("/hsds/services", {"per_page": 2, "page": 4}).json()
    assert beyond["empty"] is True and beyond["contents"] == [] and beyond["size"] == 0


def test_filters(personas):
    add_programs(personas.agency_x, 2)
    other = add_programs(personas.agency_y, 1)[0]
    client = login(HttpClient(), personas.navigator_a)
    by_org = client.get(
        "/hsds/services", {"organization_id": organization_hsds_id(personas.agency_y)}
    ).json()
    assert [s["id"] for s in by_org["contents"]] == [str(other.hsds_id)]
    Program.objects.filter(pk=other.pk).update(name="Tenant rights clinic")
    found = client.get("/hsds/services", {"search": "tenant"}).json()
    assert [s["name"] for s in found["contents"]] == ["Tenant rights clinic"]
    Program.objects.filter(pk=other.pk).update(need_categories=["legal", "housing"])
    legal = next(t for t in taxonomy_terms() if t["code"] == "legal")
    by_need = client.get("/hsds/services", {"taxonomy_term_id": legal["id"]}).json()
    assert [s["name"] for s in by_need["contents"]] == ["Tenant rights clinic"]
    links = client.get("/hsds/service_at_locations", {"service_id": str(other.hsds_id)}).json()
    assert [link["service_id"] for link in links["contents"]] == [str(other.hsds_id)]


def test_bad_parameters_get_a_clear_message(directory, personas):
    client = login(HttpClient(), personas.navigator_a)
    response = client.get("/hsds/services", {"page": "two"})
    assert response.status_code == 400
    assert response.json()["error"] == "“page” must be a whole number, not “two”."
    response = client.get("/hsds/services", {"per_page": 100000})
    assert response.json()["error"] == "“per_page” must be between 1 and 500."
    response = client.get("/hsds/services", {"organization_id": "nope"})
    assert response.status_code == 400 and "UUID" in response.json()["error"]


def test_unknown_and_malformed_ids_are_404(directory, personas):
    client = login(HttpClient(), personas.navigator_a)
    for kind in ("services", "organizations", "service_at_locations", "taxonomies"):
        assert client.get(f"/hsds/{kind}/not-a-uuid").status_code == 404
        assert client.get(f"/hsds/{kind}/{'0' * 8}-0000-4000-8000-{'0' * 12}").status_code == 404


@pytest.mark.parametrize(
    ("url", "queries", "rows", "many"),
    [
        # publishing setting, count, one page with its joins
        ("/hsds/services", 3, "contents", 13),
        ("/hsds/organizations", 3, "contents", 14),  # agency X, Y and 12 more
        ("/hsds/service_at_locations", 3, "contents", 13),
        # publishing setting, the service with its agency, its links with their locations
        ("/hsds/services/{service}", 3, "service_at_locations", 1),
        # publishing setting, the agency, its services, its locations
        ("/hsds/organizations/{organization}", 4, "services", 13),
    ],
)
def test_query_count_does_not_grow_with_the_directory(
    personas, django_assert_num_queries, url, queries, rows, many
):
    DirectoryPublishing.objects.create(pk=1, hsds_api_public=True)
    client = HttpClient()
    first = add_programs(personas.agency_x, 1)[0]
    url = url.format(service=first.hsds_id, organization=organization_hsds_id(personas.agency_x))
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add_programs(personas.agency_x, 12)
    AgencyFactory.create_batch(12)
    with django_assert_num_queries(queries):
        body = client.get(url).json()
    assert len(body[rows]) == many


def test_an_administrator_turns_public_access_on_in_the_admin(directory):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    browser = login(HttpClient(), admin)
    response = browser.post(
        "/admin/referrals/directorypublishing/add/", {"hsds_api_public": "on"}, follow=True
    )
    assert response.status_code == 200
    setting = DirectoryPublishing.objects.get()
    assert setting.pk == 1 and setting.hsds_api_public
    assert setting.history.get().history_user == admin
    assert HttpClient().get("/hsds/services").status_code == 200
    # One row only: no second "add", no delete.
    assert browser.get("/admin/referrals/directorypublishing/add/").status_code == 403
    assert browser.get("/admin/referrals/directorypublishing/1/delete/").status_code == 403


def test_the_api_only_reads(directory, personas):
    client = login(HttpClient(), personas.navigator_a)
    assert client.head("/hsds/services").status_code == 200
    assert client.post("/hsds/services", {"name": "x"}).status_code == 405
    assert client.delete(f"/hsds/services/{directory.hsds_id}").status_code == 405
    assert Program.objects.get().name == directory.name
    assert HttpClient().post("/hsds/services").status_code == 404  # closed: 404 first
