"""The daily follow-up: remind agencies that have not answered, escalate overdue referrals.

Rules (DESIGN.md): no response 2 business days after sending -> a reminder to the agency;
after 5 business days -> the referral is marked overdue and the sending center is told.
Business days are Monday to Friday in the project's time zone. Each step is claimed with a
conditional UPDATE on the row (``reminder_sent_at`` / ``overdue_at`` still empty), so a rerun,
or two runs at once, never send anything twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from referrals import tasks
from referrals.models import Referral, ReferralStatus

from . import notifications

REMINDER_AFTER_BUSINESS_DAYS = 2
OVERDUE_AFTER_BUSINESS_DAYS = 5


def add_business_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    """The same local time ``days`` business days (Mon–Fri) later; weekends do not count."""
    local = timezone.localtime(moment)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return datetime.datetime.combine(day, local.timetz())


@dataclass
class FollowUpRun:
    reminders: list[int]
    overdue: list[int]


def _claim(pk: int, field: str, now: datetime.datetime, reason: str) -> bool:
    """Stamps ``field`` if it is still empty and the referral still waits for an answer."""
    with transaction.atomic():
        claimed = Referral.objects.filter(
            pk=pk, status=ReferralStatus.REQUESTED, **{f"{field}__isnull": True}
        ).update(**{field: now})
        if not claimed:
            return False
        # Record the change in the referral's history (the UPDATE above bypasses it).
        referral = Referral.objects.get(pk=pk)
        referral._history_user = None
        referral._history_date = now
        referral._change_reason = reason
        referral.save(update_fields=[field])
        task = (
            tasks.notify_reminder_task if field == "reminder_sent_at" else tasks.notify_overdue_task
        )
        notifications.after_commit(task, pk)
    return True


def referrals_follow_up(*, now: datetime.datetime | None = None) -> FollowUpRun:
    """Sends due reminders and marks due referrals overdue, as of ``now``."""
    now = now or timezone.now()
    run = FollowUpRun(reminders=[], overdue=[])
    waiting = Referral.objects.filter(status=ReferralStatus.REQUESTED).order_by("created_at")
    steps = (
        (
            "reminder_sent_at",
            REMINDER_AFTER_BUSINESS_DAYS,
            run.reminders,
            "Reminder sent to the agency by the daily follow-up",
        ),
        (
            "overdue_at",
            OVERDUE_AFTER_BUSINESS_DAYS,
            run.overdue,
            "Marked overdue by the daily follow-up",
        ),
    )
    for field, days, done, reason in steps:
        # N business days are at least N calendar days: a cheap, indexed pre-filter.
        candidates = waiting.filter(
            **{f"{field}__isnull": True}, created_at__lte=now - datetime.timedelta(days=days)
        ).values_list("pk", "created_at")
        for pk, created_at in candidates.iterator():
            if add_business_days(created_at, days) <= now and _claim(pk, field, now, reason):
                done.append(pk)
    return run
