from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import receivers  # noqa: F401  (referral events -> webhooks)
        from .schedule import ensure_required_rows

        post_migrate.connect(ensure_required_rows, sender=self)
