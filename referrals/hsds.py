"""HSDS 3.0 (Open Referral) JSON export and import of the program directory.

One JSON document with four lists, named as the HSDS 3.0 API names them::

    {"hsds_version": "3.0", "organizations": [...], "services": [...],
     "locations": [...], "service_at_locations": [...]}

Field mapping (Casebridge → HSDS 3.0):
- Organization: slug → organization_identifiers[identifier_type="casebridge:slug"]; name,
  description, email, website; phone → phones[0].number; address, ZIP and active flag →
  attributes (taxonomies casebridge:address, casebridge:zip_code, casebridge:active).
  Organization ids are derived from the slug (uuid5), so they are stable across exports.
- Program → service: hsds_id → id, agency → organization_id, website → url, contact_email →
  email, contact_name → contacts[0].name, contact_phone → phones[0].number, cost →
  fees_description, last_verified_on → assured_date, is_active/capacity → status ("active",
  "temporarily closed", "inactive"), languages → languages[].code, required_documents (one per
  line) → required_documents[].document, service_area_zips / county → service_areas
  (extent_type "text", description "postal_code" / "county"), need categories, capacity and the
  demo flag → attributes (casebridge:need, casebridge:capacity, casebridge:demo).
- Location: addresses[0] (physical), hours → schedules[0].description, latitude/longitude.

Export then import restores every one of these fields. Eligibility rule sets are not part of
HSDS and are not exported. Import validates the whole file first and writes nothing if any
record is wrong; the error names the file, the record and the field.
"""

import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.text import slugify

from casework import services as casework_services
from casework.models import Organization, OrganizationKind
from casework.models.intake import Need

from .models import CapacityStatus, Location, Program, ServiceAtLocation

HSDS_VERSION = "3.0"
NAMESPACE = uuid.UUID("0c5c8e0e-3a43-4f43-8f6e-1b1f3f5f9e21")
SLUG_SCHEME = "casebridge:slug"
T_NEED, T_CAPACITY, T_DEMO = "casebridge:need", "casebridge:capacity", "casebridge:demo"
T_ADDRESS, T_ZIP, T_ACTIVE = "casebridge:address", "casebridge:zip_code", "casebridge:active"
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def organization_hsds_id(organization: Organization) -> str:
    return _id("organization", organization.slug)


def _attribute(link_id: str, entity: str, taxonomy: str, code: str, value=None) -> dict:
    return {
        "id": _id("attribute", link_id, taxonomy, code),
        "link_id": link_id,
        "link_type": taxonomy,
        "link_entity": entity,
        "value": value,
        "taxonomy_term": {
            "id": _id("term", taxonomy, code),
            "code": code,
            "name": code,
            "description": "",
            "taxonomy": taxonomy,
        },
    }


# ---------------------------------------------------------------- export


def export_hsds() -> dict:
    """The whole directory (partner agencies, programs, locations, links) as HSDS 3.0."""
    agencies = Organization.objects.filter(kind=OrganizationKind.PARTNER_AGENCY).order_by("slug")
    programs = Program.objects.select_related("agency").order_by("hsds_id")
    locations = Location.objects.select_related("agency").order_by("hsds_id")
    links = ServiceAtLocation.objects.select_related("program", "location").order_by("hsds_id")
    return {
        "hsds_version": HSDS_VERSION,
        "organizations": [_export_organization(o) for o in agencies],
        "services": [_export_service(p) for p in programs],
        "locations": [_export_location(loc) for loc in locations],
        "service_at_locations": [
            {
                "id": str(link.hsds_id),
                "service_id": str(link.program.hsds_id),
                "location_id": str(link.location.hsds_id),
                "description": "",
            }
            for link in links
        ],
    }


