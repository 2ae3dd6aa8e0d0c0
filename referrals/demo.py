"""Demo program directory: real San José / Santa Clara County programs, marked as demo data.

``seed_demo`` is called by ``manage.py seed_demo`` (casework) after the demo city exists. It is
idempotent: agencies are reused by slug, programs and locations by a stable HSDS id derived
from their key, rule sets by (program, version); a second run creates nothing.

Every figure comes from referrals/demo_data/directory.json, which says where each rule comes
from; none was checked live. Programs are ``is_demo=True`` and the UI says "verify before use".
"""

import datetime
import json
import uuid
from pathlib import Path

from django.db import transaction

from casework import services as casework_services
from casework.models import Organization, OrganizationKind

from .models import Criterion, Location, Program, RuleSet, ServiceAtLocation

DATA_FILE = Path(__file__).parent / "demo_data" / "directory.json"
# Program names and documents to bring in es, vi, pa and hi, by program key (English stays in
# directory.json, which is also what HSDS carries).
TRANSLATIONS_FILE = Path(__file__).parent / "demo_data" / "directory_translations.json"
DEMO_NAMESPACE = uuid.UUID("3f0c9a9e-5b7e-4c36-9d67-6d1f3c2b8a10")


def demo_uuid(*parts: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, ":".join(parts))


def load_directory_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def load_directory_translations() -> dict[str, dict]:
    return json.loads(TRANSLATIONS_FILE.read_text(encoding="utf-8"))["programs"]


def program_fields(spec: dict) -> dict:
    """A program's descriptive fields from its entry in the directory data (for synthetic
    directories built from the demo's programs: benchmarks and county-scale tests)."""
    return {
        "description": spec.get("description", ""),
        "need_categories": spec["need_categories"],
        "languages": spec["languages"],
        "service_area_county": spec.get("service_area_county", ""),
        "service_area_zips": spec.get("service_area_zips", []),
        "required_documents": spec.get("required_documents", ""),
        "contact_phone": spec.get("contact_phone", ""),
    }


def rule_set_fields(rs: dict) -> dict:
    """A rule set's fields from its entry in the directory data (demo_data/directory.json)."""
    return {
        "version": rs["version"],
        "effective_from": datetime.date.fromisoformat(rs["effective_from"]),
        "effective_to": (
            datetime.date.fromisoformat(rs["effective_to"]) if rs.get("effective_to") else None
        ),
        "guideline_year": rs.get("guideline_year"),
        "value_formula": rs.get("value"),
    }


def criterion_fields(c: dict) -> dict:
    """A criterion's fields from its entry in the directory data."""
    return {
        "fact": c["fact"],
        "operator": c["operator"],
        "value": c["value"],
        "guideline_year": c.get("guideline_year"),
        "any_of_group": c.get("group", ""),
        "if_not_met": c.get("if_not_met", "exclude"),
        "notice": c.get("notice", ""),
        "explanation": c["explanation"],
        "citation": c["citation"],
    }


def bulk_create_rule_sets(programs_and_templates) -> int:
    """Bulk-create the rule sets and criteria of each (program, directory entry) pair.

    Returns how many rule sets it made.

    For large synthetic directories (benchmarks, county-scale tests); no validation, unlike
    ``seed_demo``, because the entries are the demo's own, already validated there.
    """
    rule_sets, criteria_of = [], []
    for program, template in programs_and_templates:
        for rs in template["rule_sets"]:
            rule_sets.append(RuleSet(program=program, **rule_set_fields(rs)))
            criteria_of.append(rs["criteria"])
    RuleSet.objects.bulk_create(rule_sets)
    Criterion.objects.bulk_create(
        Criterion(rule_set=rule_set, position=position, **criterion_fields(c))
        for rule_set, criteria in zip(rule_sets, criteria_of, strict=True)
        for position, c in enumerate(criteria)
    )
    return len(rule_sets)


def _agency(spec: dict, counts: dict, existing: dict[str, Organization]) -> Organization:
    agency = existing.get(spec["slug"])
    if agency is None:
        agency = existing[spec["slug"]] = casework_services.organization_create(
            name=spec["name"],
            slug=spec["slug"],
            kind=OrganizationKind.PARTNER_AGENCY,
            phone=spec.get("phone", ""),
            website=spec.get("website", ""),
            address=spec.get("address", ""),
            zip_code=spec.get("zip_code", ""),
            description=spec.get("description", ""),
        )
        counts["agencies"] = counts.get("agencies", 0) + 1
    return agency


