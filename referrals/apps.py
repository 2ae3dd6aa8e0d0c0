from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals and programs")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .seed import ensure_required_rows

        post_migrate.connect(ensure_required_rows, sender=self)
        post_migrate.connect(_ensure_access_window, sender=self)

        # Referrals on the client page, its timeline and the navigator dashboard.
        from casework.panels import (
            register_client_header_item,
            register_client_panel,
            register_dashboard_panel,
            register_timeline_source,
        )

        from . import receivers  # noqa: F401  (connects casework signals)
        from .eligibility.panel import suggestions_panel
        from .panels import (
            awaiting_response_panel,
            open_referrals_header_item,
            referral_timeline,
            referrals_panel,
        )

        # Open referrals first, then suggestions (what a navigator does most comes first).
        register_client_panel("referrals", referrals_panel, label=_("Referrals"))
        register_client_panel("suggestions", suggestions_panel, label=_("Program suggestions"))
        register_client_header_item("open_referrals", open_referrals_header_item)
        register_timeline_source("referrals", referral_timeline)
        from .views.worklist import updates_panel

        register_dashboard_panel("referrals_updates", updates_panel)
        register_dashboard_panel("referrals_awaiting", awaiting_response_panel)


def _ensure_access_window(sender, using="default", **kwargs) -> None:
    """SQLite loses the agency access window's columns or triggers when a migration rebuilds a
    table; put them back (referrals.access_window)."""
    from django.db import connections

    from .access_window import ensure_sqlite

    ensure_sqlite(connections[using])
