"""HSDS 3.0 (Open Referral) export and import of the program directory.

Export: one JSON document with the lists the HSDS 3.0 API names::

    {"hsds_version": "3.0", "organizations": [...], "services": [...],
     "locations": [...], "service_at_locations": [...], "taxonomies": [...]}

Each record validates against its official HSDS 3.0 object schema: a value Casebridge does not
have is left out, never sent as ``null``.

Field mapping (Casebridge → HSDS 3.0):
- Organization: its HSDS id (kept from an import) or an id derived from the slug (uuid5,
  stable across exports); slug → organization_identifiers[identifier_type="casebridge:slug"];
  name, description, email, website; phone → phones[0].number; address, ZIP and active flag →
  attributes (taxonomies casebridge:address, casebridge:zip_code, casebridge:active).
- Program → service: hsds_id → id, agency → organization_id, website → url, contact_email →
  email, contact_name → contacts[0].name, contact_phone → phones[0].number, cost →
  fees_description, cost_options, schedules, eligibility_description, minimum_age /
  maximum_age, last_verified_on → assured_date, is_active/capacity → status ("active",
  "temporarily closed", "inactive"), languages → languages[].code, required_documents (one per
  line) → required_documents[].document, service_area_zips / county → service_areas
  (extent_type "text", description "postal_code" / "county") plus the areas Casebridge keeps
  as published (GeoJSON, ...), need categories, capacity and the demo flag → attributes
  (casebridge:need, casebridge:capacity, casebridge:demo).
- Location: addresses[0] (physical), hours → schedules[0].description, latitude/longitude.

Import (``import_hsds``) reads every shape the specification's examples show
(``referrals.hsds_read``), validates everything first and writes nothing if any record is
wrong (the error names the file, the record's path and the field); records are matched by
their HSDS id, so importing the same file again changes nothing. What Casebridge cannot use is
reported as a notice, never turned into a restriction: a service area it cannot interpret
(GeoJSON, a polygon) never makes a client "not eligible". A service's published minimum and
maximum age and eligibility text also become a DRAFT rule set, which does not affect
screening until an administrator approves it.
"""

import datetime
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from casework import services as casework_services
from casework.models import Organization, OrganizationKind
from casework.models.intake import Need

from . import hsds_read
from .eligibility.catalogue import Operator
from .models import CapacityStatus, Criterion, Location, Program, RuleSet, ServiceAtLocation
from .services.directory import service_at_location_save
from .services.programs import program_save

HSDS_VERSION = "3.0"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
NAMESPACE = uuid.UUID("0c5c8e0e-3a43-4f43-8f6e-1b1f3f5f9e21")
SLUG_SCHEME = "casebridge:slug"
T_NEED, T_CAPACITY, T_DEMO = "casebridge:need", "casebridge:capacity", "casebridge:demo"
T_ADDRESS, T_ZIP, T_ACTIVE = "casebridge:address", "casebridge:zip_code", "casebridge:active"
TAXONOMIES = {
    T_NEED: "Needs a Casebridge program meets (food, housing, internet, ...)",
    T_CAPACITY: "Whether a program is accepting referrals, waitlisted or closed",
    T_DEMO: "Seeded example data, to verify before use",
    T_ADDRESS: "An agency's mailing address as one line",
    T_ZIP: "An agency's ZIP code",
    T_ACTIVE: "Whether an agency is active in Casebridge",
}
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
# HSDS child objects Casebridge keeps as published: field → JSON type.
SCHEDULE_FIELDS = {
    **dict.fromkeys(
        [
            "valid_from",
            "valid_to",
            "dtstart",
            "until",
            "wkst",
            "freq",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ],
        str,
    ),
    "timezone": float,
    "count": int,
    "interval": int,
}
COST_OPTION_FIELDS = {
    **dict.fromkeys(["valid_from", "valid_to", "option", "currency", "amount_description"], str),
    "amount": float,
}
SERVICE_AREA_FIELDS = dict.fromkeys(["name", "description", "extent", "extent_type", "uri"], str)
US_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
    "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR",
    "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
    "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA",
    "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
    "puerto rico": "PR", "guam": "GU", "american samoa": "AS", "u.s. virgin islands": "VI",
    "northern mariana islands": "MP",
}  # fmt: skip
ZIP_RE = re.compile(r"^\d{5}$")


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def organization_hsds_id(organization: Organization) -> str:
    if organization.hsds_id:
        return str(organization.hsds_id)
    return _id("organization", organization.slug)


