"""Input limits shared by every form, service, model and the admin (docs/validation.md).

One table of earliest and latest dates per kind of date, one length limit per kind of text,
ASCII digits only where a number is typed, no NUL bytes, and no bidirectional control
characters in names. Forms use the field classes below; models carry the same validators, so
services (``full_clean``) and the admin enforce them too.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# Dates -------------------------------------------------------------------------------------

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y"]
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
EARLIEST_RECORD = datetime.date(2000, 1, 1)  # nothing in Casebridge happened before this
CONSENT_MAX_YEARS = 5  # a consent may run at most this long after it was given


def _days_from_today(days: int) -> Callable[[datetime.date], datetime.date]:
    return lambda today: today + datetime.timedelta(days=days)


@dataclass(frozen=True)
class DateLimit:
    earliest: datetime.date
    latest: Callable[[datetime.date], datetime.date]  # from today's local date
    too_late: object = None  # a plainer message than the range, for "not in the future"


# The documented table (docs/validation.md repeats it). One day past today where a date is
# "today" in the navigator's time zone but may already be tomorrow somewhere else.
DATE_LIMITS: dict[str, DateLimit] = {
    "birth": DateLimit(
        EARLIEST_BIRTH, _days_from_today(0), _("The date of birth cannot be in the future.")
    ),
    "interview": DateLimit(
        EARLIEST_RECORD, _days_from_today(1), _("The interview date cannot be in the future.")
    ),
    "consent_given": DateLimit(EARLIEST_RECORD, _days_from_today(1)),
    # Expiry is also checked against the date given (at most CONSENT_MAX_YEARS later).
    "consent_expiry": DateLimit(EARLIEST_RECORD, _days_from_today(366 * CONSENT_MAX_YEARS + 1)),
    "report": DateLimit(EARLIEST_RECORD, _days_from_today(366)),
}


def date_bounds(
    kind: str, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    limit = DATE_LIMITS[kind]
    return limit.earliest, limit.latest(today or timezone.localdate())


def date_range_message(earliest: datetime.date, latest: datetime.date) -> str:
    return _("Enter a date from %(earliest)s to %(latest)s.") % {
        "earliest": date_format(earliest, "SHORT_DATE_FORMAT"),
        "latest": date_format(latest, "SHORT_DATE_FORMAT"),
    }


@deconstructible
class DateInRange:
    """Model and form validator: the date lies within ``DATE_LIMITS[kind]``."""

    def __init__(self, kind: str):
        if kind not in DATE_LIMITS:
            raise ValueError(f"unknown kind of date: {kind}")
        self.kind = kind

    def __call__(self, value):
        if value is None:
            return
        earliest, latest = date_bounds(self.kind)
        too_late = DATE_LIMITS[self.kind].too_late
        if value > latest and too_late:
            raise ValidationError(str(too_late), code="date_out_of_range")
        if not earliest <= value <= latest:
            raise ValidationError(date_range_message(earliest, latest), code="date_out_of_range")

    def __eq__(self, other):
        return isinstance(other, DateInRange) and other.kind == self.kind


def consent_expiry_latest(given_on: datetime.date) -> datetime.date:
    """The latest expiry allowed for a consent given on ``given_on``."""
    year = given_on.year + CONSENT_MAX_YEARS
    if year > datetime.MAXYEAR:  # a date the range check refuses anyway; never raise here
        return datetime.date.max
    if (given_on.month, given_on.day) == (2, 29):
        return datetime.date(year, 2, 28)
    return given_on.replace(year=year)


def consent_expiry_problem(given_on, expires_on) -> str | None:
    """What is wrong with a consent's expiry given when it was given (None if nothing)."""
    if not (given_on and expires_on):
        return None
    if expires_on < given_on:
        return str(_("The expiry date must be on or after the date consent was given."))
    latest = consent_expiry_latest(given_on)
    if expires_on > latest:
        return str(
            _("A consent can last at most %(years)s years: choose %(latest)s or earlier.")
            % {"years": CONSENT_MAX_YEARS, "latest": date_format(latest, "SHORT_DATE_FORMAT")}
        )
    return None


# Digits and control characters -------------------------------------------------------------