PROGRAM_FIELDS = (
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
)


@transaction.atomic
def seed_demo(*, city=None, stdout=None) -> dict:
    """Loads the demo directory; returns counts of what it created.

    What exists already is read up front, a few queries in all, rather than asked about row
    by row: tests seed the directory dozens of times, and `make run` on every start."""
    data = load_directory_data()
    translations = load_directory_translations()
    counts: dict[str, int] = {}
    agency_specs = data["agencies"] + data["demo_agencies"]
    existing_agencies = Organization.objects.in_bulk(
        [spec["slug"] for spec in agency_specs], field_name="slug"
    )
    agencies = {spec["slug"]: _agency(spec, counts, existing_agencies) for spec in agency_specs}
    programs = Program.objects.in_bulk(
        [demo_uuid("program", spec["key"]) for spec in data["programs"]], field_name="hsds_id"
    )
    locations = Location.objects.in_bulk(
        [
            demo_uuid("location", spec["key"], str(index))
            for spec in data["programs"]
            for index in range(len(spec.get("locations", [])))
        ],
        field_name="hsds_id",
    )
    program_ids = [program.pk for program in programs.values()]
    at_locations = set(
        ServiceAtLocation.objects.filter(program__in=program_ids).values_list(
            "program_id", "location_id"
        )
    )
    versions = set(
        RuleSet.objects.filter(program__in=program_ids).values_list("program_id", "version")
    )

    for spec in data["programs"]:
        hsds_id = demo_uuid("program", spec["key"])
        program = programs.get(hsds_id)
        if program is None:
            program = Program(hsds_id=hsds_id, agency=agencies[spec["agency"]], is_demo=True)
            for name in PROGRAM_FIELDS:
                if name in spec:
                    setattr(program, name, spec[name])
            if spec.get("last_verified_on"):
                program.last_verified_on = datetime.date.fromisoformat(spec["last_verified_on"])
            program.translations = translations.get(spec["key"], {})
            program.save()
            counts["programs"] = counts.get("programs", 0) + 1
        elif not program.translations and translations.get(spec["key"]):
            # A directory seeded before translations shipped gets them once.
            program.translations = translations[spec["key"]]
            program.save(update_fields=["translations"])
            counts["program translations"] = counts.get("program translations", 0) + 1

        for index, loc in enumerate(spec.get("locations", [])):
            loc_id = demo_uuid("location", spec["key"], str(index))
            location = locations.get(loc_id)
            if location is None:
                location = locations[loc_id] = Location.objects.create(
                    hsds_id=loc_id,
                    agency=program.agency,
                    name=loc["name"],
                    address_1=loc["address_1"],
                    address_2=loc.get("address_2", ""),
                    city=loc.get("city", "San José"),
                    postal_code=loc["postal_code"],
                    hours=loc.get("hours", ""),
                )
                counts["locations"] = counts.get("locations", 0) + 1
            if (program.pk, location.pk) not in at_locations:
                ServiceAtLocation.objects.create(
                    program=program,
                    location=location,
                    hsds_id=demo_uuid("sal", spec["key"], str(index)),
                )
                at_locations.add((program.pk, location.pk))

        for rs in spec.get("rule_sets", []):
            if (program.pk, rs["version"]) in versions:
                continue
            rule_set = RuleSet.objects.create(
                program=program,
                **rule_set_fields(rs),
                notes=rs.get("notes", "Demo data: verify every figure before use."),
            )
            versions.add((program.pk, rs["version"]))
            counts["rule sets"] = counts.get("rule sets", 0) + 1
            for position, c in enumerate(rs["criteria"]):
                criterion = Criterion(rule_set=rule_set, position=position, **criterion_fields(c))
                # The demo obeys the same validation as the admin; its rule set was just made.
                criterion.full_clean(exclude=["rule_set"])
                criterion.save()

    if stdout is not None:
        made = ", ".join(f"{n} {what}" for what, n in counts.items()) or "nothing new"
        stdout.write(f"Demo program directory ready ({made}); demo data — verify before use.")
    return counts