def _compact(value):
    """Leaves out what Casebridge does not have: HSDS wants a value or no key, never null."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def _term(taxonomy: str, code: str) -> dict:
    return {
        "id": _id("term", taxonomy, code),
        "code": code,
        "name": code,
        "description": "",
        "taxonomy": taxonomy,
        "taxonomy_id": _id("taxonomy", taxonomy),
    }


def _attribute(link_id: str, entity: str, taxonomy: str, code: str, value=None) -> dict:
    term = _term(taxonomy, code)
    return {
        "id": _id("attribute", link_id, taxonomy, code),
        "link_id": link_id,
        "link_type": taxonomy,
        "link_entity": entity,
        "taxonomy_term_id": term["id"],
        "value": value,
        "taxonomy_term": term,
    }


def taxonomies() -> list[dict]:
    """The taxonomies Casebridge's attributes use (HSDS taxonomy objects)."""
    return [
        {"id": _id("taxonomy", name), "name": name, "description": description}
        for name, description in TAXONOMIES.items()
    ]


def taxonomy_terms() -> list[dict]:
    """The terms Casebridge defines: need categories, capacity states, flags."""
    terms = [_term(T_NEED, need) for need in Need.values]
    terms += [_term(T_CAPACITY, status) for status in CapacityStatus.values]
    terms += [_term(T, code) for T in (T_DEMO, T_ACTIVE) for code in ("true", "false")]
    return terms


# ---------------------------------------------------------------- export


def directory_querysets() -> dict:
    """Partner agencies, programs, locations and links, with what export needs joined."""
    return {
        "organizations": Organization.objects.filter(kind=OrganizationKind.PARTNER_AGENCY).order_by(
            "slug"
        ),
        "services": Program.objects.select_related("agency").order_by("hsds_id"),
        "locations": Location.objects.select_related("agency").order_by("hsds_id"),
        "service_at_locations": ServiceAtLocation.objects.select_related(
            "program", "location"
        ).order_by("hsds_id"),
    }


def export_hsds() -> dict:
    """The whole directory (partner agencies, programs, locations, links) as HSDS 3.0."""
    qs = directory_querysets()
    return {
        "hsds_version": HSDS_VERSION,
        "organizations": [export_organization(o) for o in qs["organizations"]],
        "services": [export_service(p) for p in qs["services"]],
        "locations": [export_location(loc) for loc in qs["locations"]],
        "service_at_locations": [export_service_at_location(s) for s in qs["service_at_locations"]],
        "taxonomies": taxonomies(),
    }


def export_service_at_location(link: ServiceAtLocation) -> dict:
    return {
        "id": str(link.hsds_id),
        "service_id": str(link.program.hsds_id),
        "location_id": str(link.location.hsds_id),
        "description": "",
    }


def export_organization(org: Organization) -> dict:
    oid = organization_hsds_id(org)
    attributes = [_attribute(oid, "organization", T_ACTIVE, "true" if org.is_active else "false")]
    if org.address:
        attributes.append(_attribute(oid, "organization", T_ADDRESS, "address", org.address))
    if org.zip_code:
        attributes.append(_attribute(oid, "organization", T_ZIP, "zip_code", org.zip_code))
    return _compact(
        {
            "id": oid,
            "name": org.name,
            "description": org.description,
            "email": org.email or None,
            "website": org.website or None,
            "phones": (
                [{"id": _id("phone", oid), "organization_id": oid, "number": org.phone}]
                if org.phone
                else []
            ),
            "organization_identifiers": [
                {
                    "id": _id("identifier", oid),
                    "organization_id": oid,
                    "identifier_scheme": "casebridge",
                    "identifier_type": SLUG_SCHEME,
                    "identifier": org.slug,
                }
            ],
            "attributes": attributes,
        }
    )


def _service_status(p: Program) -> str:
    if not p.is_active:
        return "inactive"
    if p.capacity_status == CapacityStatus.CLOSED:
        return "temporarily closed"
    return "active"


