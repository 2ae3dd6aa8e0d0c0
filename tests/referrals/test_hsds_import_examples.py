"""HSDS 3.0 import of the specification's own examples (../shared/reference/hsds-3.0/examples):
every shape is understood, what Casebridge models is kept, re-imports change nothing, files with
nothing to import fail clearly, and bad input imports nothing."""

import csv
import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from casework.models import Organization
from referrals.eligibility import EligibilityStatus, screen_facts
from referrals.hsds import export_hsds, import_hsds, load_hsds_file
from referrals.models import Location, Program, RuleSet, ServiceAtLocation
from tests.factories import UserFactory
from tests.referrals.hsds_schema import EXAMPLES, document_errors

pytestmark = pytest.mark.django_db

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
ORGANIZATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"

# file → (organizations, services, locations, links) it holds that Casebridge can import
DIRECTORY_EXAMPLES = {
    "service_full.json": (1, 1, 1, 1),
    "organization_full.json": (1, 1, 1, 1),
    "service_at_location_full.json": (1, 1, 1, 1),
    "service_list.json": (1, 1, 0, 0),
    "organization_list.json": (1, 0, 0, 0),
    # the list's location has no address: reported, and its link skipped
    "service_at_location_list.json": (1, 1, 0, 0),
    "tabular.json": (1, 1, 1, 1),
}
NOTHING_TO_IMPORT = {
    "base.json": "(top level)",
    "taxonomy.json": "(top level)",
    "taxonomy_term.json": "(top level)",
    "taxonomy_list.json": "contents[0]",
    "taxonomy_term_list.json": "contents[0]",
    "location.json": "“organization_id”",  # a location alone: no agency owns it
}


def counts():
    return (
        Organization.objects.filter(kind="partner_agency").count(),
        Program.objects.count(),
        Location.objects.count(),
        ServiceAtLocation.objects.count(),
    )


def history_rows():
    return (
        Program.history.count(),
        Location.history.count(),
        RuleSet.history.count(),
    )


def test_every_example_file_is_covered():
    assert {p.name for p in EXAMPLES.glob("*.json")} == set(DIRECTORY_EXAMPLES) | set(
        NOTHING_TO_IMPORT
    )


@pytest.mark.parametrize("name", sorted(DIRECTORY_EXAMPLES))
def test_each_directory_example_imports_and_a_reimport_changes_nothing(name, capsys):
    call_command("import_hsds", str(EXAMPLES / name))
    assert counts() == DIRECTORY_EXAMPLES[name]
    organization = Organization.objects.get(name="Example Organization Inc.")
    assert organization.is_agency and str(organization.hsds_id) == ORGANIZATION_ID
    assert "Imported" in capsys.readouterr().out

    before = (counts(), history_rows())
    call_command("import_hsds", str(EXAMPLES / name))
    assert (counts(), history_rows()) == before
    assert "nothing changed" in capsys.readouterr().out


def test_service_full_keeps_what_casebridge_models():
    call_command("import_hsds", str(EXAMPLES / "service_full.json"))
    program = Program.objects.get(hsds_id=SERVICE_ID)
    assert program.name == "Community Counselling"
    assert program.agency.name == "Example Organization Inc."
    assert program.eligibility_description.startswith("This service is intended for all people")
    assert (program.minimum_age, program.maximum_age) == (12, 100)
    assert program.schedules[0]["opens_at"] == "10:00:00"
    assert program.schedules[0]["byday"] == "TH,FR"
    assert program.cost_options == [
        {
            "valid_from": "2020-01-01",
            "valid_to": "2022-12-31",
            "option": "Under 18s and Over 60s",
            "currency": "gbp",
            "amount": 35,
            "amount_description": "per 1 hour session",
        }
    ]
    assert program.cost.startswith("Non-NHS patients are expected to pay")
    assert program.languages == ["ur"]
    assert program.required_documents.startswith("Any official identification document")
    assert program.contact_name == "Ann Persona"
    with_two_phones = json.loads((EXAMPLES / "service_full.json").read_text())
    with_two_phones["phones"].append({"id": LOCATION_ID, "number": "408-555-0100"})
    result = import_hsds(with_two_phones, source="two-phones.json")
    assert any("“phones”: Casebridge keeps the first of 2" in n for n in result.notices)
    assert program.contact_phone == '"+44 1234 234567"'
    assert program.website == "http://example.com/counselling"
    assert program.last_verified_on == datetime.date(2005, 1, 1)
    # A GeoJSON area is kept as published and restricts nobody.
    assert program.service_area_zips == [] and program.service_area_county == ""
    assert program.service_areas_other[0]["extent_type"] == "geojson"
    # The location has only a postal address, and a latitude out of range (100): kept without it.
    location = Location.objects.get(hsds_id=LOCATION_ID)
    assert (location.address_1, location.city, location.postal_code) == (
        "1-30 Main Street",
        "MyCity",
        "ABC 1234",
    )
    assert location.latitude is None and float(location.longitude) == 101
    assert location.hours.startswith("The service is available from 10 am to 6pm weekdays")
    assert ServiceAtLocation.objects.get(program=program).location == location


