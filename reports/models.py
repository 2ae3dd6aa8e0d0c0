"""Weekly report runs. The row is the source of truth for the job:
pending -> running -> ready | failed (claimed with a conditional UPDATE, swept when stale)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.validation import DateInRange


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
