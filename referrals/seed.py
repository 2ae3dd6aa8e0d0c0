"""Rows the app needs in every database: the shipped poverty guidelines and the beat schedules.

Data migrations create them once; this ``post_migrate`` receiver ensures them after every
``migrate`` and every ``flush`` (as Django does for content types and permissions), so a
database emptied by a transactional test or by hand gets them back. Each step is idempotent.
"""

import importlib

from django.apps import apps as global_apps

from .packets.schedule import ensure_packet_periodic_tasks
from .schedule import ensure_follow_up_periodic_task

_GUIDELINES_MIGRATION = "referrals.migrations.0003_poverty_guidelines_2025_2026"


def ensure_required_rows(sender, *, apps=global_apps, **kwargs) -> None:
    # ``migrate`` passes its state's registry; ``flush`` passes none.
    try:
        apps.get_model("referrals", "PovertyGuideline")
        apps.get_model("django_celery_beat", "PeriodicTask")
    except LookupError:  # migrated backwards past the tables: nothing to ensure
        return
    importlib.import_module(_GUIDELINES_MIGRATION).load(apps, None)
    ensure_packet_periodic_tasks(apps)
    ensure_follow_up_periodic_task(apps)
