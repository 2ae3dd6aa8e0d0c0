"""Reporting periods: whole weeks (Monday to Sunday) or whole calendar months only.

Part of the disclosure-control rule (docs/metrics.md): a period that could end on any day
would let two reports a day apart differ by one day's referrals. A period asked for is widened
to whole months when it already starts on a 1st and ends on a month's last day, and to whole
weeks otherwise.
"""

from __future__ import annotations

import datetime

ONE_DAY = datetime.timedelta(days=1)


def is_whole_months(start: datetime.date, end: datetime.date) -> bool:
    return start.day == 1 and (end + ONE_DAY).day == 1


def is_whole_weeks(start: datetime.date, end: datetime.date) -> bool:
    return start.weekday() == 0 and end.weekday() == 6


def whole_period(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The smallest run of whole months (if the dates are month boundaries) or whole weeks
    holding ``start`` to ``end``."""
    if is_whole_months(start, end):
        return start, end
    return (
        start - datetime.timedelta(days=start.weekday()),
        end + datetime.timedelta(days=6 - end.weekday()),
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The 1st of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """How many calendar months a whole-month period covers."""
    return (end.year - start.year) * 12 + end.month - start.month + 1