def test_published_ages_become_a_draft_that_screening_ignores_until_approved():
    call_command("import_hsds", str(EXAMPLES / "service_full.json"))
    program = Program.objects.get(hsds_id=SERVICE_ID)
    draft = RuleSet.objects.get(program=program)
    assert draft.is_draft
    assert sorted(draft.criteria.values_list("fact", "operator", "value")) == [
        ("age", "gte", 12),
        ("age", "lte", 100),
    ]
    assert "This service is intended for all people aged 12" in draft.notes

    def result_for(age):
        results = screen_facts(facts={"age": age}, programs=[program])
        return results[0]

    young = result_for(8)
    # The draft does not count: with no approved rules the program is open to everyone.
    assert young.status == EligibilityStatus.OPEN_TO_ALL
    assert young.in_area is True  # the GeoJSON area never says "not eligible"
    assert any("MyCity" in n.render() or "cannot check" in n.render() for n in young.notices)

    draft.is_draft = False
    draft.save()
    assert result_for(8).status == EligibilityStatus.NOT_ELIGIBLE
    assert result_for(30).status == EligibilityStatus.LIKELY_ELIGIBLE


def test_changed_ages_on_reimport_add_one_new_draft(tmp_path):
    call_command("import_hsds", str(EXAMPLES / "service_full.json"))
    document = json.loads((EXAMPLES / "service_full.json").read_text())
    document["minimum_age"] = 16
    path = tmp_path / "service.json"
    path.write_text(json.dumps(document))
    call_command("import_hsds", str(path))
    call_command("import_hsds", str(path))
    program = Program.objects.get(hsds_id=SERVICE_ID)
    assert program.minimum_age == 16
    assert list(program.rule_sets.order_by("-version").values_list("version", "is_draft")) == [
        (2, True),
        (1, True),
    ]


def test_dry_run_prints_the_changes_and_writes_nothing(capsys):
    call_command("import_hsds", str(EXAMPLES / "organization_full.json"), "--dry-run")
    out = capsys.readouterr().out
    assert "Would create organization “Example Organization Inc.”" in out
    assert "Would create service “Community Counselling”" in out
    assert "Would create location “MyCity Civic Center”" in out
    assert "nothing was written" in out
    assert counts() == (0, 0, 0, 0) and RuleSet.objects.count() == 0


