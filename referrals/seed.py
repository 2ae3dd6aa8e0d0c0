"""Rows the app needs in every database: the shipped poverty guidelines. (The beat schedules
are not rows to seed: beat writes CELERY_BEAT_SCHEDULE into its tables when it starts.)

A data migration creates them once; this ``post_migrate`` receiver ensures them after every
``migrate`` and every ``flush`` (as Django does for content types and permissions), so a
database emptied by a transactional test or by hand gets them back. Each step is idempotent.
"""

import importlib

from django.apps import apps as global_apps

_GUIDELINES_MIGRATION = "referrals.migrations.0003_poverty_guidelines_2025_2026"


def ensure_required_rows(sender, *, apps=global_apps, **kwargs) -> None:
    # ``migrate`` passes its state's registry; ``flush`` passes none.
    try:
        apps.get_model("referrals", "PovertyGuideline")
    except LookupError:  # migrated backwards past the tables: nothing to ensure
        return
    importlib.import_module(_GUIDELINES_MIGRATION).load(apps, None)
