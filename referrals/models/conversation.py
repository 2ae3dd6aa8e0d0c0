"""Messages between the sending center and the receiving agency on one referral (issue 13)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.validation import text_validators


class ReferralMessage(models.Model):
    """One message, written by a navigator or partner staff. Never edited or deleted."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organization = models.ForeignKey(
        "casework.Organization", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"), validators=text_validators("note"))
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["referral", "created_at"])]
        verbose_name = _("referral message")
        verbose_name_plural = _("referral messages")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.author_id} at {self.created_at:%Y-%m-%d %H:%M}"
