import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from ..validation import DateInRange, strip_bidi, text_validators
from .choices import Language
from .organizations import Organization


def normalize_name(value: str) -> str:
    """Lower-case, accent-free, single-spaced: what name search compares."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


class AdministrativeGender(models.TextChoices):
    """HL7 FHIR AdministrativeGender (what partner health systems exchange); optional."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Client(models.Model):
    """A resident served by a community center."""

    legal_first_name = models.CharField(_("legal first name"), max_length=100)
    legal_last_name = models.CharField(_("legal last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[DateInRange("birth")]
    )
    administrative_gender = models.CharField(
        _("administrative gender"),
        max_length=16,
        choices=AdministrativeGender.choices,
        blank=True,
        help_text=_("Optional. Only if the client wants it recorded (used in health exchanges)."),
    )
    phone = PhoneNumberField(_("phone"), blank=True, region="US")
    email = models.EmailField(_("email"), blank=True)
    address_line1 = models.CharField(_("street address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("apartment, unit"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True, default="San José")
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    center = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("community center"),
        limit_choices_to={"kind": "community_center"},
    )
    # Derived from the names on save; used by search (trigram on PostgreSQL).
    search_name = models.CharField(max_length=320, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_name", "updated_at"])

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "id"]
        indexes = [
            models.Index(fields=["center", "date_of_birth"]),
            models.Index(fields=["center", "phone"]),
            models.Index(fields=["center", "-updated_at"]),
            # The dashboard's "without an intake" (and its count): a center's clients from the
            # index, newest first, each probed for an intake, without reading their rows.
            models.Index(fields=["center", "id"], name="client_center_id_idx"),
            # The client list's order: lets a page be read from the index instead of a sort.
            models.Index(
                fields=["legal_last_name", "legal_first_name", "id"], name="client_name_order"
            ),
        ]
        permissions = []  # view/change/add/delete defaults are granted per object
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self._strip_names()
        self.search_name = normalize_name(
            f"{self.legal_first_name} {self.preferred_name} {self.legal_last_name}"
        )
        super().save(*args, **kwargs)

    def clean(self):
        self._strip_names()

    def _strip_names(self) -> None:
        for name in ("legal_first_name", "legal_last_name", "preferred_name"):
            setattr(self, name, strip_bidi(getattr(self, name)))

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}".strip()

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}".strip()

    def age_on(self, day) -> int | None:
        if not self.date_of_birth:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Relationship(models.TextChoices):
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


class HouseholdMember(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="household")
    name = models.CharField(_("name"), max_length=200, blank=True)
    relationship = models.CharField(_("relationship"), max_length=32, choices=Relationship.choices)
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[DateInRange("birth")]
    )
    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, help_text=_("If the date of birth is not known.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return self.name or self.get_relationship_display()

    def save(self, *args, **kwargs):
        self.name = strip_bidi(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        self.name = strip_bidi(self.name)

    def age_on(self, day) -> int | None:
        if self.date_of_birth:
            dob = self.date_of_birth
            return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        return self.age


class Note(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"), validators=text_validators("note"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The author's latest notes (the dashboard's "recently worked on").
        indexes = [models.Index(fields=["author", "created_at"], name="casework_note_by_author")]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"{self.author} {self.created_at:%Y-%m-%d}"
