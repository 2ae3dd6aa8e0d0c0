"""The navigator's referral worklist at /referrals/, nudging an overdue agency, and the
dashboard's "updates since your last visit"."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from referrals.services.nudges import referral_nudge
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory, ProgramFactory
from tests.referrals.referral_helpers import move_to, send

pytestmark = pytest.mark.django_db

WORKLIST = reverse("referrals:worklist")


def _overdue(referral, days=6):
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days),
        status_changed_at=timezone.now() - datetime.timedelta(days=days),
        overdue_at=timezone.now() - datetime.timedelta(days=1),
    )
    referral.refresh_from_db()
    return referral


def _rows(body):
    return [
        line.split('data-reference="')[1].split('"')[0]
        for line in body.splitlines()
        if 'data-reference="' in line
    ]


def test_worklist_sorts_what_needs_attention_first_and_counts_statuses(client, personas, client_a):
    old_done = move_to(personas, send(personas, client_a), "completed")
    Referral.objects.filter(pk=old_done.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=30)
    )
    waiting = send(personas, client_a)
    accepted = move_to(personas, send(personas, client_a), "accepted")
    overdue = _overdue(send(personas, client_a))
    login(client, personas.navigator_a)
    body = client.get(WORKLIST).content.decode()
    assert _rows(body) == [
        overdue.reference_code,  # overdue
        accepted.reference_code,  # newly updated by the agency
        waiting.reference_code,  # awaiting a response
        old_done.reference_code,
    ]
    assert 'data-status="requested">Requested <span class="cb-count">2</span>' in body
    assert 'data-status="completed">Completed <span class="cb-count">1</span>' in body
    assert 'Overdue <span class="cb-count">1</span>' in body
    assert body.count("Nudge the agency") == 1


def test_worklist_filters(client, personas, client_a):
    other_program = ProgramFactory(agency=personas.agency_y, name="Tenant rights clinic")
    ConsentFactory(
        client=client_a, recorded_by=personas.navigator_a, recipients=[personas.agency_y]
    )
    mine = send(personas, client_a)
    legal = send(personas, client_a, program=other_program, need_category="legal")
    overdue = _overdue(send(personas, client_a))
    colleague = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    from casework import services
    from casework.models import Role
    from tests.factories import UserFactory

    nav2 = UserFactory(username="nav_a2")
    services.membership_create(user=nav2, organization=personas.center_a, role=Role.NAVIGATOR)
    ConsentFactory(client=colleague, recorded_by=nav2, recipients=[personas.agency_x])
    from referrals.services import referral_send

    theirs = referral_send(
        actor=nav2,
        client=colleague,
        program=mine.program,
        need_category="food",
        reason="Needs food.",
    )
    login(client, personas.navigator_a)
    assert set(_rows(client.get(WORKLIST).content.decode())) == {
        mine.reference_code,
        legal.reference_code,
        overdue.reference_code,
        theirs.reference_code,
    }
    assert _rows(client.get(WORKLIST, {"agency": personas.agency_y.pk}).content.decode()) == [
        legal.reference_code
    ]
    assert _rows(client.get(WORKLIST, {"program": other_program.pk}).content.decode()) == [
        legal.reference_code
    ]
    assert _rows(client.get(WORKLIST, {"overdue": "on"}).content.decode()) == [
        overdue.reference_code
    ]
    assert theirs.reference_code not in _rows(client.get(WORKLIST, {"mine": "on"}).content.decode())
    assert len(_rows(client.get(WORKLIST, {"mine": "on"}).content.decode())) == 3
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert _rows(client.get(WORKLIST, {"sent_after": future}).content.decode()) == []
    assert _rows(
        client.get(WORKLIST, {"status": "requested", "sent_before": future}).content.decode()
    )


@pytest.mark.parametrize("who", ["navigator_b", "partner_x", "manager", "outsider"])
def test_worklist_and_nudge_are_404_for_other_personas(client, personas, client_a, who):
    referral = _overdue(send(personas, client_a))
    login(client, getattr(personas, who))
    if who == "navigator_b":
        assert client.get(WORKLIST).status_code == 200
        assert referral.reference_code not in client.get(WORKLIST).content.decode()
    else:
        assert client.get(WORKLIST).status_code == 404
    assert (
        client.post(reverse("referrals:nudge", args=[referral.reference_code])).status_code == 404
    )
    referral.refresh_from_db()
    assert referral.last_nudged_at is None


def test_worklist_query_count_does_not_grow_with_referrals(
    client, personas, client_a, django_assert_num_queries
):
    _overdue(send(personas, client_a))
    login(client, personas.navigator_a)
    client.get(WORKLIST)
    with CaptureQueriesContext(connection) as one:
        client.get(WORKLIST)
    for _ in range(8):
        move_to(personas, send(personas, client_a), "accepted")
        _overdue(send(personas, client_a))
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(WORKLIST).content.decode()
    assert len(_rows(body)) == 17


def test_nudge_emails_the_agency_in_its_language_once_a_day(client, personas, client_a):
    personas.partner_x.language = "es"
    personas.partner_x.save()
    referral = _overdue(send(personas, client_a))
    mail.outbox.clear()
    login(client, personas.navigator_a)
    url = reverse("referrals:nudge", args=[referral.reference_code])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda fn, robust=False: fn())
        response = client.post(url, {"next": WORKLIST}, follow=True)
        assert "Reminder sent to Agency X Food Bank" in response.content.decode()
        to_partner = [m for m in mail.outbox if m.to == [personas.partner_x.email]]
        assert len(to_partner) == 1
        assert to_partner[0].extra_headers["Content-Language"] == "es"
        assert referral.reference_code in to_partner[0].subject
        referral.refresh_from_db()
        assert referral.last_nudged_at is not None
        last = referral.history.first()
        assert last.history_user == personas.navigator_a
        assert last.history_change_reason == "Agency nudged by the sending navigator"
        # A second nudge the same day: a clear message, no second email.
        sent = len(mail.outbox)
        response = client.post(url, {"next": WORKLIST}, follow=True)
        assert "was already nudged about this referral today" in response.content.decode()
        assert len(mail.outbox) == sent
    # The next day it may be nudged again.
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    referral_nudge(referral=referral, actor=personas.navigator_a, now=tomorrow)
    referral.refresh_from_db()
    assert referral.last_nudged_at == tomorrow


def test_a_referral_that_is_not_overdue_cannot_be_nudged(client, personas, client_a):
    referral = send(personas, client_a)
    login(client, personas.navigator_a)
    response = client.post(reverse("referrals:nudge", args=[referral.reference_code]), follow=True)
    assert "This referral is not overdue" in response.content.decode()
    referral.refresh_from_db()
    assert referral.last_nudged_at is None


def test_dashboard_shows_updates_since_the_last_visit(client, personas, client_a):
    from referrals.models import NavigatorVisit

    referral = send(personas, client_a)
    login(client, personas.navigator_a)
    body = client.get(reverse("casework:dashboard")).content.decode()
    assert "Updates since your last visit" in body
    # The previous visit was two hours ago; since then the agency accepted and completed one.
    NavigatorVisit.objects.filter(user=personas.navigator_a).update(
        last_at=timezone.now() - datetime.timedelta(hours=2)
    )
    move_to(personas, referral, "completed")
    body = client.get(reverse("casework:dashboard")).content.decode()
    updates = body[
        body.index('id="updates-heading"') : body.index(
            "</section>", body.index('id="updates-heading"')
        )
    ]
    assert updates.count(referral.reference_code) == 3  # accepted, in progress, completed
    assert "Got help" in updates
    assert "Rosa Martinez" in updates
    # The same visit (a reload) keeps showing them; nothing from before the last visit shows.
    assert referral.reference_code in client.get(reverse("casework:dashboard")).content.decode()