def export_service(p: Program) -> dict:
    sid = str(p.hsds_id)
    attributes = [_attribute(sid, "service", T_NEED, need) for need in p.need_categories]
    attributes.append(_attribute(sid, "service", T_CAPACITY, p.capacity_status))
    attributes.append(_attribute(sid, "service", T_DEMO, "true" if p.is_demo else "false"))
    areas = [
        {
            "id": _id("area", sid, "zip", z),
            "service_id": sid,
            "name": z,
            "description": "postal_code",
            "extent": z,
            "extent_type": "text",
        }
        for z in p.service_area_zips
    ]
    if p.service_area_county:
        areas.append(
            {
                "id": _id("area", sid, "county"),
                "service_id": sid,
                "name": f"{p.service_area_county} County",
                "description": "county",
                "extent": p.service_area_county,
                "extent_type": "text",
            }
        )
    areas += [
        {"id": _id("area", sid, "other", i), "service_id": sid, **area}
        for i, area in enumerate(p.service_areas_other)
    ]
    documents = p.required_documents.split("\n") if p.required_documents else []
    return _compact(
        {
            "id": sid,
            "organization_id": organization_hsds_id(p.agency),
            "name": p.name,
            "description": p.description,
            "url": p.website or None,
            "email": p.contact_email or None,
            "status": _service_status(p),
            "fees_description": p.cost,
            "eligibility_description": p.eligibility_description or None,
            "minimum_age": p.minimum_age,
            "maximum_age": p.maximum_age,
            "assured_date": p.last_verified_on.isoformat() if p.last_verified_on else None,
            "languages": [
                {"id": _id("language", sid, i, code), "service_id": sid, "code": code}
                for i, code in enumerate(p.languages)
            ],
            "phones": (
                [{"id": _id("phone", sid), "service_id": sid, "number": p.contact_phone}]
                if p.contact_phone
                else []
            ),
            "contacts": (
                [{"id": _id("contact", sid), "service_id": sid, "name": p.contact_name}]
                if p.contact_name
                else []
            ),
            "schedules": [
                {"id": _id("schedule", sid, i), "service_id": sid, **schedule}
                for i, schedule in enumerate(p.schedules)
            ],
            "cost_options": [
                {"id": _id("cost", sid, i), "service_id": sid, **option}
                for i, option in enumerate(p.cost_options)
            ],
            "required_documents": [
                {"id": _id("document", sid, i), "service_id": sid, "document": doc}
                for i, doc in enumerate(documents)
            ],
            "service_areas": areas,
            "attributes": attributes,
        }
    )


def export_location(loc: Location) -> dict:
    lid = str(loc.hsds_id)
    return _compact(
        {
            "id": lid,
            "location_type": "physical",
            "organization_id": organization_hsds_id(loc.agency),
            "name": loc.name,
            "latitude": float(loc.latitude) if loc.latitude is not None else None,
            "longitude": float(loc.longitude) if loc.longitude is not None else None,
            "addresses": [
                {
                    "id": _id("address", lid),
                    "location_id": lid,
                    "address_1": loc.address_1,
                    "address_2": loc.address_2,
                    "city": loc.city,
                    "region": "",
                    "state_province": loc.state_province,
                    "postal_code": loc.postal_code,
                    "country": "US",
                    "address_type": "physical",
                }
            ],
            "schedules": (
                [{"id": _id("schedule", lid), "location_id": lid, "description": loc.hours}]
                if loc.hours
                else []
            ),
        }
    )


# ---------------------------------------------------------------- import


class HSDSImportError(Exception):
    """A problem in the input, located by file, record and field."""

    def __init__(self, source: str, record: str, field: str, message: str):
        self.source, self.record, self.field, self.message = source, record, field, message
        super().__init__(f"{source}: {record}: field “{field}”: {message}")


@dataclass
class _Ctx:
    source: str
    record: str = "document"
    notices: list[str] = field(default_factory=list)

    def fail(self, field: str, message: str):
        raise HSDSImportError(self.source, self.record, field, message)

    def notice(self, field: str, message: str) -> None:
        self.notices.append(f"{self.record}: “{field}”: {message}")


def _str(ctx, obj, field, *, required=False, max_length=None, default="") -> str:
    value = obj.get(field)
    if value is None:
        if required:
            ctx.fail(field, "is required")
        return default
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # CSV and some feeds give numbers where HSDS says text
    if not isinstance(value, str):
        ctx.fail(field, f"must be text, not {type(value).__name__}")
    if required and not value.strip():
        ctx.fail(field, "must not be empty")
    if max_length and len(value) > max_length:
        ctx.fail(field, f"is longer than {max_length} characters")
    return value


def _uuid(ctx, obj, field) -> uuid.UUID:
    raw = obj.get(field)
    if not isinstance(raw, str) or not raw:
        ctx.fail(field, "is required")
    try:
        return uuid.UUID(raw)
    except ValueError:
        ctx.fail(field, f"“{raw}” is not a UUID")


