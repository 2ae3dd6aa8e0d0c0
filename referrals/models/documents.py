"""Documents a navigator attaches to a referral (issue 13): see referrals/attachments.py."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DocumentKind(models.TextChoices):
    PHOTO_ID = "photo_id", _("Photo ID")
    PROOF_OF_ADDRESS = "proof_of_address", _("Proof of address")
    INCOME_PROOF = "income_proof", _("Proof of income")
    OTHER = "other", _("Other document")


class ReferralDocument(models.Model):
    """One file. The bytes live under ``settings.DOCUMENTS_ROOT`` at ``path`` (a random name),
    never under a URL; the file name the navigator chose is not kept (it may name the client)."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("referral document")
        verbose_name_plural = _("referral documents")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.kind} #{self.pk}"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
            self.content_type
        ]
