"""The HSDS 3.0 export validates against the official schemas, record by record, with format
checking: for the demo directory, and for programs with every optional field filled or empty."""

import json

import pytest
from django.core.management import call_command

from casework.models import Organization
from referrals.demo import seed_demo
from referrals.hsds import export_hsds
from referrals.models import Location, ServiceAtLocation
from tests.factories import LocationFactory, ProgramFactory
from tests.referrals.hsds_schema import document_errors

pytestmark = pytest.mark.django_db


def test_demo_directory_export_has_no_schema_errors(tmp_path):
    seed_demo()
    path = tmp_path / "hsds.json"
    call_command("export_hsds", str(path))
    document = json.loads(path.read_text())
    assert len(document["services"]) >= 37 and len(document["locations"]) >= 20
    assert document_errors(document) == []


def test_every_optional_field_filled_validates():
    program = ProgramFactory(
        description="Groceries every week",
        need_categories=["food", "housing"],
        languages=["es", "vi"],
        service_area_zips=["95110", "95116"],
        service_area_county="Santa Clara",
        service_areas_other=[
            {"name": "Downtown", "extent": '{"type": "Polygon"}', "extent_type": "geojson"}
        ],
        contact_name="Ana Ruiz",
        contact_phone="408-555-0100",
        contact_email="ana@example.org",
        website="https://example.org/food",
        required_documents="Photo ID\nProof of address",
        cost="Free",
        cost_options=[{"option": "Seniors", "amount": 0, "currency": "USD"}],
        schedules=[{"byday": "MO,WE", "opens_at": "09:00", "closes_at": "17:00", "freq": "WEEKLY"}],
        eligibility_description="Residents of San José",
        minimum_age=18,
        maximum_age=64,
        last_verified_on="2026-01-15",
        capacity_status="waitlist",
        is_demo=True,
    )
    agency = program.agency
    Organization.objects.filter(pk=agency.pk).update(
        email="info@example.org",
        website="https://example.org",
        phone="408-555-0199",
        address="1 Main St, San José",
        zip_code="95110",
        description="An agency",
    )
    location = LocationFactory(
        agency=agency, address_2="Suite 5", hours="Mon–Fri 9–5", latitude="37.3", longitude="-121.9"
    )
    ServiceAtLocation.objects.create(program=program, location=location)
    document = export_hsds()
    service = document["services"][0]
    for key in ("minimum_age", "maximum_age", "eligibility_description", "cost_options"):
        assert key in service
    assert {a["extent_type"] for a in service["service_areas"]} == {"text", "geojson"}
    assert document["locations"][0]["latitude"] == pytest.approx(37.3)
    assert document_errors(document) == []


def test_every_optional_field_empty_validates():
    program = ProgramFactory(
        description="",
        need_categories=[],
        languages=[],
        service_area_zips=[],
        service_area_county="",
        contact_name="",
        contact_phone="",
        contact_email="",
        website="",
        required_documents="",
        cost="",
        last_verified_on=None,
    )
    Organization.objects.filter(pk=program.agency_id).update(
        email="", website="", phone="", address="", zip_code="", description=""
    )
    LocationFactory(agency=program.agency, address_2="", hours="", latitude=None, longitude=None)
    document = export_hsds()
    service = document["services"][0]
    assert "url" not in service and "email" not in service and "minimum_age" not in service
    assert "latitude" not in document["locations"][0]
    assert Location.objects.count() == 1
    assert document_errors(document) == []


def test_the_validator_reports_nulls_bad_ids_and_bad_formats():
    errors = document_errors(
        {
            "services": [
                {"id": "not-a-uuid", "name": None, "status": "active", "url": "not a url"}
            ],
            "locations": [{"id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "latitude": None}],
        }
    )
    assert any("None is not of type 'string'" in e for e in errors)
    assert any("is not a 'uuid'" in e for e in errors)
    assert any("is not a 'uri'" in e for e in errors)
    assert any("location_type" in e for e in errors)  # required
    assert any("None is not of type 'number'" in e for e in errors)
