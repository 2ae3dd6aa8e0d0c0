"""Referral events to subscribers' URLs, signed with the Standard Webhooks scheme.

- A ``ReferralEvent`` (every send and transition) creates one ``WebhookDelivery`` row per
  interested subscription, in the referral's own transaction; the Celery task is enqueued after
  commit. The row is the job: the task claims it with a conditional UPDATE, so a duplicate or
  late message changes nothing, and the beat sweeper re-enqueues rows whose message was lost.
- An attempt that does not get a 2xx is retried with exponential backoff (30 s doubling, at
  most 4 h apart) until ``WEBHOOK_RETRY_WINDOW`` (a day) after the event; then the row fails.
- The request never waits for an endpoint: delivery happens in the worker (or, without a
  broker, in a background thread). A broker error is logged and swallowed.
- Payloads carry ids and status only, never client data.
- Signature: ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` with the
  subscription's ``whsec_`` secret (the ``standardwebhooks`` package signs).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import logging
import socket
import threading
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from casework import jobs
from referrals.models import Referral, ReferralEvent, ReferralStatus

from .models import DeliveryState, WebhookDelivery, WebhookEvent, WebhookSubscription

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 4 * 60 * 60
STALE_SENDING = datetime.timedelta(minutes=5)
RESPONSE_EXCERPT = 500

EVENT_FOR_STATUS = {
    ReferralStatus.REQUESTED: WebhookEvent.SENT,
    ReferralStatus.ACCEPTED: WebhookEvent.ACCEPTED,
    ReferralStatus.REJECTED: WebhookEvent.DECLINED,
    ReferralStatus.IN_PROGRESS: WebhookEvent.STARTED,
    ReferralStatus.COMPLETED: WebhookEvent.COMPLETED,
    ReferralStatus.FAILED: WebhookEvent.FAILED,
    ReferralStatus.CANCELLED: WebhookEvent.CANCELLED,
}


class WebhookUrlError(ValueError):
    pass


def check_webhook_url(url: str, *, resolve: bool = True) -> None:
    """Refuses what a webhook must not reach: other schemes, credentials in the URL, and (unless
    ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``) plain http and loopback/private/link-local hosts."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlError(_("Enter a valid http(s) URL.")) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookUrlError(_("Enter a valid http(s) URL."))
    if parts.scheme != "https" and not allow_private:
        raise WebhookUrlError(_("Webhook URLs must use https."))
    if parts.username or parts.password:
        raise WebhookUrlError(_("Do not put credentials in the webhook URL."))
    if allow_private or not resolve:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise WebhookUrlError(_("The webhook host could not be found.")) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise WebhookUrlError(_("Webhook URLs must point to a public address."))


# Building events ---------------------------------------------------------------------------


def referral_event_payload(*, event_type: str, referral: Referral, event=None) -> dict:
    """Ids and status only: no client data ever leaves in a webhook."""
    return {
        "type": event_type,
        "timestamp": (event.at if event else timezone.now()).isoformat(),
        "data": {
            "referral_id": referral.pk,
            "reference_code": referral.reference_code,
            "status": referral.status,
            "previous_status": (event.from_status or None) if event else None,
            "status_changed_at": referral.status_changed_at.isoformat(),
            "event_id": event.pk if event else None,
            "rejection_reason": referral.rejection_reason or None,
            "outcome": referral.outcome or None,
            "decided_by": referral.decided_by or None,
            "program_id": referral.program_id,
            "agency_id": referral.agency_id,
            "sending_center_id": referral.sending_center_id,
        },
    }


def _subscribers(*, referral: Referral, event_type: str) -> list[WebhookSubscription]:
    """Active subscriptions of the sending center, and of the receiving agency while it may
    see the referral (its consent is active) or is being told it was cancelled."""
    orgs = [referral.sending_center_id]
    agency_may_know = event_type == WebhookEvent.CANCELLED or referral.consent.is_active_on(
        timezone.localdate()
    )
    if agency_may_know:
        orgs.append(referral.agency_id)
    subscriptions = WebhookSubscription.objects.filter(
        organization_id__in=orgs, is_active=True
    ).order_by("id")
    return [s for s in subscriptions if s.wants(event_type)]


def webhooks_record(*, referral: Referral, event_type: str, event=None) -> list[WebhookDelivery]:
    """Creates the deliveries for one event (inside the caller's transaction) and enqueues them
    after commit."""
    payload = referral_event_payload(event_type=event_type, referral=referral, event=event)
    deliveries = [
        WebhookDelivery(
            subscription=subscription,
            message_id=f"msg_{uuid.uuid4().hex}",
            event_type=event_type,
            payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
            next_attempt_at=timezone.now(),
        )
        for subscription in _subscribers(referral=referral, event_type=event_type)
    ]
    if not deliveries:
        return []
    created = WebhookDelivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in created]
    transaction.on_commit(lambda: [dispatch(delivery_id) for delivery_id in ids], robust=True)
    return created


