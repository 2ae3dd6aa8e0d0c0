"""Writes of the api app: tokens and webhook subscriptions. Each takes ``actor=`` and records
history with it in the same transaction."""

from __future__ import annotations

import base64
import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Membership, Organization, Role, User

from .models import TOKEN_PREFIX, ApiToken, WebhookEvent, WebhookSubscription, token_digest

MAX_TOKENS_PER_USER = 20


def _save_as(obj, actor) -> None:
    obj._history_user = actor
    obj.save()


@transaction.atomic
def api_token_create(
    *, actor: User, user: User, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Creates a token for ``user`` (by the user, or an administrator in the admin) and returns
    it with its plaintext, which is never stored and cannot be shown again."""
    if actor.pk != user.pk and not actor.is_staff:
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the system using it.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")})
    if ApiToken.objects.usable().filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(_("Revoke a token you no longer use first."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(raw),
        expires_at=expires_at,
    )
    _save_as(token, actor)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revokes a token at once (its owner or an administrator); revoking twice changes nothing."""
    if actor.pk != token.user_id and not actor.is_staff:
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        _save_as(token, actor)
    return token


# Webhook subscriptions -------------------------------------------------------------------


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def organizations_administered_by(user: User):
    """Organizations where the user is an organization administrator."""
    return Organization.objects.filter(
        memberships__user=user, memberships__role=Role.ORG_ADMIN, is_active=True
    ).distinct()


def _require_org_admin(actor: User, organization: Organization) -> None:
    if actor.is_staff:
        return
    if not Membership.objects.filter(
        user=actor, organization=organization, role=Role.ORG_ADMIN
    ).exists():
        raise PermissionDenied


def webhook_events_clean(events) -> list[str]:
    if events and not isinstance(events, list | tuple):
        raise ValidationError({"events": _("Give the events as a list.")})
    events = list(dict.fromkeys(str(e) for e in events or []))
    unknown = [e for e in events if e not in WebhookEvent.values]
    if unknown:
        raise ValidationError(
            {"events": _("Unknown event: %(events)s.") % {"events": ", ".join(map(str, unknown))}}
        )
    return events


def webhook_url_clean(url: str) -> str:
    from .webhooks import WebhookUrlError, check_webhook_url

    url = (url or "").strip()
    try:
        check_webhook_url(url, resolve=False)
    except WebhookUrlError as exc:
        raise ValidationError({"url": str(exc)}) from exc
    return url


@transaction.atomic
def webhook_subscription_create(
    *,
    actor: User,
    organization: Organization,
    url: str,
    events=(),
    description: str = "",
) -> WebhookSubscription:
    """Subscribes ``url`` to the organization's referral events (organization admins only)."""
    _require_org_admin(actor, organization)
    subscription = WebhookSubscription(
        organization=organization,
        url=webhook_url_clean(url),
        events=webhook_events_clean(events),
        description=(description or "").strip()[:200],
        secret=new_webhook_secret(),
        created_by=actor,
    )
    _save_as(subscription, actor)
    return subscription


@transaction.atomic
def webhook_subscription_update(
    *, actor: User, subscription: WebhookSubscription, **fields
) -> WebhookSubscription:
    """Changes the URL, events, description or active flag (organization admins only)."""
    _require_org_admin(actor, subscription.organization)
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if "url" in fields:
        subscription.url = webhook_url_clean(fields["url"])
    if "events" in fields:
        subscription.events = webhook_events_clean(fields["events"])
    if "description" in fields:
        subscription.description = (fields["description"] or "").strip()[:200]
    if "is_active" in fields:
        subscription.is_active = bool(fields["is_active"])
    _save_as(subscription, actor)
    return subscription


@transaction.atomic
def webhook_subscription_delete(*, actor: User, subscription: WebhookSubscription) -> None:
    """Removes a subscription and its delivery log (history keeps who did it)."""
    _require_org_admin(actor, subscription.organization)
    subscription._history_user = actor
    subscription.delete()
