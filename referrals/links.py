"""Answering a referral from the email, without an account (issue 13).

The new-referral email to an agency's contact address carries a link to that one referral:
``/referrals/answer/<reference code>/<token>/``. Only a SHA-256 of the random token is stored
(``ReferralLink``); the token exists only in the email. A link works while all of these hold
(``link_problem``), checked on every request and again under the referral's row lock:

- the token's hash is stored and the link belongs to that reference code (another referral's
  code, or a changed token, is an unknown link);
- it was not revoked: cancelling the referral, revoking its consent and the sending center's
  "end email links" action all revoke it (``referral_links_revoke``);
- it is younger than ``settings.REFERRAL_LINK_DAYS`` (14);
- the referral is open (requested, accepted, in progress): once closed the link is dead;
- the consent is active today and still names the agency the link was sent for.

It grants nothing else: no session, no sign-in; the page shows what ``referral_disclosure``
releases and each view is an access-log ``disclose`` row naming the address.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.access import joins_in_written_order
from casework.models import Consent, User

from .models import Referral, ReferralLink
from .models.referral import OPEN_STATUSES

TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 64


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CLOSED = "closed"
    NO_CONSENT = "no_consent"


class LinkRevokeReason(StrEnum):
    CANCELLED = "cancelled"
    CONSENT_REVOKED = "consent_revoked"
    STAFF = "staff"
    PROGRAM_MOVED = "program_moved"  # the program (and its open referrals) went to another agency


def link_problem_message(problem: LinkProblem) -> str:
    """What the holder of a link that no longer works is told (no detail about the client)."""
    return {
        LinkProblem.UNKNOWN: lambda: _(
            "This link is not valid. Check that you copied the whole link from the email."
        ),
        LinkProblem.EXPIRED: lambda: _(
            "This link has expired. Ask the center that sent the referral for a new one."
        ),
        LinkProblem.REVOKED: lambda: _(
            "This link was withdrawn by the center that sent the referral. Contact them if you "
            "have questions."
        ),
        LinkProblem.CLOSED: lambda: _(
            "This referral is closed, so this link no longer opens it. Nothing was changed."
        ),
        LinkProblem.NO_CONSENT: lambda: _(
            "The client's consent no longer covers your agency, so this referral is no longer "
            "available."
        ),
    }[problem]()


class LinkError(Exception):
    def __init__(self, problem: LinkProblem):
        super().__init__(str(problem))
        self.problem = problem

    @property
    def message(self) -> str:
        return link_problem_message(self.problem)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def referral_link_issue(
    *, referral: Referral, email: str, actor: User | None = None, now=None
) -> tuple[ReferralLink, str]:
    """Creates a link for ``email`` (the agency's contact address) and returns it with the
    token, which is not stored: put it in the email and forget it."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ReferralLink(
        referral=referral,
        agency_id=referral.agency_id,
        email=email,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.REFERRAL_LINK_DAYS),
    )
    link._history_user = actor
    link._history_date = now
    link.save()
    return link, token


def referral_link_path(*, referral: Referral, token: str) -> str:
    return reverse("referrals:answer", args=[referral.reference_code, token])


def _consent_covers(referral: Referral, today: datetime.date) -> bool:
    consent = referral.consent
    return consent.is_active_on(today) and consent.recipients.filter(pk=referral.agency_id).exists()


def link_problem(*, link: ReferralLink, referral: Referral, now=None) -> LinkProblem | None:
    """Why the link does not open ``referral`` now, or None (see the module docstring)."""
    now = now or timezone.now()
    if link.referral_id != referral.pk or link.agency_id != referral.agency_id:
        return LinkProblem.UNKNOWN
    if link.revoked_at is not None:
        return LinkProblem.REVOKED
    if now >= link.expires_at:
        return LinkProblem.EXPIRED
    if referral.status not in OPEN_STATUSES:
        return LinkProblem.CLOSED
    if not _consent_covers(referral, timezone.localdate(now)):
        return LinkProblem.NO_CONSENT
    return None


def referral_link_resolve(*, code: str, token: str, now=None) -> ReferralLink:
    """The link for ``code`` and ``token`` with its referral loaded, or ``LinkError``."""
    code, token = str(code), str(token)
    if not token or len(token) > TOKEN_MAX_LENGTH or "\x00" in token or "\x00" in code:
        raise LinkError(LinkProblem.UNKNOWN)
    with joins_in_written_order():  # the link by its token, then each related row by its key
        link = (
            ReferralLink.objects.select_related(
                "referral__client",
                "referral__program",
                "referral__agency",
                "referral__sending_center",
                "referral__sent_by",
                "referral__consent",
            )
            .filter(token_hash=_hash(token), referral__reference_code=code)
            .first()
        )
    if link is None:
        raise LinkError(LinkProblem.UNKNOWN)
    problem = link_problem(link=link, referral=link.referral, now=now)
    if problem is not None:
        raise LinkError(problem)
    return link


@transaction.atomic
def referral_links_revoke(*, referral: Referral, actor: User | None, reason: str, now=None) -> int:
    """Ends every live answer link of the referral (cancellation, consent revocation, or the
    sending center's action). Returns how many were ended."""
    now = now or timezone.now()
    links = list(
        ReferralLink.objects.select_for_update().filter(referral=referral, revoked_at__isnull=True)
    )
    for link in links:
        link.revoked_at = now
        link.revoked_reason = reason
        link._history_user = actor
        link._history_date = now
        link.save(update_fields=["revoked_at", "revoked_reason"])
    return len(links)


def referral_links_revoke_for_consent(*, consent: Consent, actor: User | None = None) -> int:
    total = 0
    for referral in Referral.objects.filter(
        consent=consent, answer_links__revoked_at__isnull=True
    ).distinct():
        total += referral_links_revoke(
            referral=referral, actor=actor, reason=LinkRevokeReason.CONSENT_REVOKED
        )
    return total


def referral_links_live(*, referral: Referral, now=None) -> list[ReferralLink]:
    """Links that still open the referral (for the sending center's page)."""
    now = now or timezone.now()
    return list(
        ReferralLink.objects.filter(
            referral=referral, revoked_at__isnull=True, expires_at__gt=now
        ).order_by("created_at", "id")
    )
