"""Answer links: one referral, one agency address, no account (issue 13, referrals/links.py).

Only a SHA-256 of the token is stored; the token itself exists only in the email. The URL
carries the referral's reference code and the token, nothing about the client.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ReferralLink(models.Model):
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="answer_links"
    )
    agency = models.ForeignKey("casework.Organization", on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("sent to"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at", "token_hash"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["referral", "revoked_at"])]
        verbose_name = _("answer link")
        verbose_name_plural = _("answer links")

    def __str__(self) -> str:
        return f"{self.referral_id} → {self.email}"


class ExternalActorHistory(models.Model):
    """Historical rows also name an actor without an account (an agency's address answering
    from an emailed link): set ``instance._history_external_actor`` before saving."""

    history_external_actor = models.EmailField(blank=True)

    class Meta:
        abstract = True
