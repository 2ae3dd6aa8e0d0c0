"""The client confirms whether they got help (issue 13).

``settings.CLIENT_CONFIRM_AFTER_DAYS`` (10) days after a referral was accepted, the daily task
(``referrals.client_confirmations``) sends its client, if they agreed to messages, one message
with a link to ``/referrals/confirm/<reference code>/<token>/``: a one-page form without
sign-in, in the client's language. Only a SHA-256 of the token is stored
(``ClientConfirmLink``). The link opens only that referral's form and grants nothing else; it
is dead (``confirm_link_problem``) when unknown (tampered, another referral's code), expired
(``CLIENT_CONFIRM_LINK_DAYS``), already answered (single use), or the referral was closed
without help being offered (rejected or cancelled). A dead link gets a clear page and changes
nothing.

The answer is the client-reported outcome, next to the agency's. It needs the navigator's
follow-up (``referrals_needing_follow_up``) when the client could not reach the agency, or when
it disagrees with the agency: the client got help but the agency reports a failure or declined,
or the agency reports "got help" and the client says they did not get it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import User

from .access import referrals_sent_by
from .client_messages import MessageTemplate, client_message_queue
from .models import (
    ClientConfirmLink,
    ClientOutcome,
    ContactPreference,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
)

TOKEN_BYTES = 24
TOKEN_MAX_LENGTH = 64
CONFIRMABLE_STATUSES = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.COMPLETED,
    ReferralStatus.FAILED,
)


class ConfirmProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    ANSWERED = "answered"
    CLOSED = "closed"


def confirm_problem_message(problem: ConfirmProblem) -> str:
    return {
        ConfirmProblem.UNKNOWN: lambda: _(
            "This link is not valid. Check that you opened the whole link from the message."
        ),
        ConfirmProblem.EXPIRED: lambda: _(
            "This link has expired. If you still need help, call your navigator."
        ),
        ConfirmProblem.ANSWERED: lambda: _(
            "You already answered. Thank you. If something changed, call your navigator."
        ),
        ConfirmProblem.CLOSED: lambda: _(
            "This referral was closed, so this link no longer works. If you still need help, "
            "call your navigator."
        ),
    }[problem]()


class ConfirmError(Exception):
    def __init__(self, problem: ConfirmProblem, language: str = ""):
        super().__init__(str(problem))
        self.problem = problem
        # The client's language when the link is known (its page is told in it).
        self.language = language

    @property
    def message(self) -> str:
        return confirm_problem_message(self.problem)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_confirm_link_issue(*, referral: Referral, now=None) -> str:
    """A fresh token for the referral's confirmation link (replacing one that a failed send
    never delivered); returns the absolute URL to put in the message."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ClientConfirmLink.objects.filter(referral=referral).first() or ClientConfirmLink(
        referral=referral
    )
    link.token_hash = _hash(token)
    link.created_at = now
    link.expires_at = now + datetime.timedelta(days=settings.CLIENT_CONFIRM_LINK_DAYS)
    link._history_date = now
    link.save()
    path = reverse("referrals:client_confirm", args=[referral.reference_code, token])
    return settings.SITE_URL.rstrip("/") + path


def confirm_link_problem(*, link: ClientConfirmLink, now=None) -> ConfirmProblem | None:
    now = now or timezone.now()
    if link.used_at is not None or link.referral.client_outcome:
        return ConfirmProblem.ANSWERED
    if now >= link.expires_at:
        return ConfirmProblem.EXPIRED
    if link.referral.status not in CONFIRMABLE_STATUSES:
        return ConfirmProblem.CLOSED
    return None


def client_confirm_link_resolve(*, code: str, token: str, now=None) -> ClientConfirmLink:
    code, token = str(code), str(token)
    if not token or len(token) > TOKEN_MAX_LENGTH or "\x00" in token or "\x00" in code:
        raise ConfirmError(ConfirmProblem.UNKNOWN)
    link = (
        ClientConfirmLink.objects.select_related(
            "referral__client", "referral__program", "referral__agency"
        )
        .filter(token_hash=_hash(token), referral__reference_code=code)
        .first()
    )
    if link is None:
        raise ConfirmError(ConfirmProblem.UNKNOWN)
    problem = confirm_link_problem(link=link, now=now)
    if problem is not None:
        raise ConfirmError(problem, link.referral.client.preferred_language)
    return link


