from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validation import strip_bidi
from .choices import Language


class User(AbstractUser):
    """A staff member. Roles come from memberships, one per organization."""

    language = models.CharField(
        _("interface language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    phone = models.CharField(_("work phone"), max_length=40, blank=True)

    # Who changed an account, and its permissions; never the password hash, and a sign-in
    # (last_login) is not a change of the account.
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"], m2m_fields=["user_permissions"]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OrganizationKind(models.TextChoices):
    COMMUNITY_CENTER = "community_center", _("Community center")
    PARTNER_AGENCY = "partner_agency", _("Partner agency")
    CITY_OFFICE = "city_office", _("City office")


class AnswerChannel(models.TextChoices):
    """How a partner agency answers referrals (issue 13)."""

    PORTAL_AND_EMAIL = "portal_and_email", _("Portal, and a link in the email to its address")
    PORTAL = "portal", _("Portal only (staff accounts)")
    EMAIL_ONLY = "email_only", _("Email only (a link to its address, no accounts)")


class Organization(models.Model):
    """A community center, partner agency or city office.

    Each organization owns one Django group; object permissions (django-guardian) are granted
    to that group, and a membership puts the user in it.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organization", editable=False
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # A partner agency's contact address may answer a new referral from a signed link in the
    # email (referrals/links.py); "email only" sends the staff no email at all.
    answer_channel = models.CharField(
        _("answers referrals by"),
        max_length=20,
        choices=AnswerChannel.choices,
        default=AnswerChannel.PORTAL_AND_EMAIL,
    )
    # The id another directory (a 211's HSDS feed) gives this agency; re-imports match on it.
    hsds_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = strip_bidi(self.name)
        if not self.group_id:
            self.group, _created = Group.objects.get_or_create(name=f"org:{self.slug}")
        super().save(*args, **kwargs)

    def clean(self):
        self.name = strip_bidi(self.name)

    @property
    def is_center(self) -> bool:
        return self.kind == OrganizationKind.COMMUNITY_CENTER

    @property
    def is_agency(self) -> bool:
        return self.kind == OrganizationKind.PARTNER_AGENCY


class Role(models.TextChoices):
    NAVIGATOR = "navigator", _("Navigator")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    ORG_ADMIN = "org_admin", _("Organization administrator")


class Membership(models.Model):
    """A user's role at one organization. Create and end them with casework.services."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organization}"