def webhooks_for_referral_event(event: ReferralEvent) -> list[WebhookDelivery]:
    referral = Referral.objects.select_related("consent").get(pk=event.referral_id)
    return webhooks_record(
        referral=referral, event_type=EVENT_FOR_STATUS[event.to_status], event=event
    )


def webhooks_emit_message_added(*, referral: Referral, message_id: int | str) -> list:
    """For the referral messages feature: call inside the transaction that adds a message."""
    deliveries = webhooks_record(referral=referral, event_type=WebhookEvent.MESSAGE_ADDED)
    for delivery in deliveries:
        delivery.payload["data"]["message_id"] = message_id
        delivery.save(update_fields=["payload"])
    return deliveries


# Sending ---------------------------------------------------------------------------------


def dispatch(delivery_id: int, *, probe: bool = False) -> bool:
    """Hands one delivery to the worker; never raises, never waits for the endpoint. Returns
    False when the broker is down (the sweeper sends it later; it ``probe``s the broker even
    right after a failure)."""
    from .tasks import webhook_deliver_task

    if webhook_deliver_task.app.conf.task_always_eager and settings.WEBHOOK_EAGER_IN_THREAD:
        threading.Thread(target=_deliver_in_thread, args=(delivery_id,), daemon=True).start()
        return True
    return jobs.enqueue(webhook_deliver_task, delivery_id, probe=probe)


def _deliver_in_thread(delivery_id: int) -> None:
    try:
        webhook_deliver(delivery_id=delivery_id)
    finally:
        close_old_connections()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is a failed attempt: it could lead to a refused address


_opener = urllib.request.build_opener(_NoRedirects)


def sign_headers(*, secret: str, message_id: str, at: datetime.datetime, body: str) -> dict:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=message_id, timestamp=at, data=body),
    }


def retry_delay(attempts: int) -> datetime.timedelta:
    """30 s after the first failure, doubling, at most 4 h apart."""
    seconds = min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    return datetime.timedelta(seconds=seconds)


def delivery_lease() -> jobs.Lease:
    """A delivery being sent for longer than STALE_SENDING lost its worker."""
    return jobs.Lease(
        status="state",
        pending=DeliveryState.PENDING,
        running=DeliveryState.SENDING,
        claimed_at="last_attempt_at",
        length=STALE_SENDING,
    )


def _claim(delivery_id: int, now) -> bool:
    due = WebhookDelivery.objects.filter(subscription__is_active=True).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return jobs.claim(due, delivery_id, lease=delivery_lease(), now=now) is not None


def webhook_deliver(*, delivery_id: int, now: datetime.datetime | None = None) -> str | None:
    """One attempt at one delivery. Returns the row's new state, or None if it was not due
    (already sent, claimed by another worker, or waiting for its next attempt)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    code, excerpt, error = None, "", ""
    try:
        check_webhook_url(subscription.url)
        request = urllib.request.Request(
            subscription.url,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Casebridge-Webhooks/1",
                **sign_headers(
                    secret=subscription.secret, message_id=delivery.message_id, at=now, body=body
                ),
            },
        )
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            code = response.status
            excerpt = response.read(RESPONSE_EXCERPT).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        code = exc.code
        excerpt = (exc.read(RESPONSE_EXCERPT) or b"").decode(errors="replace")
    except WebhookUrlError as exc:
        error = str(exc)
    except Exception as exc:  # network errors of every kind count as a failed attempt
        error = f"{type(exc).__name__}: {exc}"[:RESPONSE_EXCERPT]

    delivery.attempts += 1
    delivery.response_code = code
    delivery.response_excerpt = excerpt[:RESPONSE_EXCERPT]
    delivery.error = error[:RESPONSE_EXCERPT]
    if code is not None and 200 <= code < 300:
        delivery.state = DeliveryState.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    else:
        deadline = delivery.created_at + settings.WEBHOOK_RETRY_WINDOW
        if now >= deadline:
            delivery.state = DeliveryState.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.state = DeliveryState.PENDING
            delivery.next_attempt_at = min(now + retry_delay(delivery.attempts), deadline)
    delivery.save()
    return delivery.state


def webhooks_sweep(*, now: datetime.datetime | None = None) -> int:
    """Beat: re-enqueues due deliveries (their message may be lost) and stale claims (their
    worker died; the claim takes them over). Returns how many were enqueued."""
    from .tasks import webhook_deliver_task

    now = now or timezone.now()
    return jobs.sweep(
        webhook_deliver_task,
        WebhookDelivery.objects.filter(subscription__is_active=True),
        lease=delivery_lease(),
        stuck=Q(state=DeliveryState.PENDING, next_attempt_at__lte=now),
        now=now,
        order_by="next_attempt_at",
        publish=lambda pk: dispatch(pk, probe=True),
    ).enqueued
