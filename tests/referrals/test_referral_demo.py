"""The demo city has referrals in every status over the last eight weeks, and reseeding adds
nothing."""

import datetime

from django.utils import timezone

from casework import demo as casework_demo
from referrals import demo as directory_demo
from referrals import demo_referrals
from referrals.models import Referral, ReferralEvent, ReferralStatus


def test_demo_referrals_cover_every_status_and_are_idempotent(
    db, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    # Rendering the packets is the packet job's business (tested there); skip it here for speed.
    from referrals.packets.tasks import packet_render_task

    monkeypatch.setattr(packet_render_task, "apply_async", lambda *args, **kwargs: None)
    city = casework_demo.seed_demo()
    directory_demo.seed_demo(city=city)
    with django_capture_on_commit_callbacks(execute=True):
        made = demo_referrals.seed_demo(city=city)
    assert made >= 14
    assert mailoutbox == []  # seeding sends no email
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    now = timezone.now()
    created = list(Referral.objects.values_list("created_at", flat=True))
    assert min(created) >= now - datetime.timedelta(weeks=8, days=1)
    assert max(created) - min(created) > datetime.timedelta(weeks=4)
    # Backdated status changes with notes; closed ones have outcomes.
    assert ReferralEvent.objects.filter(at__lt=now - datetime.timedelta(days=7)).exists()
    assert not Referral.objects.filter(status__in=["completed", "failed"], outcome="").exists()
    assert ReferralEvent.objects.exclude(note="").count() >= made
    assert Referral.objects.filter(status="requested", overdue_at__isnull=False).exists()
    # Partners opened the referrals they answered: the disclosure reports have rows.
    from casework.models import AccessLogEntry

    assert AccessLogEntry.objects.filter(action="disclose", object_type="referral").exists()
    # Again: nothing new.
    city = casework_demo.seed_demo()
    directory_demo.seed_demo(city=city)
    assert demo_referrals.seed_demo(city=city) == 0
    assert Referral.objects.count() == made
