"""Messages to the client (issue 13): the client's contact preference, each message sent, and
the confirmation link (referrals/client_messages.py, referrals/client_confirm.py).

A contact preference is its own consent: the channel, the number or address, when it was given
and who recorded it. Only a SHA-256 of a confirmation token is stored; the token exists only
in the message. A message row records who it went to and how, never its text.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from casework.models.choices import Language


class ContactChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")


class ContactPreference(models.Model):
    """Whether, and how, the client agreed to get messages about their referrals."""

    client = models.OneToOneField(
        "casework.Client", on_delete=models.CASCADE, related_name="contact_preference"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ContactChannel.choices)
    phone = PhoneNumberField(_("mobile number"), blank=True, region="US")
    email = models.EmailField(_("email address"), blank=True)
    agreed = models.BooleanField(_("agreed to be contacted"), default=True)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    # "stop_word" (the client texted STOP) or "navigator".
    stopped_reason = models.CharField(max_length=32, blank=True)

    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["phone", "agreed"])]
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self) -> str:
        return f"{self.client_id} {self.channel}"

    @property
    def address(self) -> str:
        return str(self.phone) if self.channel == ContactChannel.SMS else self.email


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    WITHDRAWN = "withdrawn", _("Not sent: the client stopped messages")


class ClientMessage(models.Model):
    """One message to a client: to whom, how, which template, in which language, and whether
    it went out. The text is not stored (it is rendered again from the template)."""

    client = models.ForeignKey(
        "casework.Client", on_delete=models.CASCADE, related_name="client_messages"
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="client_messages"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ContactChannel.choices)
    to = models.CharField(_("sent to"), max_length=254)
    template = models.CharField(_("message"), max_length=32)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    status = models.CharField(
        _("delivery status"),
        max_length=16,
        choices=MessageStatus.choices,
        default=MessageStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker claimed it (casework.jobs lease): a claim older than the lease is retaken.
    claimed_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["referral", "-created_at"])]
        verbose_name = _("client message")
        verbose_name_plural = _("client messages")

    def __str__(self) -> str:
        return f"{self.template} {self.channel} {self.status}"


class ClientConfirmLink(models.Model):
    """The link in the confirmation message: one referral, one answer, then dead."""

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="client_confirm_link"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("confirmation link")
        verbose_name_plural = _("confirmation links")

    def __str__(self) -> str:
        return f"{self.referral_id} confirm"
