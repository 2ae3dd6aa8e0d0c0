"""THE one place the API decides which client fields a partner sees, and logs that it saw them.

It reads ``referrals.disclosure.referral_disclosure`` (the one function that decides what a
consent releases, used by every partner surface) and presents only the fields that disclosure
holds; the access-log row lists exactly those field keys, as the partner pages do.
"""

from __future__ import annotations

from casework.audit import access_log_append
from casework.models.accesslog import AccessAction
from referrals.disclosure import CONTACT, DEMOGRAPHICS, INTAKE, NOTES, referral_disclosure
from referrals.models import Referral


def _log(*, referral: Referral, user, object_type: str, object_id: int, keys: list[str]) -> None:
    access_log_append(
        user=user,
        organization=referral.agency,
        object_type=object_type,
        object_id=object_id,
        client_id=referral.client_id,
        action=AccessAction.DISCLOSE,
        fields_disclosed=list(dict.fromkeys(keys)),
    )


def disclosed_client(*, referral: Referral) -> tuple[dict, list[str]]:
    """The client, as the receiving agency may see it on this referral, as plain data, and the
    field keys it shows (what the ``disclose`` access-log row lists: the API's referral detail
    passes this to ``referrals.access.referral_for_read``, which writes the row)."""
    disclosure = referral_disclosure(referral=referral)
    shown = {item.key for item in disclosure.items}
    client = referral.client
    scopes = list(disclosure.scopes)
    data: dict = {"scopes": scopes, "name": disclosure.name}
    keys = ["name"]

    def has(key: str) -> bool:
        if key in shown:
            keys.append(key)
            return True
        return False

    if CONTACT in scopes:
        with_address = has("address")
        data["contact"] = {
            "phone": str(client.phone) if has("phone") else "",
            "email": client.email if has("email") else "",
            "address": ", ".join(p for p in (client.address_line1, client.address_line2) if p)
            if with_address
            else "",
            "city": (client.city or "") if with_address else "",
            "zip_code": (client.zip_code or "") if with_address else "",
        }
    if DEMOGRAPHICS in scopes:
        data["demographics"] = {
            "date_of_birth": client.date_of_birth if has("date_of_birth") else None,
            "administrative_gender": client.administrative_gender
            if has("administrative_gender")
            else None,
            "preferred_language": client.preferred_language if has("language") else "",
            "household": [
                {"relationship": m.relationship, "age": m.age_on(referral.created_at.date())}
                for m in client.household.all()
            ]
            if has("household_members")
            else [],
        }
    intake = referral.intake if referral.intake_id else None
    if INTAKE in scopes and intake is not None and "interview_date" in shown:
        data["intake"] = {
            "interview_date": intake.interview_date if has("interview_date") else None,
            "household_size": intake.household_size if has("household_size") else None,
            "monthly_gross_income": intake.monthly_gross_income if has("monthly_income") else None,
            "needs": (intake.needs or []) if has("needs") else [],
            "benefits_received": (intake.benefits_received or []) if has("benefits") else [],
            "housing_status": (intake.housing_status or None) if has("housing") else None,
            "employment_status": (intake.employment_status or None) if has("employment") else None,
        }
    if NOTES in scopes and has("notes"):
        data["notes"] = [
            {"body": n.body, "created_at": n.created_at, "author": str(n.author)}
            for n in disclosure.notes
        ]
    return data, list(dict.fromkeys(keys))


# The FHIR Patient's elements, each with the disclosure field that releases it.
PATIENT_FIELDS = ("phone", "email", "address", "date_of_birth", "administrative_gender", "language")


def released_patient_fields(*, referral: Referral, user) -> set[str]:
    """The Patient fields this referral's consent releases to its agency now (disclosure keys);
    logs the disclosure with exactly those keys."""
    disclosure = referral_disclosure(referral=referral)
    shown = {item.key for item in disclosure.items} & set(PATIENT_FIELDS)
    keys = ["name", *(k for k in PATIENT_FIELDS if k in shown)]
    _log(
        referral=referral, user=user, object_type="client", object_id=referral.client_id, keys=keys
    )
    return shown
