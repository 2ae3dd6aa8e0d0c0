"""The program directory: programs run by partner agencies, at locations (HSDS 3.0 shaped)."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CapacityStatus(models.TextChoices):
    ACCEPTING = "accepting", _("Accepting referrals")
    WAITLIST = "waitlist", _("Waitlist")
    CLOSED = "closed", _("Closed")


# Languages an administrator can enter directory content in, besides English (the base value,
# and the one HSDS import/export carries).
DIRECTORY_LANGUAGES = ("es", "vi", "pa", "hi")


@dataclass(frozen=True)
class LocalizedText:
    """A piece of directory content and the language it is really in (``en`` on fallback)."""

    text: str
    language: str

    def __str__(self) -> str:
        return self.text


class TranslatableContent(models.Model):
    """Per-language copies of some text fields, in one ``translations`` JSON column:
    ``{"es": {"name": "...", "required_documents": "..."}, "vi": {...}}``.

    Why a column and not django-modeltranslation/django-parler: the English field stays the
    one every query, search, HSDS export and import uses (modeltranslation rewrites lookups on
    the field to the active language; parler moves the fields to another table), history
    records the translations with the row they belong to, and reading a program in any language
    costs no extra query. The admin shows one plain field per language and field
    (``referrals.admin_directory.TranslationsForm``).
    """

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_("The same text in other languages; empty means English is shown."),
    )

    class Meta:
        abstract = True

    def localized(self, field: str, language: str | None) -> LocalizedText:
        """``field`` in ``language`` when an administrator entered it, else the English."""
        return localized_text(self.translations, field, getattr(self, field), language)

    def clean(self):
        super().clean()
        translations = self.translations or {}
        if not isinstance(translations, dict):
            raise ValidationError({"translations": _("Enter the translations as an object.")})
        for language, fields in translations.items():
            if language not in DIRECTORY_LANGUAGES or not isinstance(fields, dict):
                raise ValidationError(
                    {"translations": _("Unknown language: %(code)s.") % {"code": language}}
                )
            for field, text in fields.items():
                if field not in self.TRANSLATED_FIELDS or not isinstance(text, str):
                    raise ValidationError(
                        {"translations": _("Unknown field: %(field)s.") % {"field": field}}
                    )


def localized_text(translations, field: str, english, language: str | None) -> LocalizedText:
    """``TranslatableContent.localized`` from the stored values alone (a row read with
    ``values_list``, no model instance)."""
    code = (language or "en").split("-")[0].lower()
    if code != "en":
        text = ((translations or {}).get(code) or {}).get(field) or ""
        if text.strip():
            return LocalizedText(text.strip(), code)
    return LocalizedText(english or "", "en")


class Location(TranslatableContent):
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
    # Two-letter code for US states; other directories' regions are kept as written.
    state_province = models.CharField(_("state"), max_length=100, default="CA")
    postal_code = models.CharField(_("ZIP code"), max_length=10)
    hours = models.TextField(_("hours"), blank=True)
    directions = models.TextField(
        _("directions"), blank=True, help_text=_("How to find the entrance, bus lines, parking.")
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    history = HistoricalRecords()

    TRANSLATED_FIELDS = ("hours", "directions")

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


class Program(TranslatableContent):
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
    # HSDS fields kept as published, for the directory and its export. Imported ages and
    # eligibility text also become a DRAFT rule set that an administrator reviews.
    eligibility_description = models.TextField(_("who is eligible (as published)"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    schedules = models.JSONField(
        _("opening times"),
        default=list,
        blank=True,
        help_text=_('HSDS 3.0 schedule objects, e.g. [{"description": "Mon–Fri 9–5"}].'),
    )
    cost_options = models.JSONField(
        _("cost options"),
        default=list,
        blank=True,
        help_text=_("HSDS 3.0 cost_option objects: option, amount, currency, dates."),
    )
    service_areas_other = models.JSONField(
        _("other service areas"),
        default=list,
        blank=True,
        help_text=_(
            "Imported service areas Casebridge cannot check (e.g. GeoJSON). They never make "
            "a client ineligible."
        ),
    )
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

    TRANSLATED_FIELDS = ("name", "description", "required_documents")

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

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "location"], name="one_service_at_location")
        ]

    def __str__(self) -> str:
        return f"{self.program} @ {self.location}"
