"""Rows every database needs come back after a flush, as content types do (post_migrate); the
beat schedule comes back when beat starts (it writes CELERY_BEAT_SCHEDULE into its tables)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from referrals.models import PovertyGuideline


@pytest.mark.django_db(transaction=True)
def test_guidelines_survive_a_flush_and_beat_restores_its_schedule(start_beat):
    assert PovertyGuideline.objects.filter(year__in=[2025, 2026]).count() == 16

    call_command("flush", interactive=False, verbosity=0)

    assert PovertyGuideline.objects.filter(year__in=[2025, 2026]).count() == 16
    assert not PeriodicTask.objects.filter(name__in=settings.CELERY_BEAT_SCHEDULE).exists()
    start_beat()
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert names >= set(settings.CELERY_BEAT_SCHEDULE)
    # follow-up, 4 sweepers, report, roll-ups, client confirmations, end of expired grants
    assert len(settings.CELERY_BEAT_SCHEDULE) == 9
