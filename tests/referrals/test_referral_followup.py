"""The daily follow-up job against a fixed clock: reminder after 2 business days, overdue after
5, nothing sent twice on a rerun; and the referral emails, each in its recipient's language."""

import datetime
import zoneinfo

import pytest
from django.core import mail

from referrals.models import PacketStatus, Referral
from referrals.services import add_business_days, referral_accept, referrals_follow_up
from referrals.tasks import referrals_follow_up_task
from tests.factories import UserFactory

from .referral_helpers import send

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
# Thursday 2026-11-05, 10:00 in San José.
SENT = datetime.datetime(2026, 11, 5, 10, 0, tzinfo=LA)


def at(day, hour=10, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=LA)


def test_business_days_skip_the_weekend():
    assert add_business_days(SENT, 2) == at(9)  # Thu -> Fri, (Sat, Sun), Mon
    assert add_business_days(SENT, 5) == at(12)  # Thu -> next Thu
    assert add_business_days(at(7), 1) == at(9)  # Saturday -> Monday


@pytest.fixture(autouse=True)
def _organization_addresses(personas):
    personas.agency_x.email = "intake@agency-x.example.org"
    personas.agency_x.save()
    personas.center_a.email = "front-desk@northside.example.org"
    personas.center_a.save()


@pytest.fixture
def waiting(personas, client_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(personas, client_a, now=SENT)
    mail.outbox.clear()
    return referral


def _run(now, capture):
    with capture(execute=True):
        return referrals_follow_up(now=now)


def test_reminder_after_two_business_days_then_overdue_after_five(
    personas, waiting, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # Saturday: only one business day (Friday) has passed.
    run = _run(at(7), capture)
    assert run.reminders == [] and run.overdue == [] and mail.outbox == []
    # Monday 09:59: still under two business days.
    assert _run(at(9, 9, 59), capture).reminders == []
    # Monday 10:00: the reminder goes to the agency (its address and its staff).
    run = _run(at(9), capture)
    assert run.reminders == [waiting.pk] and run.overdue == []
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([personas.partner_x.email, personas.agency_x.email])
    assert all("Reminder" in m.subject and waiting.reference_code in m.subject for m in mail.outbox)
    waiting.refresh_from_db()
    assert waiting.reminder_sent_at == at(9) and waiting.overdue_at is None
    # A rerun sends nothing twice.
    mail.outbox.clear()
    assert _run(at(9, 15), capture).reminders == []
    assert mail.outbox == []
    # Next Thursday 10:00 (5 business days): overdue, and the sending center is told.
    run = _run(at(12), capture)
    assert run.overdue == [waiting.pk] and run.reminders == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas.navigator_a.email, personas.center_a.email]
    )
    assert "Overdue" in mail.outbox[0].subject
    waiting.refresh_from_db()
    assert waiting.overdue_at == at(12) and waiting.is_overdue
    assert waiting.history.first().history_change_reason == "Marked overdue by the daily follow-up"
    mail.outbox.clear()
    assert _run(at(13), capture).overdue == [] and mail.outbox == []


def test_answered_referrals_get_no_reminder(personas, waiting, django_capture_on_commit_callbacks):
    referral_accept(referral=waiting, actor=personas.partner_x, now=at(6))
    mail.outbox.clear()
    run = _run(at(20), django_capture_on_commit_callbacks)
    assert run.reminders == [] and run.overdue == [] and mail.outbox == []


def test_the_task_uses_the_current_time(
    personas, waiting, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(12, 11))
    with django_capture_on_commit_callbacks(execute=True):
        result = referrals_follow_up_task.apply().get()
    assert result == {"reminders": 1, "overdue": 1}
    assert Referral.objects.get(pk=waiting.pk).overdue_at is not None


# Notifications -------------------------------------------------------------------------------


