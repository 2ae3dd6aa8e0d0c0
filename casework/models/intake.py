"""Intake interviews: the facts eligibility screening needs.

Every question may be left unanswered. A null field means "not asked"; a False or an empty
list means the client answered "no" / "none". Screening treats "not asked" as unknown,
never as "no".
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validation import DateInRange, text_validators
from .choices import Language
from .clients import Client


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class IncomeSource(models.TextChoices):
    WAGES = "wages", _("Wages or salary")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment")
    UNEMPLOYMENT = "unemployment", _("Unemployment insurance")
    SOCIAL_SECURITY = "social_security", _("Social Security")
    SSI = "ssi", _("SSI")
    DISABILITY = "disability", _("Disability benefits (SSDI, SDI)")
    PENSION = "pension", _("Pension or retirement")
    CHILD_SUPPORT = "child_support", _("Child support or alimony")
    CALWORKS = "calworks", _("CalWORKs cash aid")
    VETERANS = "veterans", _("Veterans benefits")
    OTHER = "other", _("Other income")


class EmploymentStatus(models.TextChoices):
    FULL_TIME = "full_time", _("Employed full time")
    PART_TIME = "part_time", _("Employed part time")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Unemployed, looking for work")
    NOT_IN_LABOR_FORCE = "not_in_labor_force", _("Not working, not looking")
    RETIRED = "retired", _("Retired")
    UNABLE_TO_WORK = "unable_to_work", _("Unable to work")


class HousingStatus(models.TextChoices):
    OWNS = "owns", _("Owns home")
    RENTS = "rents", _("Rents")
    STAYING_WITH_OTHERS = "staying_with_others", _("Staying with family or friends")
    SHELTER = "shelter", _("In a shelter")
    UNSHELTERED = "unsheltered", _("Unsheltered (car, street)")
    AT_RISK = "at_risk", _("Facing eviction")
    OTHER = "other", _("Other")


class HealthInsurance(models.TextChoices):
    NONE = "none", _("No health insurance")
    MEDI_CAL = "medi_cal", _("Medi-Cal")
    MEDICARE = "medicare", _("Medicare")
    EMPLOYER = "employer", _("Through an employer")
    COVERED_CALIFORNIA = "covered_california", _("Covered California")
    OTHER = "other", _("Other insurance")


class Benefit(models.TextChoices):
    CALFRESH = "calfresh", _("CalFresh (SNAP)")
    MEDI_CAL = "medi_cal", _("Medi-Cal")
    SSI = "ssi", _("SSI")
    WIC = "wic", _("WIC")
    CALWORKS = "calworks", _("CalWORKs")
    LIFELINE = "lifeline", _("Lifeline")
    PUBLIC_HOUSING = "public_housing", _("Public housing or Section 8")
    VETERANS_PENSION = "veterans_pension", _("Veterans Pension")
    CARE = "care", _("PG&E CARE or FERA")
    UNEMPLOYMENT = "unemployment", _("Unemployment insurance")


class Need(models.TextChoices):
    FOOD = "food", _("Food")
    HEALTH = "health", _("Health care and coverage")
    HOUSING = "housing", _("Housing")
    DIGITAL_ACCESS = "digital_access", _("Digital access (device, internet)")
    JOBS = "jobs", _("Jobs and training")
    EDUCATION = "education", _("Education")
    CHILDCARE = "childcare", _("Childcare")
    LEGAL = "legal", _("Legal help")
    TRANSPORTATION = "transportation", _("Transportation")
    UTILITIES = "utilities", _("Utilities")
    MENTAL_HEALTH = "mental_health", _("Mental health")


class ImmigrationStatus(models.TextChoices):
    CITIZEN = "citizen", _("U.S. citizen")
    PERMANENT_RESIDENT = "permanent_resident", _("Lawful permanent resident")
    OTHER_LAWFUL = "other_lawful", _("Other lawful status")
    UNDOCUMENTED = "undocumented", _("No current status")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefers not to say")


class HouseholdImmigration(models.TextChoices):
    ALL_QUALIFYING = "all_qualifying", _("Everyone is a U.S. citizen or has a qualifying status")
    SOME_NOT_QUALIFYING = "some_not_qualifying", _("Some members have no qualifying status")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefers not to say")


class IntakeInterview(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="intakes")
    interview_date = models.DateField(
        _("interview date"), default=timezone.localdate, validators=[DateInRange("interview")]
    )
    navigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("navigator"),
    )
    language = models.CharField(
        _("interview language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.IN_PERSON
    )

    # Household and income
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    monthly_gross_income = models.DecimalField(
        _("monthly gross income (USD)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    income_sources = models.JSONField(_("income sources"), null=True, blank=True)
    client_monthly_income = models.DecimalField(
        _("client's own monthly income (USD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    hours_worked_per_week = models.PositiveSmallIntegerField(
        _("hours worked per week"), null=True, blank=True
    )
    employment_status = models.CharField(
        _("employment"), max_length=32, choices=EmploymentStatus.choices, blank=True
    )
    housing_status = models.CharField(
        _("housing"), max_length=32, choices=HousingStatus.choices, blank=True
    )
    health_insurance = models.CharField(
        _("health insurance"), max_length=32, choices=HealthInsurance.choices, blank=True
    )

    # Yes / no / not asked
    is_student = models.BooleanField(_("student"), null=True, blank=True)
    is_veteran = models.BooleanField(_("veteran"), null=True, blank=True)
    has_disability = models.BooleanField(_("disability"), null=True, blank=True)
    is_pregnant = models.BooleanField(_("pregnant"), null=True, blank=True)
    has_internet_at_home = models.BooleanField(_("internet at home"), null=True, blank=True)
    has_working_device = models.BooleanField(
        _("working computer or smartphone"), null=True, blank=True
    )
    is_tax_dependent = models.BooleanField(_("claimed as a tax dependent"), null=True, blank=True)
    is_college_half_time = models.BooleanField(
        _("enrolled in college at least half time"), null=True, blank=True
    )
    is_former_foster_youth = models.BooleanField(_("former foster youth"), null=True, blank=True)
    foster_care_exit_age = models.PositiveSmallIntegerField(
        _("age when foster care ended"), null=True, blank=True
    )
    household_has_elderly_or_disabled = models.BooleanField(
        _("someone in the household is 60+ or disabled"), null=True, blank=True
    )
    expected_babies = models.PositiveSmallIntegerField(_("babies expected"), null=True, blank=True)

    # Lists: null = not asked, [] = none
    children_ages = models.JSONField(_("children's ages"), null=True, blank=True)
    benefits_received = models.JSONField(_("benefits already received"), null=True, blank=True)
    needs = models.JSONField(_("needs"), null=True, blank=True)

    # Sensitive and optional: never required, never shared unless consent covers intake answers.
    immigration_status = models.CharField(
        _("immigration status (optional)"),
        max_length=32,
        choices=ImmigrationStatus.choices,
        blank=True,
    )
    household_immigration_status = models.CharField(
        _("household members' immigration status (optional)"),
        max_length=32,
        choices=HouseholdImmigration.choices,
        blank=True,
    )

    summary = models.TextField(_("interview notes"), blank=True, validators=text_validators("note"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-interview_date", "-id"]
        get_latest_by = ["interview_date", "id"]
        indexes = [
            models.Index(fields=["client", "-interview_date", "-id"]),
            # The navigator's latest interviews (the dashboard's "recently worked on").
            models.Index(fields=["navigator", "created_at"], name="casework_intake_by_navigator"),
        ]
        verbose_name = _("intake interview")
        verbose_name_plural = _("intake interviews")

    def __str__(self) -> str:
        return f"{self.client} {self.interview_date}"