# Any non-ASCII character in a typed number: other scripts' digits (٣, ३), fullwidth (３) and
# superscripts (²), which int(), Decimal() and strptime() accept or refuse unevenly.
_NON_ASCII_DIGIT = re.compile(r"[^\x00-\x7f]")
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")


ROW_ID_MAX = 2**63 - 1  # the largest primary key a database holds (a bigint)
_ROW_ID = re.compile(r"[0-9]{1,19}")


def is_row_id(value) -> bool:
    """A value that can be a row's id: ASCII digits only ("²".isdigit() is true), within a
    bigint (SQLite cannot even bind a bigger number)."""
    text = str(value)
    return bool(_ROW_ID.fullmatch(text)) and int(text) <= ROW_ID_MAX


def ascii_digits_message():
    return _("Use the digits 0 to 9 only.")


def check_ascii_number(value: str) -> None:
    """Rejects typed numbers with any non-ASCII character (², ٣, ３ ...)."""
    if isinstance(value, str) and _NON_ASCII_DIGIT.search(value):
        raise ValidationError(ascii_digits_message(), code="non_ascii_digits")


def strip_bidi(value: str) -> str:
    """Removes bidirectional control characters (right-to-left override and the like), which
    can make a name read differently from how it sorts, searches and prints."""
    return _BIDI_RE.sub("", value or "")


def has_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


# Text lengths -----------------------------------------------------------------------------

TEXT_LIMITS = {
    "note": 5000,  # case notes, interview notes
    "reason": 2000,  # referral reason, note to the agency, a status change's note
    "short_note": 1000,  # why consent was revoked
}


def text_validators(kind: str) -> list:
    return [MaxLengthValidator(TEXT_LIMITS[kind])]


def text_problem(text: str, *, kind: str) -> str | None:
    """What is wrong with free text for a service (None if nothing): a NUL byte, or too long."""
    limit = TEXT_LIMITS[kind]
    if has_nul(text):
        return str(_("Null characters are not allowed."))
    if len(text or "") > limit:
        return str(
            _("Keep this to %(limit)s characters (it has %(count)s).")
            % {"limit": f"{limit:,}", "count": f"{len(text):,}"}
        )
    return None


def limit_help(limit: int, help_text="") -> str:
    limit_text = format_lazy(_("Up to {limit} characters."), limit=f"{limit:,}")
    if help_text:
        return format_lazy("{} {}", help_text, limit_text)
    return limit_text


# Form fields ------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    """A date picker; with ``kind`` set, it offers only the dates ``DATE_LIMITS`` allows
    (``min``/``max``, computed when drawn so "today" is today)."""

    input_type = "date"
    kind: str | None = None

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.kind:
            earliest, latest = date_bounds(self.kind)
            context["widget"]["attrs"].update(
                {"min": earliest.isoformat(), "max": latest.isoformat()}
            )
        return context


class BoundedDateField(forms.DateField):
    """A date within ``DATE_LIMITS[kind]``, typed with ASCII digits."""

    def __init__(self, *, kind: str, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)
        self.kind = kind
        self.validators.append(DateInRange(kind))
        if isinstance(self.widget, DateInput):
            self.widget.kind = kind

    def to_python(self, value):
        if has_nul(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        check_ascii_number(value)
        return super().to_python(value)


class AsciiIntegerField(forms.IntegerField):
    def to_python(self, value):
        check_ascii_number(value)
        return super().to_python(value)


class AsciiDecimalField(forms.DecimalField):
    def to_python(self, value):
        check_ascii_number(value)
        return super().to_python(value)


class LimitedTextField(forms.CharField):
    """Free text in a textarea, at most ``TEXT_LIMITS[kind]`` characters; the limit is in the
    help text and in the textarea's ``maxlength``."""

    def __init__(self, *, kind: str, rows: int = 3, help_text="", **kwargs):
        limit = TEXT_LIMITS[kind]
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=limit, help_text=limit_help(limit, help_text), **kwargs)


class NameField(forms.CharField):
    """A person's name: bidirectional control characters are removed."""

    def to_python(self, value):
        return strip_bidi(super().to_python(value))
