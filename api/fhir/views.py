"""FHIR R4 (SDOH Clinical Care) read endpoints and ``PATCH Task.status``.

Same access as the pages: a Task/ServiceRequest is a referral the caller may open; a Patient
is a client of the caller's center (every field) or the client of a referral the caller's agency
received (only what its consent shares, logged as a disclosure); denied and missing are 404.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, renderers
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.access import agencies_of, centers_of, client_for_read
from casework.models import Organization
from referrals.access import (
    ReadPurpose,
    ReferralSide,
    get_referral_or_404,
    referral_for_read,
    referral_side,
    referrals_received_by,
    referrals_visible_to,
)
from referrals.services import ReferralActionError
from referrals.services.lifecycle import referral_transition

from ..disclosure import released_patient_fields
from ..selectors import user_memberships
from ..views import ApiMixin
from . import codes, resources

FHIR_JSON = "application/fhir+json"


class FhirJsonRenderer(renderers.JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


class FhirJsonParser(parsers.JSONParser):
    media_type = FHIR_JSON


class JsonPatchParser(parsers.JSONParser):
    media_type = "application/json-patch+json"


class MergePatchParser(parsers.JSONParser):
    media_type = "application/merge-patch+json"


def operation_outcome(message: str, *, code: str = "processing") -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": str(message)}],
    }


_ISSUE_FOR_STATUS = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    415: "not-supported",
    429: "throttled",
}

FHIR_OBJECT = OpenApiResponse(OpenApiTypes.OBJECT, description="A FHIR R4 resource (JSON).")
FHIR_ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="A FHIR OperationOutcome.")


class FhirView(ApiMixin, APIView):
    renderer_classes = [FhirJsonRenderer, renderers.JSONRenderer]
    parser_classes = [FhirJsonParser, JsonPatchParser, MergePatchParser, parsers.JSONParser]

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            exc = exceptions.NotFound()
        response = super().handle_exception(exc)
        if isinstance(response.data, dict) and response.data.get("resourceType") is None:
            message = response.data.get("detail") or _("Please check the request.")
            response.data = operation_outcome(
                message, code=_ISSUE_FOR_STATUS.get(response.status_code, "processing")
            )
        return response


def _referral_for(request, reference_code):
    referral = get_referral_or_404(user=request.user, reference_code=reference_code)
    side = referral_side(user=request.user, referral=referral)
    if side == ReferralSide.NONE:
        raise Http404
    return referral, side


def _first_code(concept) -> str:
    if not isinstance(concept, dict):
        return ""
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and isinstance(coding.get("code"), str):
            return coding["code"]
    return ""


def _patched_fields(data) -> dict:
    """The Task fields a PATCH sets: a JSON Patch (RFC 6902) list of add/replace operations, or
    a (merge-patch / partial) Task object."""
    allowed = {"status", "statusReason", "output", "note", "businessStatus"}
    if isinstance(data, list):
        fields = {}
        for op in data:
            if not isinstance(op, dict) or op.get("op") not in ("add", "replace", "test"):
                raise exceptions.ValidationError(
                    _("Only add and replace operations are supported.")
                )
            if op.get("op") == "test":
                continue
            path = str(op.get("path", "")).strip("/")
            if path not in allowed:
                raise exceptions.ValidationError(
                    _("Only status, statusReason, output and note of a Task can be changed.")
                )
            fields[path] = op.get("value")
        return fields
    if isinstance(data, dict):
        if data.get("resourceType") not in (None, "Task"):
            raise exceptions.ValidationError(_("The body must be a Task or a JSON Patch."))
        return {k: v for k, v in data.items() if k in allowed}
    raise exceptions.ValidationError(_("The body must be a Task or a JSON Patch."))


class TaskView(FhirView):
    @extend_schema(tags=["fhir"], responses={200: FHIR_OBJECT, 404: FHIR_ERROR})
    def get(self, request, reference_code: str):
        """A referral as an SDOHCC Task (`id` is the reference code)."""
        referral = referral_for_read(request, reference_code, purpose=ReadPurpose.RECORD).referral
        return Response(resources.task(referral))

    @extend_schema(
        tags=["fhir"],
        request=OpenApiTypes.OBJECT,
        responses={
            200: FHIR_OBJECT,
            400: FHIR_ERROR,
            403: FHIR_ERROR,
            404: FHIR_ERROR,
            409: FHIR_ERROR,
        },
    )
    def patch(self, request, reference_code: str):
        """Moves the referral by setting ``Task.status`` (the portal's rules and messages).
        ``rejected`` needs ``statusReason`` (a rejection reason code); ``completed``/``failed``
        need an ``output`` with the outcome code and one with who decided."""
        referral, _side = _referral_for(request, reference_code)
        fields = _patched_fields(request.data)
        target = fields.get("status")
        if not isinstance(target, str) or not target:
            raise exceptions.ValidationError(_("Set Task.status."))
        action = codes.ACTION_FOR_TASK_STATUS.get(target)
        if action is None:
            raise exceptions.ValidationError(
                _("Task.status can be set to: %(values)s.")
                % {"values": ", ".join(codes.ACTION_FOR_TASK_STATUS)}
            )
        code = decided_by = ""
        if action == "reject":
            code = _first_code(fields.get("statusReason"))
        outputs = fields.get("output") if isinstance(fields.get("output"), list) else []
        for output in outputs:
            if not isinstance(output, dict):
                continue
            value = _first_code(output.get("valueCodeableConcept"))
            if _first_code(output.get("type")) == "decided-by":
                decided_by = value
            elif action in ("complete", "fail"):
                code = code or value
        notes = fields.get("note") if isinstance(fields.get("note"), list) else []
        note = " ".join(
            n["text"] for n in notes if isinstance(n, dict) and isinstance(n.get("text"), str)
        )
        try:
            referral = referral_transition(
                referral=referral,
                actor=request.user,
                action=action,
                note=note[:5000],
                code=code,
                decided_by=decided_by,
            )
        except ReferralActionError as exc:
            error_code = getattr(exc, "code", None)
            http = {"conflict": 409, "forbidden": 403}.get(error_code, 400)
            return Response(
                operation_outcome(" ".join(exc.messages), code=_ISSUE_FOR_STATUS[http]),
                status=http,
            )
        return Response(resources.task(referral))


class ServiceRequestView(FhirView):
    @extend_schema(tags=["fhir"], responses={200: FHIR_OBJECT, 404: FHIR_ERROR})
    def get(self, request, reference_code: str):
        """What the referral asks for, as an SDOHCC ServiceRequest."""
        referral = referral_for_read(request, reference_code, purpose=ReadPurpose.RECORD).referral
        return Response(resources.service_request(referral))


class PatientView(FhirView):
    @extend_schema(tags=["fhir"], responses={200: FHIR_OBJECT, 404: FHIR_ERROR})
    def get(self, request, pk: int):
        """The client: everything for their own center; for a receiving agency only what the
        consent of its newest referral for this client shares (logged as a disclosure)."""
        user = request.user
        try:
            client = client_for_read(request, pk)
        except Http404:
            client = None  # not their center's: perhaps a client referred to their agency
        if client is not None:
            return Response(resources.patient(client, shown=None))
        referral = (
            referrals_received_by(user=user)
            .filter(client_id=pk)
            .select_related("client", "consent", "agency", "intake")
            .order_by("-created_at", "-id")
            .first()
        )
        if referral is None:
            raise Http404
        shown = released_patient_fields(referral=referral, user=user)
        return Response(resources.patient(referral.client, shown=shown))


class OrganizationView(FhirView):
    @extend_schema(tags=["fhir"], responses={200: FHIR_OBJECT, 404: FHIR_ERROR})
    def get(self, request, pk: int):
        """A community center, partner agency or city office (any member may read these)."""
        if not user_memberships(request.user):
            raise Http404
        org = Organization.objects.filter(pk=pk, is_active=True).first()
        if org is None:
            raise Http404
        return Response(resources.organization(org))


class TaskSearchView(FhirView):
    @extend_schema(
        tags=["fhir"],
        operation_id="fhir_Task_search",
        responses={200: FHIR_OBJECT, 404: FHIR_ERROR},
    )
    def get(self, request):
        """Tasks the caller may open, as a searchset Bundle (``status``, ``_count`` up to 100,
        ``_offset``): how a partner system polls its queue."""
        user = request.user
        if not centers_of(user).exists() and not agencies_of(user).exists():
            raise Http404
        qs = referrals_visible_to(user=user).select_related("agency", "sending_center")
        wanted = request.query_params.get("status")
        if wanted:
            qs = qs.filter(status__in=[s for s in wanted.split(",") if s])
        try:
            count = max(1, min(int(request.query_params.get("_count", 25)), 100))
            offset = max(0, int(request.query_params.get("_offset", 0)))
        except ValueError as exc:
            raise exceptions.ValidationError(_("_count and _offset must be numbers.")) from exc
        offset = min(offset, 10**9)
        total = qs.count()
        rows = list(qs.order_by("-created_at", "-id")[offset : offset + count])
        return Response(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "total": total,
                "entry": [
                    {
                        "fullUrl": request.build_absolute_uri(
                            f"/api/fhir/Task/{referral.reference_code}"
                        ),
                        "resource": resources.task(referral),
                        "search": {"mode": "match"},
                    }
                    for referral in rows
                ],
            }
        )
