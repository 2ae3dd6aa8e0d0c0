from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Access-log rows are never changed or deleted."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("access log rows cannot be updated")

    def delete(self):
        raise AppendOnlyError("access log rows cannot be deleted")


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    SEARCH = "search", _("Searched")
    DISCLOSE = "disclose", _("Disclosed to partner")


class AccessLogEntry(models.Model):
    """One read of a protected record. Holds ids only, never client data.

    `client_id` is kept for client-centred reports (the disclosure report); `object_type` and
    `object_id` name what was read (a client, a referral, a packet).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    organization = models.ForeignKey(
        "casework.Organization", on_delete=models.PROTECT, related_name="+", null=True
    )
    client_id = models.BigIntegerField(null=True, db_index=True)
    object_type = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=16, choices=AccessAction.choices)
    # Which client fields a partner was shown (scope names), for disclosure reports.
    fields_disclosed = models.JSONField(default=list, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client_id", "-at"])]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M}"
        return f"{when} {self.user_id} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("access log rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("access log rows cannot be deleted")
