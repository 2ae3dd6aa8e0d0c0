"""How the program directory is published to other systems (the HSDS read API)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DirectoryPublishing(models.Model):
    """One row, edited in the admin. Without it (or with the box unticked) the HSDS API
    answers signed-in staff only; everyone else gets 404."""

    hsds_api_public = models.BooleanField(
        _("HSDS API open to the public"),
        default=False,
        help_text=_(
            "Lets anyone, without signing in, read the program directory at /hsds/ (services, "
            "organizations, locations; no client data), e.g. for a 211 to pull it."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("directory publishing")
        verbose_name_plural = _("directory publishing")

    def __str__(self) -> str:
        return str(_("Directory publishing"))

    @classmethod
    def hsds_api_is_public(cls) -> bool:
        return cls.objects.filter(pk=1, hsds_api_public=True).exists()
