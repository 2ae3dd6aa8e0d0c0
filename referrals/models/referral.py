"""Referrals and their lifecycle (statuses are the HL7 FHIR SDOH ``Task.status`` values).

A referral is never deleted; it is cancelled. Every status change is made by
``referrals.services`` (lock, check, write the event) and leaves a ``ReferralEvent``.
The referral row also carries its PDF packet's job state (the source of truth for that job).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from casework.validation import text_validators

from .directory import Program
from .links import ExternalActorHistory

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def new_reference_code() -> str:
    return "CB-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(7))


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    IN_PROGRESS = "in-progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


OPEN_STATUSES = (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)
CLOSED_STATUSES = (
    ReferralStatus.REJECTED,
    ReferralStatus.CANCELLED,
    ReferralStatus.COMPLETED,
    ReferralStatus.FAILED,
)


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Within a week")
    URGENT = "urgent", _("Urgent")


class RejectionReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Client is not eligible")
    NO_CAPACITY = "no_capacity", _("No capacity")
    OUT_OF_AREA = "out_of_area", _("Outside our service area")
    SERVICE_NOT_OFFERED = "service_not_offered", _("We do not offer this service")
    DUPLICATE = "duplicate", _("Duplicate referral")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    GOT_HELP = "got_help", _("Got help")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NO_CAPACITY = "no_capacity", _("No capacity")
    COULD_NOT_CONTACT = "could_not_contact", _("Could not contact")
    CLIENT_DECLINED = "client_declined", _("Client declined")
    OTHER = "other", _("Other")


class ClientOutcome(models.TextChoices):
    """What the client says happened, from the confirmation link (referrals/client_confirm.py)."""

    GOT_HELP = "got_help", _("I got help")
    STILL_WAITING = "still_waiting", _("I am still waiting")
    COULD_NOT_REACH = "could_not_reach", _("I could not reach them")
    DID_NOT_GO = "did_not_go", _("I did not go")


class DecidedBy(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    CLIENT = "client", _("Client")


class PacketStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to render")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def packet_upload_to(instance, filename: str) -> str:
    return f"packets/{instance.created_at:%Y/%m}/{instance.reference_code}/{filename}"


class ReferralDeletionError(Exception):
    """Referrals are never deleted; they are cancelled (referrals.services.referral_cancel)."""


class ReferralQuerySet(models.QuerySet):
    def delete(self):
        raise ReferralDeletionError("referrals are never deleted; cancel them instead")


class Referral(models.Model):
    reference_code = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_reference_code, editable=False
    )
    client = models.ForeignKey(
        "casework.Client", on_delete=models.PROTECT, related_name="referrals"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="referrals")
    # Copied from the program when sent: access and reports are scoped by it.
    agency = models.ForeignKey(
        "casework.Organization", on_delete=models.PROTECT, related_name="referrals_received"
    )
    sending_center = models.ForeignKey(
        "casework.Organization", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    consent = models.ForeignKey(
        "casework.Consent", on_delete=models.PROTECT, related_name="referrals"
    )
    intake = models.ForeignKey(
        "casework.IntakeInterview",
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
    )

    need_category = models.CharField(_("need"), max_length=32)  # casework Need value
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    reason = models.TextField(_("reason for referral"), validators=text_validators("reason"))
    note_to_agency = models.TextField(
        _("note to the agency"), blank=True, validators=text_validators("reason")
    )
    # The screening result the referral was based on: status, reasons, missing facts,
    # rule-set id and version, screening date (referrals.eligibility produces it).
    screening_snapshot = models.JSONField(default=dict, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=32, choices=RejectionReason.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices, blank=True)
    decided_by = models.CharField(
        _("decided by"), max_length=16, choices=DecidedBy.choices, blank=True
    )
    outcome_note = models.TextField(
        _("outcome note"), blank=True, validators=text_validators("reason")
    )
    # The colleague at the receiving agency working on it (referrals.services.referral_assign).
    # The client's own answer to the confirmation message (referrals/client_confirm.py).
    client_outcome = models.CharField(
        _("client-reported outcome"), max_length=32, choices=ClientOutcome.choices, blank=True
    )
    client_outcome_at = models.DateTimeField(_("client answered at"), null=True, blank=True)
    client_confirm_sent_at = models.DateTimeField(null=True, blank=True)
    client_follow_up_done_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_assigned",
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
    )

    # Follow-up (the daily reminder job)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    # The sending navigator's last "nudge" of the agency (at most one a day).
    last_nudged_at = models.DateTimeField(null=True, blank=True)

    # PDF packet job (the row is the source of truth)
    packet_status = models.CharField(
        _("packet"), max_length=16, choices=PacketStatus.choices, default=PacketStatus.PENDING
    )
    packet_language = models.CharField(max_length=8, blank=True)
    packet_client_file = models.FileField(upload_to=packet_upload_to, blank=True)
    packet_agency_file = models.FileField(upload_to=packet_upload_to, blank=True)
    packet_requested_at = models.DateTimeField(default=timezone.now)
    packet_started_at = models.DateTimeField(null=True, blank=True)
    packet_rendered_at = models.DateTimeField(null=True, blank=True)
    packet_attempts = models.PositiveSmallIntegerField(default=0)
    packet_error = models.TextField(blank=True)
    # What the agency copy shows (referrals.disclosure keys), logged with each download.
    packet_disclosed = models.JSONField(default=list, blank=True)

    history = HistoricalRecords(
        excluded_fields=["packet_started_at", "packet_attempts", "packet_requested_at"],
        bases=[ExternalActorHistory],
    )
    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "-created_at"]),
            models.Index(fields=["sending_center", "status", "-created_at"]),
            # The navigator dashboard's "awaiting a response": overdue first, then oldest.
            models.Index(
                fields=["sending_center", "status", "overdue_at", "created_at"],
                name="referral_awaiting_idx",
            ),
            models.Index(fields=["client", "-created_at"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["packet_status", "packet_requested_at"]),
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.reference_code

    def delete(self, *args, **kwargs):
        raise ReferralDeletionError("referrals are never deleted; cancel them instead")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def days_waiting(self) -> int | None:
        """Whole days since it was sent, while it is open (None once closed)."""
        if not self.is_open:
            return None
        return (timezone.localdate() - timezone.localdate(self.created_at)).days

    @property
    def client_name_shared(self) -> bool:
        """Whether the agency may see the client's name in lists: the consent covers contact
        details (the referral page itself follows the consent scope by scope)."""
        from casework.models.consent import ConsentScope

        return self.consent.covers(ConsentScope.CONTACT)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None and self.status == ReferralStatus.REQUESTED


class ReferralEvent(models.Model):
    """One status change, with who made it, when, and their note. Never edited."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    actor_organization = models.ForeignKey(
        "casework.Organization", on_delete=models.PROTECT, related_name="+", null=True
    )
    # The agency's address when it acted from an emailed answer link (no account, no actor).
    actor_email = models.EmailField(blank=True)
    note = models.TextField(blank=True, validators=text_validators("reason"))
    code = models.CharField(max_length=32, blank=True)  # rejection reason or outcome
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["referral", "at"]),
            # The navigator dashboard's "updates since your last visit": the recent events
            # first (a scan of every event at county scale, 150 ms).
            models.Index(fields=["at"], name="referral_event_at_idx"),
        ]
        verbose_name = _("referral status change")
        verbose_name_plural = _("referral status changes")

    def __str__(self) -> str:
        return f"{self.referral}: {self.from_status or '∅'} → {self.to_status}"


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    # The composite index below leads with the object, so it also serves the foreign key.
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE, db_index=False)

    class Meta(GroupObjectPermissionBase.Meta):
        # An index-only probe "does one of these groups hold this permission on this object"
        # per row, for visibility queries (issue 15).
        indexes = [
            models.Index(
                fields=["content_object", "permission", "group"], name="referral_gperm_obj_idx"
            )
        ]
