from django.apps import AppConfig
from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from .rollups import referral_saved

        post_migrate.connect(_ensure_schedule, sender=self)
        post_save.connect(
            referral_saved, sender="referrals.Referral", dispatch_uid="reports.rollup_week"
        )


def _ensure_schedule(sender, *, apps=global_apps, **kwargs) -> None:
    """The weekly report and sweeper beat entries, after every migrate and flush (idempotent)."""
    from .schedule import ensure_periodic_tasks

    try:
        apps.get_model("django_celery_beat", "PeriodicTask")
        apps.get_model("reports", "ReportRun")
    except LookupError:
        return
    ensure_periodic_tasks(apps)
