from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from .rollups import referral_saved

        post_save.connect(
            referral_saved, sender="referrals.Referral", dispatch_uid="reports.rollup_week"
        )