def test_new_referral_email_goes_to_the_agency_in_each_recipients_language(
    personas, client_a, django_capture_on_commit_callbacks
):
    personas.partner_x.language = "es"
    personas.partner_x.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(personas, client_a)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {personas.partner_x.email, personas.agency_x.email}
    spanish = by_recipient[personas.partner_x.email]
    english = by_recipient[personas.agency_x.email]
    assert referral.reference_code in spanish.subject and referral.reference_code in english.subject
    assert english.subject.startswith("New referral")
    assert spanish.extra_headers["Content-Language"] == "es"
    assert english.extra_headers["Content-Language"] == "en"
    # No client details in email.
    assert "Rosa" not in spanish.body and "Martinez" not in english.body
    from django.utils import translation

    with translation.override("es"):
        expected = translation.gettext("Reference")
    assert expected in spanish.body


def test_status_change_email_goes_to_the_sending_navigator_in_their_language(
    personas, client_a, django_capture_on_commit_callbacks
):
    personas.navigator_a.language = "vi"
    personas.navigator_a.save()
    referral = send(personas, client_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(referral=referral, actor=personas.partner_x, note="Calling her Monday")
    assert [m.to for m in mail.outbox] == [[personas.navigator_a.email]]
    message = mail.outbox[0]
    assert referral.reference_code in message.subject
    assert "Calling her Monday" in message.body
    assert message.extra_headers["Content-Language"] == "vi"
    from django.utils import translation

    with translation.override("vi"):
        note_label = translation.gettext("Note")
    assert note_label in message.body


def test_agency_address_without_a_user_gets_english(
    personas, client_a, django_capture_on_commit_callbacks
):
    from casework.models import Membership

    Membership.objects.filter(user=personas.partner_x).update(role="program_manager")
    with django_capture_on_commit_callbacks(execute=True):
        send(personas, client_a)
    assert [m.to for m in mail.outbox] == [[personas.agency_x.email]]
    assert mail.outbox[0].subject.startswith("New referral")


def test_inactive_staff_get_no_email(personas, client_a, django_capture_on_commit_callbacks):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        send(personas, client_a)
    assert "gone@example.org" not in [m.to[0] for m in mail.outbox]


def test_the_daily_job_is_scheduled_in_celery_beat(start_beat):
    from django_celery_beat.models import PeriodicTask

    start_beat()
    task = PeriodicTask.objects.get(name="referrals: daily follow-up (reminders, overdue)")
    assert task.task == referrals_follow_up_task.name and task.enabled
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("8", "0", "1-5")
    assert str(task.crontab.timezone) == "America/Los_Angeles"


def test_cancellation_is_told_to_the_agency_and_not_to_the_sender(
    personas, client_a, django_capture_on_commit_callbacks
):
    from referrals.services import referral_cancel

    referral = send(personas, client_a)
    with django_capture_on_commit_callbacks(execute=True):
        referral_cancel(referral=referral, actor=personas.navigator_a, note="Client moved")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([personas.partner_x.email, personas.agency_x.email])
    assert all("cancelled" in m.subject for m in mail.outbox)
    assert "Client moved" in mail.outbox[0].body


def test_follow_up_command_reports_what_it_did(personas, waiting, time_machine):
    from io import StringIO

    from django.core.management import call_command

    time_machine.move_to(at(9, 11))
    out = StringIO()
    call_command("referrals_follow_up", stdout=out)
    assert out.getvalue().strip() == "Reminders sent: 1; marked overdue: 0."
    out = StringIO()
    call_command("referrals_follow_up", stdout=out)
    assert out.getvalue().strip() == "Reminders sent: 0; marked overdue: 0."


def test_broker_down_still_sends_the_email_and_never_fails_the_send(
    personas, client_a, monkeypatch, django_capture_on_commit_callbacks
):
    from celery.app.task import Task

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(Task, "apply_async", broker_down)  # every task: emails and the packet
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(personas, client_a)
    saved = Referral.objects.get(pk=referral.pk)
    assert saved.packet_status == PacketStatus.PENDING  # left for the sweeper
    assert {m.to[0] for m in mail.outbox} == {personas.partner_x.email, personas.agency_x.email}