def _list(ctx, obj, field) -> list:
    value = obj.get(field) or []
    if not isinstance(value, list):
        ctx.fail(field, "must be a list")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            ctx.fail(f"{field}[{index}]", "must be an object")
    return value


def _attributes(ctx, obj) -> dict[str, list]:
    """Casebridge's own attributes (casebridge:* taxonomies); others are not used."""
    found: dict[str, list] = {}
    for index, attr in enumerate(_list(ctx, obj, "attributes")):
        term = attr.get("taxonomy_term") or {}
        taxonomy = term.get("taxonomy") or attr.get("link_type")
        if not isinstance(taxonomy, str) or not taxonomy.startswith("casebridge:"):
            continue
        code = term.get("code")
        if not isinstance(code, str):
            ctx.fail(f"attributes[{index}].taxonomy_term.code", "is required")
        found.setdefault(taxonomy, []).append((code, attr.get("value")))
    return found


def _short(ctx, obj, field, limit) -> str:
    """Text Casebridge keeps in a short field: cut at ``limit`` characters, with a notice."""
    value = _str(ctx, obj, field)
    if len(value) > limit:
        ctx.notice(field, f"longer than {limit} characters; the rest is left out")
    return value[:limit]


def _url(ctx, value, field):
    if value:
        try:
            URLValidator()(value)
        except ValidationError:
            ctx.fail(field, f"“{value}” is not a URL")
    return value


def _email(ctx, value, field):
    if value:
        try:
            validate_email(value)
        except ValidationError:
            ctx.fail(field, f"“{value}” is not an email address")
    return value


def _number(ctx, obj, field):
    raw = obj.get(field)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        ctx.fail(field, "must be a number")
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        ctx.fail(field, f"“{raw}” is not a number")


def _coordinate(ctx, obj, field, limit):
    value = _number(ctx, obj, field)
    if value is None:
        return None
    if abs(value) > limit:
        ctx.notice(field, f"{value} is outside -{limit}…{limit}; the location is kept without it")
        return None
    return value.quantize(Decimal("0.000001"))


def _age(ctx, obj, field):
    value = _number(ctx, obj, field)
    if value is None:
        return None
    if value < 0 or value > 150 or value != value.to_integral_value():
        ctx.fail(field, f"“{obj.get(field)}” is not an age in whole years")
    return int(value)


def _kept(ctx, obj, field, allowed: dict) -> list[dict]:
    """HSDS child objects kept as published: the known fields, type-checked, without ids."""
    kept = []
    for index, item in enumerate(_list(ctx, obj, field)):
        entry = {}
        for key, kind in allowed.items():
            value = item.get(key)
            if value is None or value == "":
                continue
            if kind is str and not isinstance(value, str):
                ctx.fail(f"{field}[{index}].{key}", "must be text")
            if kind in (int, float) and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                ctx.fail(f"{field}[{index}].{key}", "must be a number")
            if kind is int and value != int(value):
                ctx.fail(f"{field}[{index}].{key}", "must be a whole number")
            entry[key] = int(value) if kind is int else value
        if entry:
            kept.append(entry)
    return kept


def _state(value: str) -> str:
    return US_STATES.get(value.strip().lower(), value.strip())


def _service_areas(ctx, obj) -> tuple[list[str], str, list[dict]]:
    """ZIP codes and a county Casebridge checks; every other area kept as published."""
    zips, county, other = [], "", []
    kept = _kept(ctx, obj, "service_areas", SERVICE_AREA_FIELDS)
    for area in kept:
        kind = (area.get("description") or "").strip().lower()
        extent_type = (area.get("extent_type") or "text").strip().lower()
        extent = (area.get("extent") or area.get("name") or "").strip()
        values = [v.strip() for v in re.split(r"[,;\s]+", extent) if v.strip()]
        if extent_type == "text" and values and all(ZIP_RE.match(v) for v in values):
            zips.extend(v for v in values if v not in zips)
        elif extent_type == "text" and kind == "postal_code":
            ctx.fail("service_areas.extent", f"“{extent}” is not a 5-digit ZIP")
        elif extent_type == "text" and (kind == "county" or extent.lower().endswith(" county")):
            county = re.sub(r"\s+county$", "", extent, flags=re.IGNORECASE)[:100]
        else:
            other.append(area)
            ctx.notice(
                "service_areas",
                f"the {extent_type} area “{area.get('name') or extent}” is kept as published, "
                "but Casebridge cannot check an address against it: it never makes a client "
                "“not eligible”",
            )
    return zips, county, other


