"""Reads the API serves, scoped by referrals.access / casework.access (never by itself).

Each list selector does its own joins so a page costs the same number of queries for 1 row or
100; presenters turn rows into plain data for the serializers."""

from __future__ import annotations

from django.db.models import QuerySet

from casework.access import agencies_of, centers_of, clients_visible_to
from casework.models import Client, Membership, Organization
from referrals.access import ReferralSide, referrals_received_by, referrals_visible_to
from referrals.models import Program, Referral
from referrals.selectors import referral_detail
from referrals.services import actions_available

from .models import WebhookDelivery, WebhookSubscription
from .services import organizations_administered_by

_REFERRAL_JOINS = ("program", "agency", "sending_center")


def api_referrals(*, user) -> QuerySet[Referral]:
    return referrals_visible_to(user=user).select_related(*_REFERRAL_JOINS)


def api_inbox(*, user) -> QuerySet[Referral]:
    return referrals_received_by(user=user).select_related(*_REFERRAL_JOINS)


def api_clients(*, user) -> QuerySet[Client]:
    return (
        clients_visible_to(user=user)
        .select_related("center")
        .order_by("legal_last_name", "legal_first_name", "id")
    )


def api_programs() -> QuerySet[Program]:
    return Program.objects.select_related("agency").order_by("name", "id")


def api_webhook_subscriptions(*, user) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(
        organization__in=organizations_administered_by(user)
    ).order_by("id")


def api_webhook_deliveries(*, subscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-created_at", "-id")


def user_center_ids(user) -> set[int]:
    return set(centers_of(user).values_list("pk", flat=True))


def user_has_agency(user) -> bool:
    return agencies_of(user).exists()


def user_memberships(user) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name", "role")
    )


def _ref(org: Organization | Program) -> dict:
    return {"id": org.pk, "name": org.name}


def present_referral(referral: Referral, *, center_ids: set[int]) -> dict:
    """A referral row, as the caller sees it: the client id only for the sending center."""
    is_sender = referral.sending_center_id in center_ids
    return {
        "id": referral.pk,
        "reference_code": referral.reference_code,
        "side": "sender" if is_sender else "receiver",
        "status": referral.status,
        "urgency": referral.urgency,
        "need_category": referral.need_category,
        "program": _ref(referral.program),
        "agency": _ref(referral.agency),
        "sending_center": _ref(referral.sending_center),
        "client_id": referral.client_id if is_sender else None,
        "created_at": referral.created_at,
        "status_changed_at": referral.status_changed_at,
        "first_response_at": referral.first_response_at,
        "closed_at": referral.closed_at,
        "is_overdue": referral.is_overdue,
        "rejection_reason": referral.rejection_reason,
        "outcome": referral.outcome,
        "decided_by": referral.decided_by,
    }


def referral_change_history(referral: Referral) -> list[dict]:
    """The referral's readable change timeline, as on the referral page (newest first)."""
    from django.utils.translation import gettext

    from casework.history import describe_history
    from referrals.views.detail import HISTORY_IGNORED

    rows = referral.history.select_related("history_user").order_by("history_date")
    entries = describe_history(
        rows, ignore=HISTORY_IGNORED, subject=lambda row: gettext("the referral")
    )
    return [{"at": e.at, "actor": e.actor, "text": e.text} for e in entries]


def present_referral_detail(referral: Referral, *, side: ReferralSide, disclosed) -> dict:
    center_ids = {referral.sending_center_id} if side == ReferralSide.SENDER else set()
    data = present_referral(referral, center_ids=center_ids)
    events = referral_detail(referral=referral)["events"]
    data.update(
        reason=referral.reason,
        note_to_agency=referral.note_to_agency,
        outcome_note=referral.outcome_note,
        actions=actions_available(referral=referral, side=side),
        events=[
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "at": e.at,
                "actor": str(e.actor) if e.actor else None,
                "organization": str(e.actor_organization) if e.actor_organization else None,
                "note": e.note,
                "code": e.code,
            }
            for e in events
        ],
        client=(
            {"id": referral.client_id, "name": referral.client.display_name}
            if side == ReferralSide.SENDER
            else None
        ),
        disclosed_client=disclosed,
        history=referral_change_history(referral),
    )
    return data


def present_program(program: Program) -> dict:
    return {
        "id": program.pk,
        "hsds_id": program.hsds_id,
        "name": program.name,
        "description": program.description,
        "agency": _ref(program.agency),
        "need_categories": [str(n) for n in program.need_categories or []],
        "languages": [str(n) for n in program.languages or []],
        "service_area_zips": [str(z) for z in program.service_area_zips or []],
        "service_area_county": program.service_area_county,
        "service_code": program.service_code,
        "service_code_display": program.service_code_display,
        "contact_phone": program.contact_phone,
        "contact_email": program.contact_email,
        "website": program.website,
        "required_documents": program.required_documents,
        "cost": program.cost,
        "capacity_status": program.capacity_status,
        "is_active": program.is_active,
        "last_verified_on": program.last_verified_on,
    }


def present_client(client: Client) -> dict:
    return {
        "id": client.pk,
        "legal_first_name": client.legal_first_name,
        "legal_last_name": client.legal_last_name,
        "preferred_name": client.preferred_name,
        "date_of_birth": client.date_of_birth,
        "administrative_gender": client.administrative_gender,
        "phone": str(client.phone or ""),
        "email": client.email,
        "zip_code": client.zip_code,
        "preferred_language": client.preferred_language,
        "center": _ref(client.center),
        "updated_at": client.updated_at,
    }


def present_subscription(subscription: WebhookSubscription, *, with_secret=False) -> dict:
    data = {
        "id": subscription.pk,
        "organization": subscription.organization_id,
        "url": subscription.url,
        "description": subscription.description,
        "events": list(subscription.events or []),
        "is_active": subscription.is_active,
        "created_at": subscription.created_at,
    }
    if with_secret:
        data["secret"] = subscription.secret
    return data


def present_delivery(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.pk,
        "message_id": delivery.message_id,
        "event_type": delivery.event_type,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at,
        "last_attempt_at": delivery.last_attempt_at,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "response_code": delivery.response_code,
        "error": delivery.error,
        "payload": delivery.payload,
    }
