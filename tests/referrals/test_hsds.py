"""HSDS 3.0 export/import: a lossless round trip, and bad input that imports nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from casework.models import Organization
from referrals.demo import seed_demo
from referrals.models import Location, Program, ServiceAtLocation
from tests.factories import LocationFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PROGRAM_FIELDS = [
    "hsds_id",
    "agency_id",
    "name",
    "description",
    "need_categories",
    "languages",
    "service_area_zips",
    "service_area_county",
    "contact_name",
    "contact_phone",
    "contact_email",
    "website",
    "required_documents",
    "cost",
    "capacity_status",
    "last_verified_on",
    "is_active",
    "is_demo",
]
LOCATION_FIELDS = [
    "hsds_id",
    "agency_id",
    "name",
    "address_1",
    "address_2",
    "city",
    "state_province",
    "postal_code",
    "hours",
    "latitude",
    "longitude",
]


def snapshot():
    return (
        sorted(Program.objects.values_list(*PROGRAM_FIELDS)),
        sorted(Location.objects.values_list(*LOCATION_FIELDS)),
        sorted(
            ServiceAtLocation.objects.values_list(
                "hsds_id", "program__hsds_id", "location__hsds_id"
            )
        ),
    )


@pytest.fixture
def directory():
    seed_demo()
    # Fields the demo leaves empty, so the round trip covers them too.
    odd = ProgramFactory(
        name="Odd one",
        contact_name="Ana Ruiz",
        is_active=False,
        capacity_status="closed",
        required_documents="ID\n\nLease; two pay stubs",
        service_area_zips=["95110", "95116"],
        service_area_county="",
        website="https://example.org/odd",
        last_verified_on=None,
    )
    loc = LocationFactory(
        agency=odd.agency,
        latitude="37.338207",
        longitude="-121.886330",
        address_2="Suite 5",
        hours="",
    )
    ServiceAtLocation.objects.create(program=odd, location=loc)


def test_export_then_import_round_trips_without_loss(directory, tmp_path):
    first = tmp_path / "first.json"
    call_command("export_hsds", str(first))
    before = snapshot()
    document = json.loads(first.read_text())
    assert document["hsds_version"] == "3.0"
    assert len(document["services"]) == Program.objects.count() >= 37
    service = next(s for s in document["services"] if s["name"] == "Odd one")
    assert service["status"] == "inactive"
    assert {"code": "food"}.items() <= service["attributes"][0]["taxonomy_term"].items()

    ServiceAtLocation.objects.all().delete()
    Program.objects.all().delete()
    Location.objects.all().delete()
    assert Program.objects.count() == 0

    call_command("import_hsds", str(first))
    assert snapshot() == before
    second = tmp_path / "second.json"
    call_command("export_hsds", str(second))
    assert json.loads(second.read_text()) == document


def test_import_creates_missing_agencies_and_updates_existing_programs(directory, tmp_path):
    path = tmp_path / "dir.json"
    call_command("export_hsds", str(path))
    document = json.loads(path.read_text())
    org = document["organizations"][0]
    org["organization_identifiers"][0]["identifier"] = "brand-new-agency"
    org["name"] = "Brand New Agency"
    document["services"][0]["name"] = "Renamed service"
    path.write_text(json.dumps(document))
    call_command("import_hsds", str(path))
    assert Organization.objects.get(slug="brand-new-agency").is_agency
    assert Program.objects.filter(name="Renamed service").count() == 1


BAD_CASES = [
    ("services", 1, "status", "closed-ish", "services[1]", "“status”"),
    (
        "services",
        2,
        "organization_id",
        "00000000-0000-0000-0000-000000000000",
        "services[2]",
        "“organization_id”",
    ),
    ("services", 0, "assured_date", "last Tuesday", "services[0]", "“assured_date”"),
    ("services", 3, "url", "not a url", "services[3]", "“url”"),
    ("services", 0, "name", "", "services[0]", "“name”"),
    ("locations", 0, "latitude", "north", "locations[0]", "“latitude”"),
    (
        "service_at_locations",
        0,
        "location_id",
        "5c4d2a08-0000-4000-8000-000000000000",
        "service_at_locations[0]",
        "“location_id”",
    ),
]


@pytest.mark.parametrize(("section", "index", "field", "value", "record", "field_text"), BAD_CASES)
def test_bad_input_names_file_record_field_and_imports_nothing(
    directory, tmp_path, section, index, field, value, record, field_text
):
    path = tmp_path / "bad.json"
    call_command("export_hsds", str(path))
    document = json.loads(path.read_text())
    document["services"][0]["name"] = "Changed before the bad record"  # must not stick
    if field != "name":
        document[section][index][field] = value
    else:
        document[section][index][field] = ""
    path.write_text(json.dumps(document))
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_hsds", str(path))
    message = str(excinfo.value)
    assert str(path) in message and record in message and field_text in message
    assert "nothing was imported" in message
    assert snapshot() == before


def test_bad_need_code_and_broken_json(directory, tmp_path):
    path = tmp_path / "bad.json"
    call_command("export_hsds", str(path))
    document = json.loads(path.read_text())
    document["services"][0]["attributes"][0]["taxonomy_term"]["code"] = "spaceships"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match=r"need “spaceships” is not one of"):
        call_command("import_hsds", str(path))
    path.write_text('{"organizations": [')
    with pytest.raises(CommandError, match=r"line 1 column"):
        call_command("import_hsds", str(path))
