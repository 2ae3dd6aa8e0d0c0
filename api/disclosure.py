"""THE one place the API decides which client fields a partner sees, and logs that it saw them.

Today it uses what the partner referral page uses (``referrals.selectors.
referral_disclosed_client``: the referral's consent scopes). When the single
``released_fields(consent)`` helper lands, switch ``_released`` below and nothing else.
"""

from __future__ import annotations

from casework.audit import access_log_append
from casework.models.accesslog import AccessAction
from referrals.models import Referral
from referrals.selectors import referral_disclosed_client


def _released(referral: Referral) -> dict:
    return referral_disclosed_client(referral=referral)


def disclosed_client(*, referral: Referral, user, log: bool = True) -> dict:
    """The client, as the receiving agency may see it on this referral, as plain data; appends a
    ``disclose`` access-log row (ids and scopes, no client data) like the partner page."""
    shown = _released(referral)
    client = referral.client
    scopes = list(shown["scopes"])
    data: dict = {"scopes": scopes, "name": shown["name"]}
    if "contact" in shown:
        data["contact"] = {
            "phone": str(shown["contact"]["phone"] or ""),
            "email": shown["contact"]["email"] or "",
            "address": shown["contact"]["address"] or "",
            "city": client.city or "",
            "zip_code": client.zip_code or "",
        }
    if "demographics" in shown:
        demo = shown["demographics"]
        data["demographics"] = {
            "date_of_birth": demo["date_of_birth"],
            "administrative_gender": client.administrative_gender or None,
            "preferred_language": client.preferred_language,
            "household": [
                {
                    "relationship": m.relationship,
                    "age": m.age_on(referral.created_at.date()),
                }
                for m in demo["household"]
            ],
        }
    if shown.get("intake") is not None:
        intake = shown["intake"]
        data["intake"] = {
            "interview_date": intake.interview_date,
            "household_size": intake.household_size,
            "monthly_gross_income": intake.monthly_gross_income,
            "needs": intake.needs or [],
            "benefits_received": intake.benefits_received or [],
            "housing_status": intake.housing_status or None,
            "employment_status": intake.employment_status or None,
        }
    if "notes" in shown:
        data["notes"] = [
            {"body": n.body, "created_at": n.created_at, "author": str(n.author)}
            for n in shown["notes"]
        ]
    if log:
        access_log_append(
            user=user,
            organization=referral.agency,
            object_type="referral",
            object_id=referral.pk,
            client_id=referral.client_id,
            action=AccessAction.DISCLOSE,
            fields_disclosed=scopes,
        )
    return data


def released_scopes(*, referral: Referral, user) -> list[str]:
    """The consent scopes this referral releases to its agency; logs the disclosure."""
    scopes = list(_released(referral)["scopes"])
    access_log_append(
        user=user,
        organization=referral.agency,
        object_type="client",
        object_id=referral.client_id,
        client_id=referral.client_id,
        action=AccessAction.DISCLOSE,
        fields_disclosed=scopes,
    )
    return scopes
