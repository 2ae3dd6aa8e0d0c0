"""One error shape for the API: ``{"detail": ..., "code": ..., "errors": {field: [...]}}``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from referrals.services import ReferralActionError

# ReferralActionError codes -> HTTP status. Someone else acted first, or the status does not
# allow it: 409. Not this side's action: 403. Anything else is bad input: 400.
_ACTION_STATUS = {
    "conflict": status.HTTP_409_CONFLICT,
    "forbidden": status.HTTP_403_FORBIDDEN,
}


def referral_action_response(exc: ReferralActionError) -> Response:
    code = getattr(exc, "code", None) or "invalid"
    body: dict = {"detail": " ".join(str(m) for m in exc.messages), "code": code}
    if hasattr(exc, "error_dict"):
        body["errors"] = {
            field: [m for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
        body["code"] = "invalid"
    return Response(body, status=_ACTION_STATUS.get(code, status.HTTP_400_BAD_REQUEST))


def exception_handler(exc, context):
    if isinstance(exc, ReferralActionError):
        return referral_action_response(exc)
    if isinstance(exc, DjangoValidationError):
        body = {"detail": " ".join(exc.messages), "code": "invalid"}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data["code"] = getattr(detail, "code", "error")
    elif response is not None and isinstance(response.data, dict | list):
        response.data = {
            "detail": _("Please check the request."),
            "code": "invalid",
            "errors": response.data,
        }
    return response


def page_not_found(request, exception=None):
    """404 for URLs no view matched: JSON under /api/ (as the schema says), the site's page
    elsewhere."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        if request.path.startswith("/api/fhir/"):
            body = {
                "resourceType": "OperationOutcome",
                "issue": [
                    {"severity": "error", "code": "not-found", "diagnostics": _("Not found.")}
                ],
            }
            return JsonResponse(body, status=404, content_type="application/fhir+json")
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    from django.views.defaults import page_not_found as default

    return default(request, exception)