@transaction.atomic
def client_outcome_record(*, link: ClientConfirmLink, outcome: str, now=None) -> Referral:
    """Records the client's answer once (under the link's and the referral's row locks): the
    client-reported outcome goes next to the agency's; the link is used up."""
    now = now or timezone.now()
    if outcome not in ClientOutcome.values:
        raise ValueError(outcome)
    link = ClientConfirmLink.objects.select_for_update().select_related("referral").get(pk=link.pk)
    referral = Referral.objects.select_for_update().get(pk=link.referral_id)
    link.referral = referral
    problem = confirm_link_problem(link=link, now=now)
    if problem is not None:
        raise ConfirmError(problem)
    referral.client_outcome = outcome
    referral.client_outcome_at = now
    referral._history_user = None
    referral._history_date = now
    referral._change_reason = f"client reported: {outcome}"
    referral.save(update_fields=["client_outcome", "client_outcome_at"])
    link.used_at = now
    link._history_date = now
    link.save(update_fields=["used_at"])
    return referral


@transaction.atomic
def client_follow_up_done(*, referral: Referral, actor: User, now=None) -> Referral:
    """The navigator followed up the client's answer: it leaves the worklist's follow-up list."""
    now = now or timezone.now()
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    locked.client_follow_up_done_at = now
    locked._history_user = actor
    locked._history_date = now
    locked._change_reason = "client answer followed up"
    locked.save(update_fields=["client_follow_up_done_at"])
    return locked


# Which answers need the navigator -----------------------------------------------------------

CLIENT_SAYS_NO_HELP = (
    ClientOutcome.STILL_WAITING,
    ClientOutcome.COULD_NOT_REACH,
    ClientOutcome.DID_NOT_GO,
)
# The client's answer contradicts the agency's (also the scorecard's disagreement rate).
CLIENT_DISAGREES = Q(
    client_outcome=ClientOutcome.GOT_HELP,
    status__in=[ReferralStatus.FAILED, ReferralStatus.REJECTED],
) | Q(
    client_outcome__in=CLIENT_SAYS_NO_HELP,
    status=ReferralStatus.COMPLETED,
    outcome=Outcome.GOT_HELP,
)
NEEDS_FOLLOW_UP = Q(client_outcome=ClientOutcome.COULD_NOT_REACH) | CLIENT_DISAGREES


def referrals_needing_follow_up(*, user) -> QuerySet[Referral]:
    """The user's centers' referrals whose client answer disagrees with the agency or says
    they could not reach it, not yet followed up; oldest answer first."""
    return (
        referrals_sent_by(user=user)
        .filter(NEEDS_FOLLOW_UP, client_follow_up_done_at__isnull=True)
        .select_related("client", "program", "agency")
        .order_by("client_outcome_at", "id")
    )


# The daily task ----------------------------------------------------------------------------


def referrals_due_for_confirmation(*, now=None) -> QuerySet[Referral]:
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.CLIENT_CONFIRM_AFTER_DAYS)
    accepted_before = ReferralEvent.objects.filter(
        referral=OuterRef("pk"), to_status=ReferralStatus.ACCEPTED, at__lte=cutoff
    )
    agreed = ContactPreference.objects.filter(client=OuterRef("client_id"), agreed=True)
    return Referral.objects.filter(
        Exists(accepted_before),
        Exists(agreed),
        status__in=CONFIRMABLE_STATUSES,
        client_confirm_sent_at__isnull=True,
        client_outcome="",
    ).order_by("id")


def client_confirmations_send(*, now=None) -> list[int]:
    """Queues one confirmation message per due referral, claiming each through the database so
    a second run (or a second beat) never sends twice. Returns the referral ids."""
    now = now or timezone.now()
    sent = []
    for referral_id in referrals_due_for_confirmation(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Referral.objects.filter(
                pk=referral_id, client_confirm_sent_at__isnull=True
            ).update(client_confirm_sent_at=now)
            if claimed != 1:
                continue
            referral = Referral.objects.select_related("client").get(pk=referral_id)
            if client_message_queue(referral=referral, template=MessageTemplate.CONFIRM, now=now):
                sent.append(referral_id)
    return sent
