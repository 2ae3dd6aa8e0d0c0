"""Reads every shape HSDS 3.0 publishes into four flat lists of records.

Shapes understood (all from the specification's examples):
- Casebridge's export: ``{"organizations": [...], "services": [...], "locations": [...],
  "service_at_locations": [...]}``;
- one object with nested children (``service_full``, ``organization_full``,
  ``service_at_location_full``): a service may embed its organization and its
  service_at_locations (each with its location), an organization its services and locations;
- a page of the HSDS API (``{"total_items": ..., "contents": [...]}``, the ``*_list.json`` files);
- the tabular form: ``{"services.csv": [rows], ...}`` (``tabular.json``) or a directory of CSV
  files (``services.csv``, ``phones.csv``, ...), children joined to parents by their ``*_id``.

Each record keeps the path it was found at (``contents[0].organization``), so an error names it.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("organizations", "services", "locations", "service_at_locations")


@dataclass
class Found:
    """Records by kind, each as (path, record); the first occurrence of an id wins, later
    (nested) copies only fill fields the first one lacks."""

    records: dict[str, dict[str, tuple[str, dict]]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )
    anonymous: dict[str, list[tuple[str, dict]]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS}
    )
    skipped: list[str] = field(default_factory=list)

    def add(self, kind: str, path: str, record: dict) -> None:
        rid = record.get("id")
        if not isinstance(rid, str):
            self.anonymous[kind].append((path, record))
            return
        if rid in self.records[kind]:
            first = self.records[kind][rid][1]
            for key, value in record.items():
                if first.get(key) in (None, "", []) and value not in (None, "", []):
                    first[key] = value
            return
        self.records[kind][rid] = (path, record)

    def lists(self) -> dict[str, list[tuple[str, dict]]]:
        return {k: list(self.records[k].values()) + self.anonymous[k] for k in KINDS}

    @property
    def empty(self) -> bool:
        return not any(self.records[k] or self.anonymous[k] for k in KINDS)


def kind_of(obj: dict) -> str | None:
    """Which HSDS object a record is, from the fields only that object has."""
    if ("service_id" in obj and "location_id" in obj) or ("service" in obj and "location" in obj):
        return "service_at_locations"
    if "status" in obj or "service_areas" in obj or "eligibility_description" in obj:
        return "services"
    if "location_type" in obj or "addresses" in obj or "latitude" in obj:
        return "locations"
    organization_only = {
        "website",
        "organization_identifiers",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "logo",
        "parent_organization_id",
        "services",
        "programs",
    }
    if "name" in obj and organization_only & obj.keys():
        return "organizations"
    return None


def _walk(found: Found, kind: str, path: str, obj: dict, context: dict) -> None:
    record = {k: v for k, v in obj.items() if k not in ("organization", "service", "location")}
    for key, value in context.items():
        if record.get(key) in (None, ""):
            record[key] = value
    oid = obj.get("id")
    if kind == "organizations":
        record.pop("services", None)
        record.pop("locations", None)
        found.add(kind, path, record)
        for i, child in enumerate(_dicts(obj.get("services"))):
            _walk(found, "services", f"{path}.services[{i}]", child, {"organization_id": oid})
        for i, child in enumerate(_dicts(obj.get("locations"))):
            _walk(found, "locations", f"{path}.locations[{i}]", child, {"organization_id": oid})
    elif kind == "services":
        org = obj.get("organization")
        if isinstance(org, dict):
            _walk(found, "organizations", f"{path}.organization", org, {})
            if record.get("organization_id") in (None, ""):
                record["organization_id"] = org.get("id")
        record.pop("service_at_locations", None)
        found.add(kind, path, record)
        for i, child in enumerate(_dicts(obj.get("service_at_locations"))):
            _walk(
                found,
                "service_at_locations",
                f"{path}.service_at_locations[{i}]",
                child,
                {"service_id": oid, "_organization_id": record.get("organization_id")},
            )
    elif kind == "service_at_locations":
        org_id = record.pop("_organization_id", None)
        service = obj.get("service")
        if isinstance(service, dict):
            _walk(found, "services", f"{path}.service", service, {})
            record.setdefault("service_id", service.get("id"))
            org_id = org_id or service.get("organization_id")
            if isinstance(service.get("organization"), dict):
                org_id = org_id or service["organization"].get("id")
        location = obj.get("location")
        if isinstance(location, dict):
            _walk(found, "locations", f"{path}.location", location, {"organization_id": org_id})
            record.setdefault("location_id", location.get("id"))
        found.add(kind, path, record)
    else:
        found.add(kind, path, record)


def _dicts(value) -> list:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def read_document(data) -> Found:
    """Every organization, service, location and service_at_location in ``data``."""
    found = Found()
    if isinstance(data, list):
        data = {"contents": data}
    if not isinstance(data, dict):
        return found
    if any(str(key).endswith(".csv") for key in data):
        return read_document(_nest_tabular(data))
    if "id" not in data and any(key in data for key in KINDS):
        for kind in KINDS:
            value = data.get(kind)
            if value is None:
                continue
            if not isinstance(value, list):
                found.skipped.append(f"{kind}: not a list")
                continue
            for index, obj in enumerate(value):
                if isinstance(obj, dict):
                    _walk(found, kind, f"{kind}[{index}]", obj, {})
                else:
                    found.anonymous[kind].append((f"{kind}[{index}]", obj))
        return found
    if isinstance(data.get("contents"), list):
        for index, obj in enumerate(data["contents"]):
            kind = kind_of(obj) if isinstance(obj, dict) else None
            if kind is None:
                found.skipped.append(f"contents[{index}]")
                continue
            _walk(found, kind, f"contents[{index}]", obj, {})
        return found
    kind = kind_of(data)
    if kind is not None:
        _walk(found, kind, "(top level)", data, {})
    return found


# Tabular form: which table's rows nest into which parent, by which column.
_CHILDREN = {
    "services": [
        ("phones", "phones", "service_id"),
        ("schedules", "schedules", "service_id"),
        ("service_areas", "service_areas", "service_id"),
        ("languages", "languages", "service_id"),
        ("cost_options", "cost_options", "service_id"),
        ("required_documents", "required_documents", "service_id"),
        ("contacts", "contacts", "service_id"),
        ("attributes", "attributes", "link_id"),
    ],
    "locations": [
        ("addresses", "addresses", "location_id"),
        ("schedules", "schedules", "location_id"),
        ("phones", "phones", "location_id"),
    ],
    "organizations": [
        ("phones", "phones", "organization_id"),
        ("organization_identifiers", "organization_identifiers", "organization_id"),
        ("attributes", "attributes", "link_id"),
    ],
}
_NUMBERS = {"minimum_age", "maximum_age", "latitude", "longitude", "amount", "timezone"}
_INTEGERS = {"count", "interval", "extension", "year_incorporated"}


def _table_name(name: str) -> str:
    base = Path(name).name.removesuffix(".csv")
    return "service_at_locations" if base == "service_at_location" else base


def _cell(column: str, value):
    if value in ("", None):
        return None
    if isinstance(value, str):
        try:
            if column in _INTEGERS:
                return int(value)
            if column in _NUMBERS:
                return float(value)
        except ValueError:
            return value  # left for the importer to report, with its path
    return value


def _nest_tabular(tables: dict) -> dict:
    rows = {
        _table_name(name): [
            {k: _cell(k, v) for k, v in row.items()} for row in value if isinstance(row, dict)
        ]
        for name, value in tables.items()
        if isinstance(value, list)
    }
    terms = {t.get("id"): t for t in rows.get("taxonomy_terms", [])}
    for attribute in rows.get("attributes", []):
        term = terms.get(attribute.get("taxonomy_term_id"))
        if term and "taxonomy_term" not in attribute:
            attribute["taxonomy_term"] = term
    for parent, children in _CHILDREN.items():
        for record in rows.get(parent, []):
            for key, table, column in children:
                nested = [r for r in rows.get(table, []) if r.get(column) == record.get("id")]
                if nested and not record.get(key):
                    record[key] = nested
    return {kind: rows.get(kind, []) for kind in KINDS}


def read_csv_directory(path: Path) -> dict:
    """The tabular form as a directory of CSV files → ``{"services.csv": [rows], ...}``."""
    tables = {}
    for csv_path in sorted(path.glob("*.csv")):
        with open(csv_path, encoding="utf-8-sig", newline="") as handle:
            tables[csv_path.name] = list(csv.DictReader(handle))
    return tables


def load(path: str):
    """A JSON file, or a directory of HSDS CSV files."""
    target = Path(path)
    if target.is_dir():
        return read_csv_directory(target)
    with open(target, encoding="utf-8") as handle:
        return json.load(handle)