def _hours(schedules: list[dict]) -> str:
    lines = []
    for s in schedules:
        if s.get("description"):
            lines.append(s["description"])
        elif s.get("opens_at") or s.get("byday"):
            times = "–".join(t[:5] for t in (s.get("opens_at"), s.get("closes_at")) if t)
            lines.append(" ".join(p for p in (s.get("byday", ""), times) if p))
    return "\n".join(lines)


@dataclass
class Parsed:
    organizations: dict
    locations: dict
    services: dict
    links: dict
    notices: list[str]


def parse_hsds(data, *, source: str) -> Parsed:
    """Validates an HSDS document in any published shape; returns field dicts, or raises."""
    ctx = _Ctx(source)
    if isinstance(data, dict) and "hsds_version" in data:
        version = data["hsds_version"]
        if not str(version).startswith("3."):
            ctx.fail("hsds_version", f"“{version}” is not HSDS 3.x")
    found = hsds_read.read_document(data)
    if found.empty:
        ctx.record = "(top level)"
        what = ", ".join(found.skipped) or "the document"
        ctx.fail(
            "(record)",
            f"no HSDS organization, service, location or service_at_location found in {what} "
            "(taxonomies and other objects are not imported)",
        )
    for path in found.skipped:
        ctx.notices.append(f"{path}: not an organization, service, location or link; skipped")
    records = found.lists()

    organizations = {}
    for path, obj in records["organizations"]:
        ctx.record = path
        if not isinstance(obj, dict):
            ctx.fail("(record)", "must be an object")
        oid = _uuid(ctx, obj, "id")
        ctx.record += f" (id {oid})"
        name = _str(ctx, obj, "name", required=True, max_length=200)
        slug = ""
        for ident in _list(ctx, obj, "organization_identifiers"):
            if ident.get("identifier_type") == SLUG_SCHEME:
                slug = str(ident.get("identifier") or "")
        slug = slug or slugify(name)[:80]
        if not slug or slugify(slug) != slug:
            ctx.fail("organization_identifiers", f"“{slug}” is not a valid short name (slug)")
        attrs = _attributes(ctx, obj)
        phones = _list(ctx, obj, "phones")
        organizations[oid] = {
            "slug": slug,
            "name": name,
            "description": _str(ctx, obj, "description"),
            "email": _email(ctx, _str(ctx, obj, "email", max_length=254), "email"),
            "website": _url(ctx, _str(ctx, obj, "website", max_length=200), "website"),
            "phone": str(phones[0].get("number") or "")[:40] if phones else "",
            "address": str((attrs.get(T_ADDRESS) or [("", "")])[0][1] or "")[:300],
            "zip_code": str((attrs.get(T_ZIP) or [("", "")])[0][1] or "")[:10],
            "is_active": (attrs.get(T_ACTIVE) or [("true", None)])[0][0] != "false",
        }

    def agency_known(org_id) -> bool:
        return org_id in organizations or find_agency(org_id) is not None

    # A location without a known organization belongs to the organization of its services.
    service_orgs = {
        obj.get("id"): obj.get("organization_id")
        for _path, obj in records["services"]
        if isinstance(obj, dict) and isinstance(obj.get("organization_id"), str)
    }
    owners = {}
    for _path, obj in records["service_at_locations"]:
        if isinstance(obj, dict) and obj.get("service_id") in service_orgs:
            owners.setdefault(obj.get("location_id"), service_orgs[obj["service_id"]])

    locations, skipped_locations = {}, set()
    for path, obj in records["locations"]:
        ctx.record = path
        if not isinstance(obj, dict):
            ctx.fail("(record)", "must be an object")
        lid = _uuid(ctx, obj, "id")
        ctx.record += f" (id {lid})"
        owner = owners.get(obj["id"] if isinstance(obj.get("id"), str) else None)
        if not obj.get("organization_id") or (
            owner and not agency_known(_uuid(ctx, obj, "organization_id"))
        ):
            if owner is None:
                ctx.fail("organization_id", "is required: no organization in the file owns it")
            if obj.get("organization_id"):
                ctx.notice("organization_id", "unknown; using the organization of its services")
            obj = {**obj, "organization_id": owner}
        org_id = _uuid(ctx, obj, "organization_id")
        if not agency_known(org_id):
            ctx.fail("organization_id", f"{org_id} is not among this file's organizations")
        addresses = _list(ctx, obj, "addresses")
        by_type = {}
        for address in addresses:
            by_type.setdefault(address.get("address_type") or "physical", address)
        address = by_type.get("physical") or by_type.get("postal")
        if address is None:
            ctx.notice("addresses", "no physical or postal address; location not imported")
            skipped_locations.add(lid)
            continue
        schedules = _kept(ctx, obj, "schedules", SCHEDULE_FIELDS)
        address_1 = _str(ctx, address, "address_1", required=True, max_length=200)
        locations[lid] = {
            "organization_id": org_id,
            "name": _str(ctx, obj, "name", max_length=200) or address_1,
            "address_1": address_1,
            "address_2": _str(ctx, address, "address_2", max_length=100),
            "city": _str(ctx, address, "city", required=True, max_length=100),
            "state_province": _state(_str(ctx, address, "state_province", max_length=100)) or "CA",
            "postal_code": _str(ctx, address, "postal_code", required=True, max_length=10),
            "hours": _hours(schedules),
            "latitude": _coordinate(ctx, obj, "latitude", 90),
            "longitude": _coordinate(ctx, obj, "longitude", 180),
        }

    services = {}
    for path, obj in records["services"]:
        ctx.record = path
        if not isinstance(obj, dict):
            ctx.fail("(record)", "must be an object")
        sid = _uuid(ctx, obj, "id")
        ctx.record += f" (id {sid})"
        org_id = _uuid(ctx, obj, "organization_id")
        if not agency_known(org_id):
            ctx.fail("organization_id", f"{org_id} is not among this file's organizations")
        status = obj.get("status") or "active"
        if status not in SERVICE_STATUSES:
            ctx.fail("status", f"“{status}” is not one of {', '.join(SERVICE_STATUSES)}")
        attrs = _attributes(ctx, obj)
        needs = [code for code, _v in attrs.get(T_NEED, [])]
        for code in needs:
            if code not in Need.values:
                ctx.fail("attributes", f"need “{code}” is not one of {', '.join(Need.values)}")
        capacity_codes = [code for code, _v in attrs.get(T_CAPACITY, [])]
        if capacity_codes:
            capacity = capacity_codes[0]
            if capacity not in CapacityStatus.values:
                ctx.fail(
                    "attributes",
                    f"capacity “{capacity}” is not one of {', '.join(CapacityStatus.values)}",
                )
        else:
            capacity = CapacityStatus.CLOSED if status == "temporarily closed" else "accepting"
        assured = obj.get("assured_date")
        if assured is not None:
            try:
                assured = datetime.date.fromisoformat(str(assured)[:10])
            except ValueError:
                ctx.fail("assured_date", f"“{assured}” is not a date (YYYY-MM-DD)")
        languages = []
        for li, lang in enumerate(_list(ctx, obj, "languages")):
            code = lang.get("code")
            if code is None and lang.get("name"):
                ctx.notice(f"languages[{li}]", f"“{lang['name']}” has no code; not imported")
                continue
            if not isinstance(code, str) or not code.strip() or len(code) > 16:
                ctx.fail(f"languages[{li}].code", "must be a language code such as “es”")
            if code not in languages:
                languages.append(code)
        zips, county, other_areas = _service_areas(ctx, obj)
        phones = _list(ctx, obj, "phones")
        contacts = _list(ctx, obj, "contacts")
        for name, items in (("phones", phones), ("contacts", contacts)):
            if len(items) > 1:
                ctx.notice(
                    name, f"Casebridge keeps the first of {len(items)}; the others are left out"
                )
        documents = [_str(ctx, d, "document") for d in _list(ctx, obj, "required_documents")]
        minimum_age, maximum_age = _age(ctx, obj, "minimum_age"), _age(ctx, obj, "maximum_age")
        if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
            ctx.fail("minimum_age", f"{minimum_age} is above the maximum age {maximum_age}")
        contact_email = _str(ctx, obj, "email", max_length=254)
        if not contact_email and contacts and isinstance(contacts[0].get("email"), str):
            contact_email = contacts[0]["email"]
        services[sid] = {
            "organization_id": org_id,
            "name": _str(ctx, obj, "name", required=True, max_length=200),
            "description": _str(ctx, obj, "description"),
            "website": _url(ctx, _str(ctx, obj, "url", max_length=200), "url"),
            "contact_email": _email(ctx, contact_email, "email"),
            "contact_phone": str(phones[0].get("number") or "")[:40] if phones else "",
            "contact_name": str(contacts[0].get("name") or "")[:200] if contacts else "",
            "cost": _short(ctx, obj, "fees_description", 200),
            "cost_options": _kept(ctx, obj, "cost_options", COST_OPTION_FIELDS),
            "schedules": _kept(ctx, obj, "schedules", SCHEDULE_FIELDS),
            "eligibility_description": _str(ctx, obj, "eligibility_description"),
            "minimum_age": minimum_age,
            "maximum_age": maximum_age,
            "last_verified_on": assured,
            "is_active": status in ("active", "temporarily closed"),
            "capacity_status": capacity,
            "need_categories": needs,
            "languages": languages,
            "service_area_zips": zips,
            "service_area_county": county,
            "service_areas_other": other_areas,
            "required_documents": "\n".join(documents),
            "is_demo": any(code == "true" for code, _v in attrs.get(T_DEMO, [])),
        }

    links = {}
    for path, obj in records["service_at_locations"]:
        ctx.record = path
        if not isinstance(obj, dict):
            ctx.fail("(record)", "must be an object")
        link_id = _uuid(ctx, obj, "id")
        ctx.record += f" (id {link_id})"
        service_id, location_id = _uuid(ctx, obj, "service_id"), _uuid(ctx, obj, "location_id")
        if service_id not in services:
            ctx.fail("service_id", f"{service_id} is not among this file's services")
        if location_id in skipped_locations:
            ctx.notice("location_id", "its location was not imported; link skipped")
            continue
        if location_id not in locations:
            ctx.fail("location_id", f"{location_id} is not among this file's locations")
        links[link_id] = (service_id, location_id)
    return Parsed(organizations, locations, services, links, ctx.notices)


