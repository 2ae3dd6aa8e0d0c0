"""Eligibility rules as data: rule sets with effective dates, criteria, poverty guidelines."""

from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from referrals.eligibility.catalogue import FACTS, Operator, criterion_problems

from .directory import Program


class PovertyGuideline(models.Model):
    """HHS poverty guideline (48 contiguous states and DC) for one year and household size.

    Rows hold sizes 1–8; a larger household adds the size-8 minus size-7 step per person,
    which is how HHS publishes the table ("for each additional person, add ...").
    """

    year = models.PositiveSmallIntegerField(_("year"))
    household_size = models.PositiveSmallIntegerField(_("household size"))
    annual_amount = models.PositiveIntegerField(_("annual amount (USD)"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "household_size"]
        constraints = [
            models.UniqueConstraint(fields=["year", "household_size"], name="one_guideline_row"),
            models.CheckConstraint(
                condition=Q(household_size__gte=1, household_size__lte=8),
                name="guideline_size_1_to_8",
            ),
        ]
        verbose_name = _("poverty guideline")
        verbose_name_plural = _("poverty guidelines")

    def __str__(self) -> str:
        return f"{self.year} · {self.household_size}: ${self.annual_amount:,}"


def annual_guideline(table: dict[int, int], household_size: int) -> int:
    """Annual guideline for any household size from one year's rows {size: amount} (1–8)."""
    if household_size <= 8:
        return table[household_size]
    step = table[8] - table[7]
    return table[8] + (household_size - 8) * step


def monthly_threshold(annual: int, percent) -> int:
    """Monthly income limit at ``percent`` of an annual guideline, in whole dollars.

    annual × percent / 100 / 12, rounded UP to the next whole dollar — the rounding SNAP uses
    (7 CFR 273.9(a)(3)), which reproduces the published CalFresh and SNAP tables.
    """
    exact = Decimal(annual) * Decimal(str(percent)) / Decimal(1200)
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


class RuleSet(models.Model):
    """The criteria a program used between two dates. Last year's rules stay reproducible."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="rule_sets", verbose_name=_("program")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective to"), null=True, blank=True, help_text=_("Last day; empty means open-ended.")
    )
    guideline_year = models.PositiveSmallIntegerField(
        _("poverty guideline year"),
        null=True,
        blank=True,
        help_text=_("Year of the poverty guideline that income percentages refer to."),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_draft = models.BooleanField(
        _("draft"),
        default=False,
        help_text=_(
            "A draft (e.g. from an HSDS import) does not affect screening. Review its "
            "criteria, then untick to approve it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="one_rule_set_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="rule_set_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["program", "effective_from"])]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "…"
        return f"{self.program} v{self.version} ({self.effective_from.isoformat()} – {end})"

    def clean(self) -> None:
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The last day is before the first day.")})
        if (
            self.guideline_year
            and not PovertyGuideline.objects.filter(year=self.guideline_year).exists()
        ):
            raise ValidationError(
                {
                    "guideline_year": _(
                        "No poverty guideline is loaded for %(year)s. Add it first."
                    )
                    % {"year": self.guideline_year}
                }
            )
        if self.program_id and self.effective_from and not self.is_draft:
            overlapping = RuleSet.objects.filter(
                program_id=self.program_id, is_draft=False
            ).exclude(pk=self.pk)
            if self.effective_to:
                overlapping = overlapping.filter(effective_from__lte=self.effective_to)
            overlapping = overlapping.filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
            )
            other = overlapping.first()
            if other is not None:
                raise ValidationError(
                    _("These dates overlap rule set %(other)s of the same program.")
                    % {"other": other}
                )

    def covers(self, day) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class Criterion(models.Model):
    """One test over a catalogue fact. Criteria sharing a non-empty ``any_of_group`` pass
    together when any one of them passes (e.g. "income ≤ 135% OR receives SNAP")."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    fact = models.CharField(
        _("fact"), max_length=40, choices=[(name, f.label) for name, f in FACTS.items()]
    )
    operator = models.CharField(_("operator"), max_length=16, choices=Operator.choices)
    value = models.JSONField(
        _("value"),
        help_text=_('JSON: 200, true, "rents", ["rents", "shelter"], [16, 24].'),
    )
    guideline_year = models.PositiveSmallIntegerField(
        _("poverty guideline year"),
        null=True,
        blank=True,
        help_text=_("Overrides the rule set's year for this criterion."),
    )
    any_of_group = models.CharField(
        _("any-of group"),
        max_length=40,
        blank=True,
        help_text=_("Criteria with the same group name pass if any one of them passes."),
    )
    explanation = models.TextField(_("explanation"))
    citation = models.CharField(
        _("citation"), max_length=500, help_text=_("Regulation or agency page the rule comes from.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["rule_set", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return f"{self.fact} {self.operator} {self.value}"

    def effective_guideline_year(self, rule_set: RuleSet | None = None) -> int | None:
        rule_set = rule_set or self.rule_set
        return self.guideline_year or rule_set.guideline_year

    def clean(self) -> None:
        # The admin attaches the (possibly unsaved) rule set being edited before validating.
        has_rule_set = self.rule_set_id or Criterion.rule_set.is_cached(self)
        year = self.guideline_year
        if not year and has_rule_set:
            year = self.rule_set.guideline_year
        problems = criterion_problems(
            fact=self.fact, operator=self.operator, value=self.value, guideline_year=year
        )
        if problems:
            raise ValidationError(problems)
        if (
            self.operator == Operator.LTE_FPL_PCT
            and not PovertyGuideline.objects.filter(year=year).exists()
        ):
            raise ValidationError(
                {
                    "guideline_year": _(
                        "No poverty guideline is loaded for %(year)s. Add it first."
                    )
                    % {"year": year}
                }
            )
        if not (self.citation or "").strip():
            raise ValidationError({"citation": _("Every rule needs a citation.")})
