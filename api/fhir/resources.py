"""Referrals as FHIR R4 resources (SDOH Clinical Care): Task, ServiceRequest, Patient and the
two Organizations. Plain dicts; tests validate every one with the ``fhir.resources`` models."""

from __future__ import annotations

import datetime

from django.utils import timezone

from casework.models import Client, Organization, OrganizationKind
from referrals.models import Referral, ReferralStatus, Urgency

from . import codes


def _instant(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _coding(system: str, code: str, display: str | None = None) -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = str(display)
    return coding


def _drop_empty(resource: dict) -> dict:
    """FHIR forbids empty strings, lists and objects: leave missing values out."""
    out = {}
    for key, value in resource.items():
        if isinstance(value, dict):
            value = _drop_empty(value)
        elif isinstance(value, list):
            value = [_drop_empty(v) if isinstance(v, dict) else v for v in value]
            value = [v for v in value if v not in (None, "", {}, [])]
        if value in (None, "", {}, []):
            continue
        out[key] = value
    return out


def org_ref(org: Organization) -> dict:
    return {"reference": f"Organization/{org.pk}", "display": org.name}


def _business_status(referral: Referral) -> tuple[str, str]:
    status = referral.status
    if status == ReferralStatus.REQUESTED:
        code = "overdue" if referral.is_overdue else "awaiting-response"
    else:
        code = {
            ReferralStatus.ACCEPTED: "accepted",
            ReferralStatus.IN_PROGRESS: "in-progress",
            ReferralStatus.REJECTED: "declined",
            ReferralStatus.COMPLETED: "completed",
            ReferralStatus.FAILED: "failed",
            ReferralStatus.CANCELLED: "cancelled",
        }[status]
    return code, codes.BUSINESS_STATUS[code]


def task(referral: Referral) -> dict:
    """The referral as an SDOHCC TaskForReferralManagement (requester: the sending center,
    owner: the receiving agency, focus: its ServiceRequest)."""
    code, text = _business_status(referral)
    resource = {
        "resourceType": "Task",
        "id": referral.reference_code,
        "meta": {
            "profile": [codes.PROFILE_TASK],
            "lastUpdated": _instant(referral.status_changed_at),
        },
        "identifier": [{"system": codes.CB_REFERRAL_ID, "value": referral.reference_code}],
        "status": codes.TASK_STATUS[referral.status],
        "businessStatus": {
            "coding": [_coding(codes.CB_BUSINESS_STATUS, code, text)],
            "text": text,
        },
        "intent": "order",
        "priority": codes.PRIORITY.get(referral.urgency, "routine"),
        "code": {
            "coding": [_coding(codes.TASK_CODE_SYSTEM, "fulfill", "Fulfill the focal request")]
        },
        "focus": {"reference": f"ServiceRequest/{referral.reference_code}"},
        "for": {"reference": f"Patient/{referral.client_id}"},
        "authoredOn": _instant(referral.created_at),
        "lastModified": _instant(referral.status_changed_at),
        "requester": org_ref(referral.sending_center),
        "owner": org_ref(referral.agency),
    }
    if referral.urgency == Urgency.SOON:
        resource["restriction"] = {
            "period": {"end": _instant(referral.created_at + datetime.timedelta(days=7))}
        }
    if referral.status == ReferralStatus.REJECTED and referral.rejection_reason:
        resource["statusReason"] = {
            "coding": [
                _coding(
                    codes.CB_REJECTION_REASON,
                    referral.rejection_reason,
                    referral.get_rejection_reason_display(),
                )
            ],
            "text": str(referral.get_rejection_reason_display()),
        }
    if referral.outcome:
        outputs = [
            {
                "type": {
                    "coding": [
                        _coding(codes.SDOHCC_TEMP_CODES, "resulting-activity", "Resulting Activity")
                    ]
                },
                "valueCodeableConcept": {
                    "coding": [
                        _coding(codes.CB_OUTCOME, referral.outcome, referral.get_outcome_display())
                    ],
                    "text": str(referral.get_outcome_display()),
                },
            }
        ]
        if referral.decided_by:
            outputs.append(
                {
                    "type": {"coding": [_coding(codes.CB_DECIDED_BY, "decided-by", "Decided by")]},
                    "valueCodeableConcept": {
                        "coding": [
                            _coding(
                                codes.CB_DECIDED_BY,
                                referral.decided_by,
                                referral.get_decided_by_display(),
                            )
                        ]
                    },
                }
            )
        resource["output"] = outputs
    if referral.outcome_note:
        resource["note"] = [{"text": referral.outcome_note}]
    return _drop_empty(resource)


def service_request(referral: Referral) -> dict:
    """What was asked for: the program's service (SNOMED CT when the program has a code), the
    SDOH category of the need, the priority, and the navigator's reason."""
    program = referral.program
    category, display = codes.SDOH_CATEGORY.get(referral.need_category, codes.UNSPECIFIED_CATEGORY)
    service_code: dict = {"text": program.name}
    if program.service_code:
        service_code["coding"] = [
            _coding(codes.SNOMED, program.service_code, program.service_code_display or None)
        ]
    resource = {
        "resourceType": "ServiceRequest",
        "id": referral.reference_code,
        "meta": {"profile": [codes.PROFILE_SERVICE_REQUEST]},
        "identifier": [{"system": codes.CB_REFERRAL_ID, "value": referral.reference_code}],
        "status": codes.SERVICE_REQUEST_STATUS[referral.status],
        "intent": "order",
        "category": [
            {"coding": [_coding(codes.SDOHCC_TEMP_CODES, category, display)]},
            {"coding": [_coding(codes.CB_NEED, referral.need_category)]},
        ],
        "priority": codes.PRIORITY.get(referral.urgency, "routine"),
        "code": service_code,
        "subject": {"reference": f"Patient/{referral.client_id}"},
        "authoredOn": _instant(referral.created_at),
        "requester": org_ref(referral.sending_center),
        "performer": [org_ref(referral.agency)],
        "note": [{"text": referral.reason}, {"text": referral.note_to_agency}],
    }
    return _drop_empty(resource)


def patient(client: Client, *, shown: set[str] | None) -> dict:
    """The client: the name always (a referral names its client); other elements only where
    ``shown`` (the disclosure's field keys, ``api.disclosure.released_patient_fields``) holds
    them (None: everything, for the client's own center)."""

    def allowed(key: str) -> bool:
        return shown is None or key in shown

    given = [client.preferred_name or client.legal_first_name]
    resource: dict = {
        "resourceType": "Patient",
        "id": str(client.pk),
        "identifier": [{"system": codes.CB_CLIENT_ID, "value": str(client.pk)}],
        "name": [{"use": "usual", "family": client.legal_last_name, "given": given}],
    }
    telecom = []
    if allowed("phone") and client.phone:
        telecom.append({"system": "phone", "value": str(client.phone)})
    if allowed("email") and client.email:
        telecom.append({"system": "email", "value": client.email})
    resource["telecom"] = telecom
    if allowed("address"):
        resource["address"] = [
            {
                "line": [client.address_line1, client.address_line2],
                "city": client.city,
                "postalCode": client.zip_code,
            }
        ]
    if allowed("administrative_gender"):
        resource["gender"] = client.administrative_gender or None
    if allowed("date_of_birth"):
        resource["birthDate"] = client.date_of_birth.isoformat() if client.date_of_birth else None
    if allowed("language"):
        resource["communication"] = [
            {
                "language": {
                    "coding": [_coding(codes.LANGUAGE_SYSTEM, client.preferred_language)],
                    "text": str(client.get_preferred_language_display()),
                },
                "preferred": True,
            }
        ]
    return _drop_empty(resource)


_ORG_TYPE = {
    OrganizationKind.COMMUNITY_CENTER: ("cg", "Community Group"),
    OrganizationKind.PARTNER_AGENCY: ("cg", "Community Group"),
    OrganizationKind.CITY_OFFICE: ("govt", "Government"),
}


def organization(org: Organization) -> dict:
    code, display = _ORG_TYPE.get(org.kind, ("other", "Other"))
    resource = {
        "resourceType": "Organization",
        "id": str(org.pk),
        "identifier": [{"system": codes.CB_ORG_ID, "value": org.slug}],
        "active": org.is_active,
        "type": [
            {
                "coding": [_coding(codes.ORG_TYPE_SYSTEM, code, display)],
                "text": str(org.get_kind_display()),
            }
        ],
        "name": org.name,
        "telecom": [
            {"system": "phone", "value": org.phone} if org.phone else None,
            {"system": "email", "value": org.email} if org.email else None,
            {"system": "url", "value": org.website} if org.website else None,
        ],
        "address": [{"text": org.address, "postalCode": org.zip_code}],
    }
    return _drop_empty(resource)