def find_agency(oid) -> Organization | None:
    """The agency an HSDS organization id names: kept from an import, or derived from a slug."""
    candidates = Organization.objects.filter(Q(hsds_id=oid) | Q(hsds_id__isnull=True))
    for org in candidates.filter(kind=OrganizationKind.PARTNER_AGENCY):
        if organization_hsds_id(org) == str(oid):
            return org
    return None


@dataclass
class ImportResult:
    counts: dict[str, int]
    changes: list[str]
    notices: list[str]
    dry_run: bool = False


class _DryRun(Exception):
    pass


def _apply(obj, fields: dict, actor) -> list[str]:
    """Sets the fields that differ; returns their names (empty: nothing to save)."""
    changed = [k for k, v in fields.items() if getattr(obj, k) != v]
    for key in changed:
        setattr(obj, key, fields[key])
    if changed or obj.pk is None:
        obj._history_user = actor
    return changed


def import_hsds(data, *, source: str = "input", actor=None, dry_run: bool = False) -> ImportResult:
    """Creates or updates agencies, programs, locations and links from an HSDS document.

    Agencies are matched by their HSDS id (then short name), programs, locations and links by
    their HSDS id; unchanged records are not saved, so importing the same file twice changes
    nothing. Everything is validated before anything is written; one transaction. With
    ``dry_run`` the changes are worked out and reported, then rolled back.
    """
    parsed = parse_hsds(data, source=source)
    result = ImportResult(
        counts={"organizations": 0, "services": 0, "locations": 0, "service_at_locations": 0},
        changes=[],
        notices=parsed.notices,
        dry_run=dry_run,
    )
    try:
        with transaction.atomic():
            _write(parsed, source=source, actor=actor, result=result)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _write(parsed: Parsed, *, source: str, actor, result: ImportResult) -> None:
    changes = result.changes
    agencies = {}
    for index, (oid, fields) in enumerate(parsed.organizations.items()):
        org = find_agency(oid) or Organization.objects.filter(slug=fields["slug"]).first()
        record = f"organizations[{index}] (id {oid})"
        if org is not None and org.kind != OrganizationKind.PARTNER_AGENCY:
            raise HSDSImportError(
                source,
                record,
                "organization_identifiers",
                f"“{fields['slug']}” is an existing {org.get_kind_display()}, not a partner agency",
            )
        keep_id = {} if str(oid) == _id("organization", fields["slug"]) else {"hsds_id": oid}
        if org is None:
            if Organization.objects.filter(name=fields["name"]).exists():
                raise HSDSImportError(
                    source,
                    record,
                    "name",
                    f"another organization is already named “{fields['name']}”",
                )
            org = casework_services.organization_create(
                kind=OrganizationKind.PARTNER_AGENCY, actor=actor, **fields, **keep_id
            )
            changes.append(f"create organization “{org.name}” ({oid})")
        else:
            if org.hsds_id:
                keep_id = {}
            changed = _apply(org, {**fields, **keep_id}, actor)
            if changed:
                org.save(update_fields=changed)
                changes.append(f"update organization “{org.name}” ({oid}): {', '.join(changed)}")
        agencies[oid] = org
        result.counts["organizations"] += 1

    def agency(oid):
        return agencies.get(oid) or find_agency(oid)

    location_objs = {}
    for lid, fields in parsed.locations.items():
        fields = dict(fields)
        fields["agency_id"] = agency(fields.pop("organization_id")).pk
        location = Location.objects.filter(hsds_id=lid).first() or Location(hsds_id=lid)
        created = location.pk is None
        changed = _apply(location, fields, actor)
        if created or changed:
            location.save()
            verb = "create" if created else "update"
            detail = "" if created else ": " + ", ".join(changed)
            changes.append(f"{verb} location “{location.name}” ({lid}){detail}")
        location_objs[lid] = location
        result.counts["locations"] += 1

    program_objs = {}
    for sid, fields in parsed.services.items():
        fields = dict(fields)
        fields["agency_id"] = agency(fields.pop("organization_id")).pk
        program = Program.objects.filter(hsds_id=sid).first() or Program(hsds_id=sid)
        created = program.pk is None
        changed = _apply(program, fields, actor)
        if created or changed:
            # A program moved to another agency takes its open referrals (and access) along.
            program_save(actor=actor, program=program)
            verb = "create" if created else "update"
            detail = "" if created else ": " + ", ".join(changed)
            changes.append(f"{verb} service “{program.name}” ({sid}){detail}")
        eligibility = {"eligibility_description", "minimum_age", "maximum_age"}
        if (created or eligibility & set(changed)) and _draft_rule_set(
            program, source=source, actor=actor
        ):
            changes.append(f"draft eligibility rules for “{program.name}” (to review)")
        program_objs[sid] = program
        result.counts["services"] += 1

    for link_id, (sid, lid) in parsed.links.items():
        program, location = program_objs[sid], location_objs[lid]
        link = (
            ServiceAtLocation.objects.filter(
                Q(hsds_id=link_id) | Q(program=program, location=location)
            )
            .order_by("pk")
            .first()
        )
        if link is None:
            link = ServiceAtLocation(hsds_id=link_id, program=program, location=location)
            service_at_location_save(actor=actor, link=link)
            changes.append(f"link “{program.name}” to “{location.name}” ({link_id})")
        elif (link.hsds_id, link.program_id, link.location_id) != (
            link_id,
            program.pk,
            location.pk,
        ):
            link.hsds_id, link.program, link.location = link_id, program, location
            service_at_location_save(actor=actor, link=link)
            changes.append(f"update link “{program.name}” at “{location.name}” ({link_id})")
        result.counts["service_at_locations"] += 1


