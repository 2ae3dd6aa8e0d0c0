"""An expired consent ends the receiving agency's grant, not only its view.

Reads hide a referral from the agency from the day after its consent's last day (the access
window, tests/referrals/test_access_window.py). The nightly ``referrals_end_expired_access``
then removes the agency's grants, so an agency's grants stay as many as the referrals it may
still open (the inbox's grant check costs those, not every referral of past years). A consent
given a later end date grants again at once."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from casework.models import Consent
from casework.services import consent_update
from referrals.access_check import access_differences
from referrals.models import ReferralStatus
from referrals.models.referral import ReferralGroupObjectPermission
from referrals.services import referrals_end_expired_access
from referrals.tasks import referrals_end_expired_access_task
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory

from .referral_helpers import move_to, program_x, send

pytestmark = pytest.mark.django_db


def _grants(referral, group) -> set[str]:
    return set(
        ReferralGroupObjectPermission.objects.filter(
            content_object=referral, group=group
        ).values_list("permission__codename", flat=True)
    )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(personas, today):
    """Referrals to agency X under consents that ended yesterday, end today, end next month
    and end next year, and a completed one whose consent ended yesterday. Each is sent while its
    consent is active; then the consent's end date is set (a bulk update, as time passing)."""
    p = personas
    program = program_x(p)
    referrals = {}
    for name, expires_on in (
        ("ended_yesterday", today - datetime.timedelta(days=1)),
        ("ends_today", today),
        ("ends_next_month", today + datetime.timedelta(days=30)),
        ("ends_next_year", today + datetime.timedelta(days=365)),
        ("completed_then_ended", today - datetime.timedelta(days=1)),
    ):
        client = ClientFactory(center=p.center_a, created_by=p.navigator_a)
        consent = ConsentFactory(
            client=client,
            recipients=[p.agency_x],
            given_on=today - datetime.timedelta(days=300),
        )
        referrals[name] = send(p, client, program=program)
        if name == "completed_then_ended":
            referrals[name] = move_to(p, referrals[name], ReferralStatus.COMPLETED)
        Consent.objects.filter(pk=consent.pk).update(expires_on=expires_on)
    return referrals


def test_the_nightly_task_removes_the_agency_grants_of_expired_consents_only(
    personas, world, today
):
    agency_group, center_group = personas.agency_x.group, personas.center_a.group
    for referral in world.values():
        assert _grants(referral, agency_group) == {"view_referral", "change_referral"}

    assert referrals_end_expired_access(today=today) == 4  # two referrals, view and change

    for name in ("ended_yesterday", "completed_then_ended"):
        assert _grants(world[name], agency_group) == set(), name
    for name in ("ends_today", "ends_next_month", "ends_next_year"):
        assert _grants(world[name], agency_group) == {"view_referral", "change_referral"}, name
    # The sending center keeps its record of everything it sent.
    for referral in world.values():
        assert _grants(referral, center_group) == {"view_referral", "change_referral"}
    # Run again the same night: nothing more to remove.
    assert referrals_end_expired_access(today=today) == 0
    # The next day, the consent that ended "today" has ended too.
    assert referrals_end_expired_access(today=today + datetime.timedelta(days=1)) == 2
    assert _grants(world["ends_today"], agency_group) == set()


def test_the_partner_sees_nothing_change(client, personas, world):
    """Reads hid the expired referral already; after the grants go, the same pages answer the
    same, for the partner and for the navigator who sent it."""

    def statuses():
        seen = {}
        for who in (personas.partner_x, personas.navigator_a):
            login(client, who)
            for name, referral in world.items():
                url = reverse("referrals:detail", args=[referral.reference_code])
                seen[who.username, name] = client.get(url).status_code
            inbox = client.get(reverse("referrals:inbox")).content.decode()
            seen[who.username, "inbox"] = sorted(
                name for name, r in world.items() if r.reference_code in inbox
            )
        return seen

    before = statuses()
    assert before[personas.partner_x.username, "ended_yesterday"] == 404
    assert before[personas.partner_x.username, "ends_today"] == 200
    assert before[personas.partner_x.username, "inbox"] == [
        "ends_next_month",
        "ends_next_year",
        "ends_today",
    ]
    assert before[personas.navigator_a.username, "ended_yesterday"] == 200
    referrals_end_expired_access()
    assert statuses() == before


def test_a_consent_given_a_later_end_date_grants_again(client, personas, world, today):
    referral = world["ended_yesterday"]
    referrals_end_expired_access()
    url = reverse("referrals:detail", args=[referral.reference_code])
    login(client, personas.partner_x)
    assert client.get(url).status_code == 404
    # Another change to the expired consent (one more agency) does not bring the grant back.
    consent_update(
        actor=personas.navigator_a,
        consent=referral.consent,
        recipients=[personas.agency_x, personas.agency_y],
    )
    assert _grants(referral, personas.agency_x.group) == set()

    consent_update(
        actor=personas.navigator_a,
        consent=referral.consent,
        expires_on=today + datetime.timedelta(days=365),
    )
    assert _grants(referral, personas.agency_x.group) == {"view_referral", "change_referral"}
    assert client.get(url).status_code == 200
    assert access_differences() == []


def test_check_access_reports_an_expired_grant_until_the_task_has_run(personas, world):
    referral = world["ended_yesterday"]
    differences = [str(d) for d in access_differences()]
    assert len(differences) == 4, differences  # two referrals' view and change
    assert f"extra referral grant: view_referral on referral {referral.pk} for org:" in (
        " ".join(differences)
    )
    out = io.StringIO()
    call_command("check_access", "--fix", stdout=out)
    assert access_differences() == []
    assert _grants(referral, personas.agency_x.group) == set()


def test_beat_runs_the_task_every_night(personas, world):
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "referrals.end_expired_access"
    ]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert (schedule.hour, schedule.minute) == ({0}, {10})
    assert referrals_end_expired_access_task() == 4  # the service's work, today
    assert _grants(world["ended_yesterday"], personas.agency_x.group) == set()
    assert _grants(world["ends_today"], personas.agency_x.group) == {
        "view_referral",
        "change_referral",
    }
