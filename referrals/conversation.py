"""The conversation on a referral: the sending center and the receiving agency write to each
other (issue 13, point 4).

- Only the two sides take part: whoever may open the referral (``referrals.access``) and is a
  member of the sending center or the receiving agency. The agency loses the conversation with
  the referral (cancellation, consent revoked or expired).
- Each message is a ``ReferralMessage`` with its author and time, written with history.
- The other side is emailed in each recipient's language, without the message text (emails
  carry no client details): the reader comes to Casebridge, where a partner's read is logged.
- ``referral_message_added`` (sender ``ReferralMessage``, ``message=``) is sent once the
  message is committed, for webhooks and other listeners.
"""

from __future__ import annotations

import datetime

import django.dispatch
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Role, User
from casework.validation import text_problem

from .access import ReferralSide, referral_side
from .models import Referral, ReferralMessage

# Sent after commit with ``message=`` (a ReferralMessage). Receivers must not raise.
referral_message_added = django.dispatch.Signal()


class ReferralMessageError(ValidationError):
    """A message that cannot be added; views show it next to the form."""


def referral_messages(*, referral: Referral) -> QuerySet[ReferralMessage]:
    """The referral's messages, oldest first, with authors (one query however many)."""
    return (
        ReferralMessage.objects.filter(referral=referral)
        .select_related("author", "author_organization")
        .order_by("created_at", "id")
    )


@transaction.atomic
def referral_message_add(
    *, referral: Referral, actor: User, body: str, now: datetime.datetime | None = None
) -> ReferralMessage:
    """Adds ``actor``'s message. The actor must be on one side of the referral (the caller has
    already checked they may open it); the text must not be empty, too long or hold NUL bytes.
    The other side is emailed and ``referral_message_added`` sent after commit."""
    side = referral_side(user=actor, referral=referral)
    if side == ReferralSide.NONE:
        raise ReferralMessageError(
            _(
                "Only the center that sent this referral and the agency that received it can "
                "write here."
            ),
            code="forbidden",
        )
    body = (body or "").strip()
    if not body:
        raise ReferralMessageError({"body": _("Write a message first.")}, code="empty")
    problem = text_problem(body, kind="note")
    if problem:
        raise ReferralMessageError({"body": problem}, code="body")
    now = now or timezone.now()
    message = ReferralMessage(
        referral=referral,
        author=actor,
        author_organization=referral.sending_center
        if side == ReferralSide.SENDER
        else referral.agency,
        body=body,
        created_at=now,
    )
    message._history_user = actor
    message._history_date = now
    message.save()
    from . import tasks
    from .services import notifications

    notifications.after_commit(tasks.notify_message_added_task, message.pk)
    transaction.on_commit(
        lambda: referral_message_added.send_robust(sender=ReferralMessage, message=message),
        robust=True,
    )
    return message


def message_recipients(message: ReferralMessage):
    """The other side: the agency's staff for a center's message; for an agency's message, the
    navigator who sent the referral."""
    from .services.notifications import _user_recipient, organization_recipients

    referral = message.referral
    if message.author_organization_id == referral.sending_center_id:
        recipients = [
            r
            for r in organization_recipients(
                referral.agency, roles=[Role.PARTNER_STAFF, Role.ORG_ADMIN]
            )
            if r.name  # people with an account only: the address cannot open the conversation
        ]
    else:
        recipients = _user_recipient(referral.sent_by)
    author_email = (message.author.email or "").lower()
    return [r for r in recipients if r.email.lower() != author_email]
