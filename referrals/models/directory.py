"""The program directory: programs run by partner agencies, at locations (HSDS 3.0 shaped)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CapacityStatus(models.TextChoices):
    ACCEPTING = "accepting", _("Accepting referrals")
    WAITLIST = "waitlist", _("Waitlist")
    CLOSED = "closed", _("Closed")


class Location(models.Model):
    """A place where an agency delivers services (HSDS location + its physical address)."""

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "casework.Organization",
        on_delete=models.CASCADE,
        related_name="locations",
        limit_choices_to={"kind": "partner_agency"},
    )
    name = models.CharField(_("name"), max_length=200)
    address_1 = models.CharField(_("street address"), max_length=200)
    address_2 = models.CharField(_("suite, floor"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, default="San José")
    state_province = models.CharField(_("state"), max_length=2, default="CA")
    postal_code = models.CharField(_("ZIP code"), max_length=10)
    hours = models.TextField(_("hours"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name

    @property
    def one_line_address(self) -> str:
        parts = [
            self.address_1,
            self.address_2,
            self.city,
            f"{self.state_province} {self.postal_code}",
        ]
        return ", ".join(p for p in parts if p.strip())


class Program(models.Model):
    """A service an agency offers (HSDS service), with its eligibility rule sets."""

    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "casework.Organization",
        on_delete=models.PROTECT,
        related_name="programs",
        limit_choices_to={"kind": "partner_agency"},
        verbose_name=_("agency"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Values of casework.models.intake.Need
    need_categories = models.JSONField(_("need categories"), default=list, blank=True)
    # Language codes the program serves clients in (any code, e.g. "es", "zh")
    languages = models.JSONField(_("languages offered"), default=list, blank=True)
    # SNOMED CT code of the service (FHIR ServiceRequest.code in SDOH referrals), e.g.
    # 467771000124109 "Assistance with application for food pantry program".
    service_code = models.CharField(_("service code (SNOMED CT)"), max_length=32, blank=True)
    service_code_display = models.CharField(_("service code name"), max_length=200, blank=True)
    service_area_zips = models.JSONField(_("ZIP codes served"), default=list, blank=True)
    service_area_county = models.CharField(
        _("county served"), max_length=100, blank=True, help_text=_("Empty means no county limit.")
    )
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", related_name="programs", blank=True
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    required_documents = models.TextField(_("what to bring"), blank=True)
    cost = models.CharField(_("cost"), max_length=200, blank=True)
    capacity_status = models.CharField(
        _("capacity"),
        max_length=16,
        choices=CapacityStatus.choices,
        default=CapacityStatus.ACCEPTING,
    )
    last_verified_on = models.DateField(_("last verified"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Seeded example: verify before use.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["agency", "is_active"])]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE)
    location = models.ForeignKey(Location, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "location"], name="one_service_at_location")
        ]

    def __str__(self) -> str:
        return f"{self.program} @ {self.location}"