def _draft_rule_set(program: Program, *, source: str, actor) -> RuleSet | None:
    """The published ages and eligibility text as a DRAFT rule set for an administrator to
    review; drafts do not affect screening until approved."""
    if not (program.eligibility_description or program.minimum_age or program.maximum_age):
        return None
    last = program.rule_sets.order_by("-version").values_list("version", flat=True).first()
    rule_set = RuleSet(
        program=program,
        version=(last or 0) + 1,
        effective_from=timezone.localdate(),
        is_draft=True,
        notes=(
            f"Draft from the HSDS import of {source}. Published eligibility: "
            f"{program.eligibility_description or '(none)'}"
        ),
    )
    rule_set._history_user = actor
    rule_set.save()
    citation = f"HSDS service {program.hsds_id} ({source})"
    bounds = [
        (Operator.GTE, program.minimum_age, f"Aged {program.minimum_age} or over (as published)."),
        (Operator.LTE, program.maximum_age, f"Aged {program.maximum_age} or under (as published)."),
    ]
    for position, (operator, age, explanation) in enumerate(bounds):
        if age is not None:
            criterion = Criterion(
                rule_set=rule_set,
                position=position,
                fact="age",
                operator=operator,
                value=age,
                explanation=explanation,
                citation=citation,
            )
            criterion._history_user = actor
            criterion.save()
    return rule_set


def load_hsds_file(path: str):
    """Reads a JSON file or a directory of CSV files; a syntax error names the position."""
    try:
        return hsds_read.load(path)
    except json.JSONDecodeError as exc:
        raise HSDSImportError(
            path, f"line {exc.lineno} column {exc.colno}", "(JSON)", exc.msg
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise HSDSImportError(path, "(file)", "(file)", str(exc)) from exc
