import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validation import DateInRange, consent_expiry_problem, text_validators
from .clients import Client
from .organizations import Organization

CONSENT_DEFAULT_DAYS = 365


class ConsentScope(models.TextChoices):
    """What a consent lets a partner agency see."""

    CONTACT = "contact", _("Contact details (phone, email, address)")
    DEMOGRAPHICS = "demographics", _("Demographics (date of birth, language, household)")
    INTAKE = "intake", _("Intake answers (income, benefits, needs)")
    NOTES = "notes", _("Notes")
    # Files a navigator attaches to a referral (photo ID, proof of address, income proof).
    DOCUMENTS = "documents", _("Documents attached to referrals")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written (signed form)")
    ELECTRONIC = "electronic", _("Electronic")


class ConsentQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(revoked_at__isnull=True, given_on__lte=day, expires_on__gte=day)

    def active(self):
        return self.active_on(timezone.localdate())

    def covering(self, organization):
        return self.filter(recipients=organization)


class Consent(models.Model):
    """A client's consent to share named information with named agencies, until a date."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    scopes = models.JSONField(_("information shared"), default=list)
    recipients = models.ManyToManyField(
        Organization,
        related_name="consents_received",
        verbose_name=_("agencies it may be shared with"),
        limit_choices_to={"kind": "partner_agency"},
    )
    method = models.CharField(
        _("how consent was given"), max_length=16, choices=ConsentMethod.choices
    )
    given_on = models.DateField(
        _("given on"), default=timezone.localdate, validators=[DateInRange("consent_given")]
    )
    expires_on = models.DateField(_("expires on"), validators=[DateInRange("consent_expiry")])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    revocation_note = models.TextField(
        _("revocation note"), blank=True, validators=text_validators("short_note")
    )

    history = HistoricalRecords(m2m_fields=[recipients])
    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("given_on")),
                name="consent_expires_after_given",
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.client} {self.given_on}–{self.expires_on}"

    def save(self, *args, **kwargs):
        if not self.expires_on and self.given_on:
            self.expires_on = self.given_on + datetime.timedelta(days=CONSENT_DEFAULT_DAYS)
        super().save(*args, **kwargs)

    def clean(self):
        given, expires = self.given_on, self.expires_on
        problem = consent_expiry_problem(given, expires)
        if problem:
            raise ValidationError({"expires_on": problem})

    def is_active_on(self, day: datetime.date) -> bool:
        return self.revoked_at is None and self.given_on <= day <= self.expires_on

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())

    def has_expired_on(self, day: datetime.date) -> bool:
        """Its last day (``expires_on``) is before ``day``."""
        return day > self.expires_on

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        today = timezone.localdate()
        if self.has_expired_on(today):
            return "expired"
        if today < self.given_on:
            return "future"
        return "active"

    def covers(self, scope: str) -> bool:
        return scope in (self.scopes or [])
