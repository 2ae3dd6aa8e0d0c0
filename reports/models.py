"""Weekly report runs. The row is the source of truth for the job:
pending -> running -> ready | failed (claimed with a conditional UPDATE, swept when stale)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.validation import DateInRange

from .histograms import CLOSE_FIELDS, RESPONSE_FIELDS


class RunState(models.TextChoices):
    PENDING = "pending", _("Waiting to start")
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class RunKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled (every Monday)")
    ON_DEMAND = "on_demand", _("On demand")


def report_upload_to(instance, filename: str) -> str:
    return (
        f"reports/{instance.week_start:%Y}/{instance.week_start:%Y-%m-%d}-{instance.pk}/{filename}"
    )


class ReportRun(models.Model):
    """One weekly outcome report (Monday to Sunday, local time) rendered as a PDF and a CSV."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=RunKind.choices, default=RunKind.ON_DEMAND
    )
    week_start = models.DateField(
        _("week starting"), validators=[DateInRange("report")]
    )  # a Monday
    state = models.CharField(
        _("state"), max_length=16, choices=RunState.choices, default=RunState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("requested by"),
    )  # null: the Monday schedule
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    pdf_file = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True)
    csv_file = models.FileField(_("CSV"), upload_to=report_upload_to, blank=True)
    managers_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["week_start"],
                condition=models.Q(kind="scheduled"),
                name="one_scheduled_report_per_week",
            )
        ]
        indexes = [models.Index(fields=["state", "requested_at"])]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")

    def __str__(self) -> str:
        return f"{self.week_start:%Y-%m-%d} ({self.get_state_display()})"

    @property
    def week_end(self):
        return self.week_start + datetime.timedelta(days=6)

    @property
    def is_finished(self) -> bool:
        return self.state in (RunState.READY, RunState.FAILED)


class Dimension(models.TextChoices):
    """How a weekly roll-up row is sliced (one slice at a time; ``all`` is everyone)."""

    ALL = "all", _("Everyone")
    LANGUAGE = "language", _("Client language")
    AGE_BAND = "age_band", _("Age band")
    ZIP = "zip", _("ZIP code")
    CENTER = "center", _("Community center")
    AGENCY = "agency", _("Agency")
    PROGRAM = "program", _("Program")
    NEED = "need", _("Need")
    # Device and connectivity referrals per program (the dashboard's digital-inclusion table).
    DIGITAL_PROGRAM = "digital_program", _("Digital-inclusion program")


class WeeklyRollup(models.Model):
    """Raw counts of the referrals sent in one week (Monday to Sunday, local time), for everyone
    or one slice. Kept by the system (``reports.rollups``): recomputed for the weeks a referral
    change touches, and nightly for recent weeks. Never shown unsuppressed.

    Beside the trend's counts, the rows the dashboard's long windows add up
    (``rollups.FULL_DIMENSIONS``) hold the status funnel, the outcomes of closed referrals,
    and fixed-bucket histograms of the times to first response and to close
    (``reports.histograms``: ``response_lt_<N>h`` counts the referrals answered in under N
    hours); on other slices those stay 0."""

    week_start = models.DateField()
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    key = models.CharField(max_length=64, blank=True)  # the slice's value ("" for everyone)
    sent = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    accepted_ever = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    got_help = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    response_hours_p50 = models.FloatField(null=True, blank=True)
    # Current status (the funnel).
    requested = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    # Outcomes of closed referrals (got_help above is the first of them).
    outcome_not_eligible = models.PositiveIntegerField(default=0)
    outcome_no_capacity = models.PositiveIntegerField(default=0)
    outcome_could_not_contact = models.PositiveIntegerField(default=0)
    outcome_client_declined = models.PositiveIntegerField(default=0)
    outcome_other = models.PositiveIntegerField(default=0)
    outcome_none = models.PositiveIntegerField(default=0)
    # Confirmed by the client (issue 13; reports.metrics.ClientConfirmation): asked, answered,
    # said they got help, and closed "got help" by the agency and confirmed by the client.
    client_asked = models.PositiveIntegerField(default=0)
    client_answered = models.PositiveIntegerField(default=0)
    client_said_got_help = models.PositiveIntegerField(default=0)
    client_confirmed = models.PositiveIntegerField(default=0)
    client_disagreed = models.PositiveIntegerField(default=0)  # answers contradicting the agency
    # The longest times, the upper end of the histograms' open last bucket.
    response_hours_max = models.FloatField(null=True, blank=True)
    close_hours_max = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key", "week_start"], name="one_rollup_per_week_and_slice"
            )
        ]
        indexes = [models.Index(fields=["week_start"])]
        verbose_name = _("weekly roll-up")
        verbose_name_plural = _("weekly roll-ups")

    def __str__(self) -> str:
        return f"{self.week_start:%Y-%m-%d} {self.dimension}={self.key}"


# The histogram columns (one count per bucket edge), named in ``reports.histograms``.
for _name in (*RESPONSE_FIELDS, *CLOSE_FIELDS):
    WeeklyRollup.add_to_class(_name, models.PositiveIntegerField(default=0))
del _name
