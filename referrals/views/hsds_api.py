"""The HSDS 3.0 read API (Open Referral's openapi.json) over the program directory, so a 211
can pull it: /hsds/services, /hsds/organizations, /hsds/service_at_locations, /hsds/taxonomies,
/hsds/taxonomy_terms, each list paginated as the specification's Page, each item by {id}.

Access: referrals.access.hsds_api_allowed (public only when an administrator opens it; else
signed-in staff; else 404). Every list makes the same number of queries whatever its length.
"""

import math
import uuid

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _

from casework.models import Organization, OrganizationKind

from .. import hsds
from ..access import hsds_api_allowed
from ..models import Location, Program, ServiceAtLocation

DEFAULT_PER_PAGE, MAX_PER_PAGE = 50, 500


class BadRequest(Exception):
    pass


def _json(data, status=200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def hsds_endpoint(view):
    """Public-or-staff check first (404 otherwise, whatever the method), then GET/HEAD only;
    bad parameters answer 400 with a message."""

    @login_not_required
    def wrapper(request, *args, **kwargs):
        if not hsds_api_allowed(request.user):
            raise Http404
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        try:
            return view(request, *args, **kwargs)
        except BadRequest as exc:
            return _json({"error": str(exc)}, status=400)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _whole_number(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(
            _("“%(name)s” must be a whole number, not “%(value)s”.") % {"name": name, "value": raw}
        ) from None
    if not low <= value <= high:
        raise BadRequest(
            _("“%(name)s” must be between %(low)s and %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return value


def _uuid_param(request, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadRequest(
            _("“%(name)s” must be an HSDS id (a UUID), not “%(value)s”.")
            % {"name": name, "value": raw}
        ) from None


def _page(request, rows, render) -> JsonResponse:
    """The HSDS Page: total_items, total_pages, page_number, size, first_page, last_page,
    empty, contents. ``rows`` is a queryset (counted, then sliced) or a list."""
    page_number = _whole_number(request, "page", 1, 1, 10**6)
    per_page = _whole_number(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    total = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    start = (page_number - 1) * per_page
    contents = [render(row) for row in rows[start : start + per_page]] if start < total else []
    total_pages = max(1, math.ceil(total / per_page))
    return _json(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page_number,
            "size": len(contents),
            "first_page": page_number == 1,
            "last_page": page_number >= total_pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _object_or_404(queryset, hsds_id: str):
    try:
        key = uuid.UUID(hsds_id)
    except ValueError:
        raise Http404 from None
    found = queryset.filter(hsds_id=key).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------- the endpoints


@hsds_endpoint
def api_root(request):
    """About this API (HSDS "/")."""
    return _json(
        {
            "version": hsds.HSDS_VERSION,
            "profile": "https://docs.openreferral.org/en/latest/hsds/",
            "openapi_url": hsds.OPENAPI_URL,
        }
    )


def _services():
    return Program.objects.select_related("agency").order_by("name", "hsds_id")


@hsds_endpoint
def service_list(request):
    """Services with their own children (filters: organization_id, search, taxonomy_term_id
    of a need or capacity term, as listed at /hsds/taxonomy_terms)."""
    services = _services()
    search = request.GET.get("search", "").strip()
    if search:
        services = services.filter(Q(name__icontains=search) | Q(description__icontains=search))
    organization_id = _uuid_param(request, "organization_id")
    if organization_id is not None:
        agency = hsds.find_agency(organization_id)
        services = services.filter(agency=agency) if agency else services.none()
    term_id = _uuid_param(request, "taxonomy_term_id")
    if term_id is not None:
        term = next((t for t in hsds.taxonomy_terms() if t["id"] == str(term_id)), None)
        if term is None or term["taxonomy"] not in (hsds.T_NEED, hsds.T_CAPACITY):
            services = services.none()
        elif term["taxonomy"] == hsds.T_NEED:
            # JSON text match (works on SQLite too): need codes are whole quoted words.
            services = services.filter(need_categories__icontains=f'"{term["code"]}"')
        else:
            services = services.filter(capacity_status=term["code"])
    return _page(request, services, hsds.export_service)


@hsds_endpoint
def service_detail(request, hsds_id):
    """One service, fully nested: its organization and its service_at_locations with their
    locations."""
    links = ServiceAtLocation.objects.select_related("program", "location__agency").order_by(
        "hsds_id"
    )
    program = _object_or_404(
        _services().prefetch_related(Prefetch("serviceatlocation_set", queryset=links)),
        hsds_id,
    )
    record = hsds.export_service(program)
    record["organization"] = hsds.export_organization(program.agency)
    record["service_at_locations"] = [
        {**hsds.export_service_at_location(link), "location": hsds.export_location(link.location)}
        for link in program.serviceatlocation_set.all()
    ]
    return _json(record)


def _agencies():
    return Organization.objects.filter(kind=OrganizationKind.PARTNER_AGENCY).order_by("name")


@hsds_endpoint
def organization_list(request):
    """Partner agencies (filter: search)."""
    agencies = _agencies()
    search = request.GET.get("search", "").strip()
    if search:
        agencies = agencies.filter(name__icontains=search)
    return _page(request, agencies, hsds.export_organization)


@hsds_endpoint
def organization_detail(request, hsds_id):
    """One agency, fully nested: its services and locations."""
    try:
        agency = hsds.find_agency(uuid.UUID(hsds_id))
    except ValueError:
        agency = None
    if agency is None:
        raise Http404
    services = Program.objects.filter(agency=agency).order_by("name", "hsds_id")
    locations = Location.objects.filter(agency=agency).order_by("name", "hsds_id")
    record = hsds.export_organization(agency)
    # The children's organization is this one: no query per row for it.
    for row in (*services, *locations):
        row.agency = agency
    record["services"] = [hsds.export_service(p) for p in services]
    record["locations"] = [hsds.export_location(loc) for loc in locations]
    return _json(record)


def _links():
    return ServiceAtLocation.objects.select_related("program__agency", "location__agency").order_by(
        "hsds_id"
    )


def _export_link(link) -> dict:
    return {
        **hsds.export_service_at_location(link),
        "service": hsds.export_service(link.program),
        "location": hsds.export_location(link.location),
    }


@hsds_endpoint
def service_at_location_list(request):
    """Where each service is delivered, each with its service and location (filters:
    service_id, organization_id)."""
    links = _links()
    service_id = _uuid_param(request, "service_id")
    if service_id is not None:
        links = links.filter(program__hsds_id=service_id)
    organization_id = _uuid_param(request, "organization_id")
    if organization_id is not None:
        agency = hsds.find_agency(organization_id)
        links = links.filter(program__agency=agency) if agency else links.none()
    return _page(request, links, _export_link)


@hsds_endpoint
def service_at_location_detail(request, hsds_id):
    return _json(_export_link(_object_or_404(_links(), hsds_id)))


def _by_id(items: list[dict], hsds_id: str) -> dict:
    found = next((item for item in items if item["id"] == hsds_id), None)
    if found is None:
        raise Http404
    return found


@hsds_endpoint
def taxonomy_list(request):
    """The taxonomies Casebridge's attributes use (needs, capacity, flags)."""
    return _page(request, hsds.taxonomies(), lambda t: t)


@hsds_endpoint
def taxonomy_detail(request, hsds_id):
    return _json(_by_id(hsds.taxonomies(), hsds_id))


@hsds_endpoint
def taxonomy_term_list(request):
    """The terms of those taxonomies (filter: taxonomy_id)."""
    terms = hsds.taxonomy_terms()
    taxonomy_id = _uuid_param(request, "taxonomy_id")
    if taxonomy_id is not None:
        terms = [t for t in terms if t["taxonomy_id"] == str(taxonomy_id)]
    return _page(request, terms, lambda t: t)


@hsds_endpoint
def taxonomy_term_detail(request, hsds_id):
    return _json(_by_id(hsds.taxonomy_terms(), hsds_id))
