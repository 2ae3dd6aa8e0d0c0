"""The official HSDS 3.0 JSON Schemas (../shared/reference/hsds-3.0/), for tests to validate
export and API output against, each record against its object schema with format checking."""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def _reference() -> Path:
    # ../shared/reference/ beside the checkout (worktrees sit one level deeper).
    for parent in Path(settings.BASE_DIR).parents:
        candidate = parent / "shared" / "reference" / "hsds-3.0"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("shared/reference/hsds-3.0 not found beside the project")


REFERENCE = _reference()
SCHEMAS = REFERENCE / "schema"
EXAMPLES = REFERENCE / "examples"
PUBLISHED = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        resource = Resource.from_contents(
            json.loads(path.read_text()), default_specification=DRAFT202012
        )
        resources.append((path.name, resource))
        resources.append((PUBLISHED + path.name, resource))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(name: str, record: dict) -> list[str]:
    """Every schema error of one record, as "path: message" lines."""
    return [
        f"{name}/{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator(name).iter_errors(record)
    ]


def document_errors(document: dict) -> list[str]:
    """Errors of a Casebridge export: each list's records against their object schema."""
    found = []
    for key, name in (
        ("organizations", "organization"),
        ("services", "service"),
        ("locations", "location"),
        ("service_at_locations", "service_at_location"),
        ("taxonomies", "taxonomy"),
    ):
        for record in document.get(key, []):
            found.extend(errors(name, record))
    return found


def page_errors(page: dict, name: str) -> list[str]:
    """Errors of one page of an HSDS API list: the Page fields and each record."""
    found = []
    for field, kind in (
        ("total_items", int),
        ("total_pages", int),
        ("page_number", int),
        ("size", int),
        ("first_page", bool),
        ("last_page", bool),
        ("empty", bool),
    ):
        if not isinstance(page.get(field), kind) or (kind is int and isinstance(page[field], bool)):
            found.append(f"page/{field}: missing or not {kind.__name__}")
    for record in page.get("contents", []):
        found.extend(errors(name, record))
    return found
