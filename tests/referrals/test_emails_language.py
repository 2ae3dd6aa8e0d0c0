"""Every email goes in its recipient's language: each referral email and the weekly report
email, in each of es, vi, pa and hi (the wording is the catalogue's, not the English)."""

import datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail

from referrals.models import ReferralEvent, ReferralStatus
from referrals.services import notifications
from reports.models import ReportRun, RunKind, RunState

from .packet_helpers import make_referral

pytestmark = pytest.mark.django_db

LANGUAGES = ["es", "vi", "pa", "hi"]


def catalogue_text(language: str, msgid: str, **params) -> str:
    """The catalogue's translation of ``msgid`` with its placeholders filled in."""
    po = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
    )
    entry = po.find(msgid)
    assert entry is not None and entry.msgstr and "fuzzy" not in entry.flags, msgid
    return entry.msgstr % params if params else entry.msgstr


def _speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])


def _only_to(address):
    messages = [m for m in mail.outbox if m.to == [address]]
    assert len(messages) == 1, [m.to for m in mail.outbox]
    return messages[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_referral_emails_to_agency_staff_are_in_their_language(personas, language):
    _speaking(personas.partner_x, language)
    personas.agency_x.email = "intake@agency-x.example.org"
    personas.agency_x.save(update_fields=["email"])
    referral = make_referral(personas, language="en")
    code, program = referral.reference_code, referral.program.name

    notifications.notify_new_referral(referral.pk)
    notifications.notify_reminder(referral.pk)
    cancel = ReferralEvent.objects.create(
        referral=referral,
        from_status=ReferralStatus.REQUESTED,
        to_status=ReferralStatus.CANCELLED,
        actor=personas.navigator_a,
    )
    notifications.notify_status_change(cancel.pk)

    staff = [m for m in mail.outbox if m.to == [personas.partner_x.email]]
    assert [m.subject for m in staff] == [
        catalogue_text(
            language, "New referral %(code)s for %(program)s", code=code, program=program
        ),
        catalogue_text(
            language, "Reminder: referral %(code)s is waiting for your answer", code=code
        ),
        catalogue_text(language, "Referral %(code)s was cancelled", code=code),
    ]
    assert catalogue_text(language, "Client details are in Casebridge, not in this email.") in (
        staff[0].body
    )
    assert "Client details are in Casebridge" not in staff[0].body
    assert all(m.extra_headers["Content-Language"] == language for m in staff)
    # The agency's own address has no person to ask: English.
    agency = [m for m in mail.outbox if m.to == [personas.agency_x.email]]
    assert agency and all(m.extra_headers["Content-Language"] == "en" for m in agency)
    assert agency[0].subject == f"New referral {code} for {program}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_referral_emails_to_the_navigator_are_in_their_language(personas, language):
    _speaking(personas.navigator_a, language)
    referral = make_referral(personas, language="en")
    accepted = ReferralEvent.objects.create(
        referral=referral,
        from_status=ReferralStatus.REQUESTED,
        to_status=ReferralStatus.ACCEPTED,
        actor=personas.partner_x,
    )

    notifications.notify_status_change(accepted.pk)
    notifications.notify_overdue(referral.pk)

    status, overdue = [m for m in mail.outbox if m.to == [personas.navigator_a.email]]
    accepted_label = catalogue_text(language, "Accepted")
    assert status.subject == catalogue_text(
        language,
        "Referral %(code)s: %(status)s",
        code=referral.reference_code,
        status=accepted_label,
    )
    assert overdue.subject == catalogue_text(
        language, "Overdue: no answer on referral %(code)s", code=referral.reference_code
    )
    assert catalogue_text(language, "Reference") in overdue.body
    assert {
        status.extra_headers["Content-Language"],
        overdue.extra_headers["Content-Language"],
    } == {language}


@pytest.mark.parametrize("language", LANGUAGES)
def test_weekly_report_email_is_in_each_managers_language(personas, language):
    from reports import services

    _speaking(personas.manager, language)
    week = datetime.date(2026, 11, 9)
    run = ReportRun.objects.create(
        kind=RunKind.SCHEDULED,
        week_start=week,
        state=RunState.READY,
    )

    assert services.managers_notify(run_id=run.pk) == 1

    message = _only_to(personas.manager.email)
    assert message.subject == catalogue_text(
        language,
        "Weekly referral report for the week of %(week)s is ready",
        week="2026-11-09",
    )
    assert (
        catalogue_text(
            language,
            "Sign in to open it. Small counts are hidden and no client is named in the report.",
        )
        in message.body
    )
    assert message.extra_headers["Content-Language"] == language