def _export_organization(org: Organization) -> dict:
    oid = organization_hsds_id(org)
    attributes = [_attribute(oid, "organization", T_ACTIVE, "true" if org.is_active else "false")]
    if org.address:
        attributes.append(_attribute(oid, "organization", T_ADDRESS, "address", org.address))
    if org.zip_code:
        attributes.append(_attribute(oid, "organization", T_ZIP, "zip_code", org.zip_code))
    return {
        "id": oid,
        "name": org.name,
        "description": org.description,
        "email": org.email or None,
        "website": org.website or None,
        "phones": [{"id": _id("phone", oid), "number": org.phone}] if org.phone else [],
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


def _export_service(p: Program) -> dict:
    sid = str(p.hsds_id)
    if not p.is_active:
        status = "inactive"
    elif p.capacity_status == CapacityStatus.CLOSED:
        status = "temporarily closed"
    else:
        status = "active"
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
    documents = p.required_documents.split("\n") if p.required_documents else []
    return {
        "id": sid,
        "organization_id": organization_hsds_id(p.agency),
        "name": p.name,
        "description": p.description,
        "url": p.website or None,
        "email": p.contact_email or None,
        "status": status,
        "fees_description": p.cost,
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
        "required_documents": [
            {"id": _id("document", sid, i), "service_id": sid, "document": doc}
            for i, doc in enumerate(documents)
        ],
        "service_areas": areas,
        "attributes": attributes,
    }


def _export_location(loc: Location) -> dict:
    lid = str(loc.hsds_id)
    return {
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

    def fail(self, field: str, message: str):
        raise HSDSImportError(self.source, self.record, field, message)


def _str(ctx, obj, field, *, required=False, max_length=None, default="") -> str:
    value = obj.get(field)
    if value is None:
        if required:
            ctx.fail(field, "is required")
        return default
    if not isinstance(value, str):
        ctx.fail(field, f"must be text, not {type(value).__name__}")
    if required and not value.strip():
        ctx.fail(field, "must not be empty")
    if max_length and len(value) > max_length:
        ctx.fail(field, f"is longer than {max_length} characters")
    return value


def _uuid(ctx, obj, field) -> uuid.UUID:
    raw = obj.get(field)
    try:
        return uuid.UUID(str(raw)) if isinstance(raw, str) else ctx.fail(field, "is required")
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
    found: dict[str, list] = {}
    for index, attr in enumerate(_list(ctx, obj, "attributes")):
        term = attr.get("taxonomy_term") or {}
        taxonomy = term.get("taxonomy") or attr.get("link_type")
        code = term.get("code")
        if not isinstance(code, str):
            ctx.fail(f"attributes[{index}].taxonomy_term.code", "is required")
        found.setdefault(taxonomy, []).append((code, attr.get("value")))
    return found


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


def _coordinate(ctx, obj, field, limit):
    raw = obj.get(field)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        ctx.fail(field, "must be a number")
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        ctx.fail(field, f"“{raw}” is not a number")
    if abs(value) > limit:
        ctx.fail(field, f"must be between -{limit} and {limit}")
    return value


def parse_hsds(data, *, source: str) -> dict:
    """Validates an HSDS document; returns plain field dicts ready to write, or raises."""
    ctx = _Ctx(source)
    if not isinstance(data, dict):
        ctx.fail("(top level)", "must be a JSON object with organizations, services, ...")
    version = data.get("hsds_version", HSDS_VERSION)
    if not str(version).startswith("3."):
        ctx.fail("hsds_version", f"“{version}” is not HSDS 3.x")
    sections = {}
    for key in ("organizations", "services", "locations", "service_at_locations"):
        value = data.get(key, [])
        if not isinstance(value, list):
            ctx.fail(key, "must be a list")
        sections[key] = value

    organizations = {}
    for index, obj in enumerate(sections["organizations"]):
        ctx.record = f"organizations[{index}]"
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

    locations = {}
    for index, obj in enumerate(sections["locations"]):
        ctx.record = f"locations[{index}]"
        if not isinstance(obj, dict):
            ctx.fail("(record)", "must be an object")
        lid = _uuid(ctx, obj, "id")
        ctx.record += f" (id {lid})"
        org_id = _uuid(ctx, obj, "organization_id")
        if org_id not in organizations:
            ctx.fail("organization_id", f"{org_id} is not among this file's organizations")
        addresses = _list(ctx, obj, "addresses")
        physical = [a for a in addresses if a.get("address_type", "physical") == "physical"]
        if not physical:
            ctx.fail("addresses", "needs a physical address")
        address = physical[0]
        schedules = _list(ctx, obj, "schedules")
        locations[lid] = {
            "organization_id": org_id,
            "name": _str(ctx, obj, "name", required=True, max_length=200),
            "address_1": _str(ctx, address, "address_1", required=True, max_length=200),
            "address_2": _str(ctx, address, "address_2", max_length=100),
            "city": _str(ctx, address, "city", required=True, max_length=100),
            "state_province": _str(ctx, address, "state_province", max_length=2) or "CA",
            "postal_code": _str(ctx, address, "postal_code", required=True, max_length=10),
            "hours": _str(ctx, schedules[0], "description") if schedules else "",
            "latitude": _coordinate(ctx, obj, "latitude", 90),
            "longitude": _coordinate(ctx, obj, "longitude", 180),
        }

    services = {}
    for index, obj in enumerate(sections["services"]):
        ctx.record = f"services[{index}]"
        if not isinstance(obj, dict):
            ctx.fail("(record)", "must be an object")
        sid = _uuid(ctx, obj, "id")
        ctx.record += f" (id {sid})"
        org_id = _uuid(ctx, obj, "organization_id")
        if org_id not in organizations:
            ctx.fail("organization_id", f"{org_id} is not among this file's organizations")
        status = obj.get("status", "active")
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
            if not isinstance(code, str) or not code.strip() or len(code) > 16:
                ctx.fail(f"languages[{li}].code", "must be a language code such as “es”")
            languages.append(code)
        zips, county = [], ""
        for ai, area in enumerate(_list(ctx, obj, "service_areas")):
            kind = area.get("description")
            extent = area.get("extent") or area.get("name")
            if not isinstance(extent, str) or not extent.strip():
                ctx.fail(f"service_areas[{ai}].extent", "is required")
            if kind == "postal_code":
                if not (len(extent) == 5 and extent.isdigit()):
                    ctx.fail(f"service_areas[{ai}].extent", f"“{extent}” is not a 5-digit ZIP")
                zips.append(extent)
            else:
                county = extent.removesuffix(" County")[:100]
        phones = _list(ctx, obj, "phones")
        contacts = _list(ctx, obj, "contacts")
        documents = [_str(ctx, d, "document") for d in _list(ctx, obj, "required_documents")]
        services[sid] = {
            "organization_id": org_id,
            "name": _str(ctx, obj, "name", required=True, max_length=200),
            "description": _str(ctx, obj, "description"),
            "website": _url(ctx, _str(ctx, obj, "url", max_length=200), "url"),
            "contact_email": _email(ctx, _str(ctx, obj, "email", max_length=254), "email"),
            "contact_phone": str(phones[0].get("number") or "")[:40] if phones else "",
            "contact_name": str(contacts[0].get("name") or "")[:200] if contacts else "",
            "cost": _str(ctx, obj, "fees_description", max_length=200),
            "last_verified_on": assured,
            "is_active": status in ("active", "temporarily closed"),
            "capacity_status": capacity,
            "need_categories": needs,
            "languages": languages,
            "service_area_zips": zips,
            "service_area_county": county,
            "required_documents": "\n".join(documents),
            "is_demo": any(code == "true" for code, _v in attrs.get(T_DEMO, [])),
        }

    links = {}
    for index, obj in enumerate(sections["service_at_locations"]):
        ctx.record = f"service_at_locations[{index}]"
        if not isinstance(obj, dict):
            ctx.fail("(record)", "must be an object")
        link_id = _uuid(ctx, obj, "id")
        ctx.record += f" (id {link_id})"
        service_id, location_id = _uuid(ctx, obj, "service_id"), _uuid(ctx, obj, "location_id")
        if service_id not in services:
            ctx.fail("service_id", f"{service_id} is not among this file's services")
        if location_id not in locations:
            ctx.fail("location_id", f"{location_id} is not among this file's locations")
        links[link_id] = (service_id, location_id)
    return {
        "organizations": organizations,
        "locations": locations,
        "services": services,
        "links": links,
    }


@transaction.atomic
def import_hsds(data, *, source: str = "input") -> dict[str, int]:
    """Creates or updates agencies, programs, locations and links from an HSDS document.

    Programs, locations and links are matched by their HSDS id, agencies by their short name
    (slug). Everything is validated before anything is written; one transaction.
    """
    parsed = parse_hsds(data, source=source)
    counts = {"organizations": 0, "services": 0, "locations": 0, "service_at_locations": 0}

    agencies = {}
    for index, (oid, fields) in enumerate(parsed["organizations"].items()):
        org = Organization.objects.filter(slug=fields["slug"]).first()
        if org is not None and org.kind != OrganizationKind.PARTNER_AGENCY:
            raise HSDSImportError(
                source,
                f"organizations[{index}] (id {oid})",
                "organization_identifiers",
                f"“{fields['slug']}” is an existing {org.get_kind_display()}, not a partner agency",
            )
        if org is None:
            if Organization.objects.filter(name=fields["name"]).exists():
                raise HSDSImportError(
                    source,
                    f"organizations[{index}] (id {oid})",
                    "name",
                    f"another organization is already named “{fields['name']}”",
                )
            org = casework_services.organization_create(
                kind=OrganizationKind.PARTNER_AGENCY, **fields
            )
        else:
            changed = [k for k, v in fields.items() if getattr(org, k) != v]
            for key in changed:
                setattr(org, key, fields[key])
            if changed:
                org.save(update_fields=changed)
        agencies[oid] = org
        counts["organizations"] += 1

    location_objs = {}
    for lid, fields in parsed["locations"].items():
        fields = dict(fields)
        agency = agencies[fields.pop("organization_id")]
        location, _created = Location.objects.update_or_create(
            hsds_id=lid, defaults={"agency": agency, **fields}
        )
        location_objs[lid] = location
        counts["locations"] += 1

    program_objs = {}
    for sid, fields in parsed["services"].items():
        fields = dict(fields)
        agency = agencies[fields.pop("organization_id")]
        program = Program.objects.filter(hsds_id=sid).first() or Program(hsds_id=sid)
        program.agency = agency
        for key, value in fields.items():
            setattr(program, key, value)
        program.save()
        program_objs[sid] = program
        counts["services"] += 1

    for link_id, (sid, lid) in parsed["links"].items():
        ServiceAtLocation.objects.update_or_create(
            program=program_objs[sid], location=location_objs[lid], defaults={"hsds_id": link_id}
        )
        counts["service_at_locations"] += 1
    return counts


def load_hsds_file(path: str) -> dict:
    """Reads a file; a JSON syntax error becomes an HSDSImportError naming the position."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as exc:
        raise HSDSImportError(
            path, f"line {exc.lineno} column {exc.colno}", "(JSON)", exc.msg
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise HSDSImportError(path, "(file)", "(file)", str(exc)) from exc
