"""Rows every database needs come back after a flush, as content types do (post_migrate)."""

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from referrals.models import PovertyGuideline


@pytest.mark.django_db(transaction=True)
def test_guidelines_and_beat_schedules_survive_a_flush():
    names_before = set(PeriodicTask.objects.values_list("name", flat=True))
    assert PovertyGuideline.objects.filter(year__in=[2025, 2026]).count() == 16
    assert len(names_before) >= 4  # follow-up, packet sweeper, weekly report, report sweeper

    call_command("flush", interactive=False, verbosity=0)

    assert PovertyGuideline.objects.filter(year__in=[2025, 2026]).count() == 16
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= names_before