def test_dry_run_after_an_edit_names_the_changed_fields(tmp_path, capsys):
    call_command("import_hsds", str(EXAMPLES / "service_full.json"))
    document = json.loads((EXAMPLES / "service_full.json").read_text())
    document["name"] = "Counselling for all"
    path = tmp_path / "service.json"
    path.write_text(json.dumps(document))
    capsys.readouterr()
    call_command("import_hsds", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert f"Would update service “Counselling for all” ({SERVICE_ID}): name" in out
    assert Program.objects.get(hsds_id=SERVICE_ID).name == "Community Counselling"


@pytest.mark.parametrize("name", sorted(NOTHING_TO_IMPORT))
def test_a_file_with_nothing_to_import_fails_naming_file_and_path(name):
    with pytest.raises(CommandError) as excinfo:
        call_command("import_hsds", str(EXAMPLES / name))
    message = str(excinfo.value)
    assert name in message and NOTHING_TO_IMPORT[name] in message
    assert "nothing was imported" in message
    assert counts() == (0, 0, 0, 0)


def test_the_tabular_form_as_a_directory_of_csv_files(tmp_path):
    tables = json.loads((EXAMPLES / "tabular.json").read_text())
    for name, rows in tables.items():
        columns = list(dict.fromkeys(k for row in rows for k in row))
        with open(tmp_path / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    call_command("import_hsds", str(tmp_path))
    assert counts() == (1, 1, 1, 1)
    program = Program.objects.get(hsds_id=SERVICE_ID)
    assert (program.minimum_age, program.maximum_age) == (12, 100)
    assert program.contact_phone and program.schedules and program.cost_options
    assert program.languages == ["ur"]


def test_full_state_names_and_zip_and_county_service_areas(tmp_path):
    document = json.loads((EXAMPLES / "service_full.json").read_text())
    address = document["service_at_locations"][0]["location"]["addresses"][0]
    address.update(state_province="California", postal_code="95112", address_type="physical")
    document["organization"]["locations"] = []
    document["service_areas"] = [
        {
            "id": "381c64f1-a724-4884-9c21-ac96c21cca3e",
            "name": "Downtown",
            "extent": "95110, 95112",
        },
        {"id": "381c64f1-a724-4884-9c21-ac96c21cca3f", "name": "Santa Clara County"},
    ]
    path = tmp_path / "service.json"
    path.write_text(json.dumps(document))
    call_command("import_hsds", str(path))
    assert Location.objects.get(hsds_id=LOCATION_ID).state_province == "CA"
    program = Program.objects.get(hsds_id=SERVICE_ID)
    assert program.service_area_zips == ["95110", "95112"]
    assert program.service_area_county == "Santa Clara"
    assert program.service_areas_other == []
    outside = screen_facts(facts={"zip_code": "95014"}, programs=[program])[0]
    assert outside.status == EligibilityStatus.NOT_ELIGIBLE


def test_bad_nested_record_names_its_path_and_imports_nothing(tmp_path):
    document = json.loads((EXAMPLES / "service_full.json").read_text())
    document["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = None
    document["organization"]["locations"] = []
    path = tmp_path / "service.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_hsds", str(path))
    message = str(excinfo.value)
    assert "service_at_locations[0].location" in message and "“postal_code”" in message
    assert counts() == (0, 0, 0, 0)

    document = json.loads((EXAMPLES / "service_full.json").read_text())
    document["minimum_age"] = "twelve"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match=r"“minimum_age”: “twelve” is not a number"):
        call_command("import_hsds", str(path))
    assert counts() == (0, 0, 0, 0)


def test_the_history_names_the_importer():
    admin = UserFactory(username="directory-admin", is_staff=True)
    call_command("import_hsds", str(EXAMPLES / "service_full.json"), "--actor", admin.username)
    program = Program.objects.get(hsds_id=SERVICE_ID)
    assert program.history.get().history_user == admin
    assert RuleSet.history.get().history_user == admin
    assert Location.history.get().history_user == admin
    with pytest.raises(CommandError, match="No user named “nobody”; nothing was imported"):
        call_command("import_hsds", str(EXAMPLES / "service_full.json"), "--actor", "nobody")


def test_what_was_imported_exports_valid_and_round_trips(tmp_path):
    for name in DIRECTORY_EXAMPLES:
        call_command("import_hsds", str(EXAMPLES / name))
    document = export_hsds()
    assert document_errors(document) == []
    service = next(s for s in document["services"] if s["id"] == SERVICE_ID)
    assert service["organization_id"] == ORGANIZATION_ID
    assert (service["minimum_age"], service["maximum_age"]) == (12, 100)
    assert service["schedules"][0]["byday"] == "TH,FR"
    assert service["cost_options"][0]["amount"] == 35
    assert {a["extent_type"] for a in service["service_areas"]} == {"geojson"}
    # Casebridge's own export imports back without any change.
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    before = (counts(), history_rows())
    result = import_hsds(load_hsds_file(str(path)), source=str(path))
    assert result.changes == [] and (counts(), history_rows()) == before
