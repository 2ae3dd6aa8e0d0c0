"""Emails about referrals, each in its recipient's language, sent after the change commits.

Emails carry the reference code, program and a link, never client details: the partner reads
those in the portal, where the read is logged as a disclosure.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from casework import jobs
from casework.access import joins_in_written_order
from casework.models import Membership, Organization, Role
from referrals.models import Referral, ReferralEvent, ReferralStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    name: str = ""
    # An emailed answer link (referrals/links.py) for this recipient only, if any.
    answer_url: str = ""


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _user_recipient(user) -> list[Recipient]:
    if user is None or not user.email or not user.is_active:
        return []
    return [Recipient(user.email, user.language or "en", str(user))]


def organization_recipients(organization: Organization, *, roles) -> list[Recipient]:
    """The organization's own address (in English: no person to ask) and its staff's."""
    seen: dict[str, Recipient] = {}
    memberships = (
        Membership.objects.filter(organization=organization, role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        for recipient in _user_recipient(membership.user):
            seen.setdefault(recipient.email.lower(), recipient)
    if organization.email:
        seen.setdefault(organization.email.lower(), Recipient(organization.email, "en"))
    return list(seen.values())


def _agency_recipients(referral: Referral) -> list[Recipient]:
    return organization_recipients(referral.agency, roles=[Role.PARTNER_STAFF, Role.ORG_ADMIN])


def _send(recipients: list[Recipient], template: str, context: dict) -> int:
    """Renders ``template`` once per recipient language and sends one email per recipient."""
    messages = []
    for recipient in recipients:
        with translation.override(recipient.language):
            ctx = {**context, "recipient": recipient}
            subject = " ".join(render_to_string(f"email/{template}_subject.txt", ctx).split())
            body = render_to_string(f"email/{template}.txt", ctx)
        messages.append(
            EmailMessage(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
                headers={"Content-Language": recipient.language},
            )
        )
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def _referral_context(referral: Referral) -> dict:
    return {
        "referral": referral,
        "referral_url": _absolute(reverse("referrals:detail", args=[referral.reference_code])),
        "inbox_url": _absolute(reverse("referrals:inbox")),
        "link_days": settings.REFERRAL_LINK_DAYS,
    }


def _load(referral_id: int) -> Referral | None:
    with joins_in_written_order():  # one row by its key, then each related row by its key
        return (
            Referral.objects.select_related("program", "agency", "sending_center", "sent_by")
            .filter(pk=referral_id)
            .first()
        )


def _new_referral_recipients(referral: Referral) -> list[Recipient]:
    """Staff (unless the agency answers by email only) get the portal link; the agency's own
    address gets a fresh answer link (unless it uses the portal only)."""
    from casework.models import AnswerChannel
    from referrals.links import referral_link_issue, referral_link_path

    channel = referral.agency.answer_channel
    recipients = _agency_recipients(referral)
    address = (referral.agency.email or "").lower()
    if channel == AnswerChannel.EMAIL_ONLY:
        recipients = [r for r in recipients if r.email.lower() == address]
    if not address or channel == AnswerChannel.PORTAL:
        return recipients
    if not any(r.email.lower() == address for r in recipients):
        recipients.append(Recipient(referral.agency.email, "en"))
    out = []
    for recipient in recipients:
        if recipient.email.lower() == address:
            _link, token = referral_link_issue(referral=referral, email=recipient.email)
            path = referral_link_path(referral=referral, token=token)
            recipient = Recipient(
                recipient.email, recipient.language, recipient.name, _absolute(path)
            )
        out.append(recipient)
    return out


def notify_new_referral(referral_id: int) -> int:
    referral = _load(referral_id)
    if referral is None or referral.status == ReferralStatus.CANCELLED:
        return 0
    return _send(_new_referral_recipients(referral), "referral_new", _referral_context(referral))


def notify_status_change(event_id: int) -> int:
    """Tells the navigator who sent the referral; a cancellation is told to the agency."""
    with joins_in_written_order():  # 8 ms of planning for a row by its key otherwise
        event = (
            ReferralEvent.objects.select_related(
                "actor",
                "actor_organization",
                "referral__program",
                "referral__agency",
                "referral__sending_center",
                "referral__sent_by",
            )
            .filter(pk=event_id)
            .first()
        )
    if event is None:
        return 0
    referral = event.referral
    context = {**_referral_context(referral), "event": event}
    if event.to_status == ReferralStatus.CANCELLED:
        return _send(_agency_recipients(referral), "referral_cancelled", context)
    recipients = [
        r for r in _user_recipient(referral.sent_by) if event.actor_id != referral.sent_by_id
    ]
    return _send(recipients, "referral_status", context)


def notify_reminder(referral_id: int) -> int:
    referral = _load(referral_id)
    if referral is None:
        return 0
    return _send(_agency_recipients(referral), "referral_reminder", _referral_context(referral))


def notify_overdue(referral_id: int) -> int:
    """Escalates to the sending center: the navigator who sent it and the center's address."""
    referral = _load(referral_id)
    if referral is None:
        return 0
    recipients = {r.email.lower(): r for r in _user_recipient(referral.sent_by)}
    if referral.sending_center.email:
        recipients.setdefault(
            referral.sending_center.email.lower(), Recipient(referral.sending_center.email, "en")
        )
    return _send(list(recipients.values()), "referral_overdue", _referral_context(referral))


def notify_nudge(referral_id: int) -> int:
    """The sending navigator's reminder to the agency about an overdue referral."""
    referral = _load(referral_id)
    if referral is None or referral.status != ReferralStatus.REQUESTED:
        return 0
    return _send(_agency_recipients(referral), "referral_nudge", _referral_context(referral))


def notify_message_added(message_id: int) -> int:
    """A new message on the conversation: the other side is told who wrote, not what."""
    from referrals.conversation import message_recipients
    from referrals.models import ReferralMessage

    with joins_in_written_order():
        message = (
            ReferralMessage.objects.select_related(
                "author",
                "author_organization",
                "referral__program",
                "referral__agency",
                "referral__sending_center",
                "referral__sent_by",
            )
            .filter(pk=message_id)
            .first()
        )
    if message is None:
        return 0
    context = {
        **_referral_context(message.referral),
        "message": message,
        "conversation_url": _absolute(
            reverse("referrals:conversation", args=[message.referral.reference_code])
        ),
    }
    return _send(message_recipients(message), "referral_message", context)


_muted: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "referral_emails_muted", default=False
)


@contextlib.contextmanager
def notifications_muted() -> Iterator[None]:
    """No referral emails for changes made inside the block (seeding the demo city)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def after_commit(task, object_id: int) -> None:
    """Queues the email task (one of referrals.tasks' ``notify_*_task``) for ``object_id`` once
    the surrounding transaction commits. An email has no job row for a sweeper to find, so with
    the broker down it is sent from here rather than lost."""
    if _muted.get():
        return
    jobs.enqueue_on_commit(task, object_id, fallback=task)
