"""The receiving agency's access window (referrals/access_window.py): the database keeps it on
each referral whatever changes the consent or the referral, through a service, the ORM's bulk
update or a full save, so the partner's inbox follows the consent without a probe per row."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from casework.models import Consent
from casework.services import consent_revoke, consent_update
from referrals.access import referrals_received_by, referrals_visible_to
from referrals.models import Referral
from tests.factories import ClientFactory, ConsentFactory

from .referral_helpers import program_x, send

pytestmark = pytest.mark.django_db


def _window(referral) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT agency_access_from, agency_access_until FROM referrals_referral WHERE id = %s",
            [referral.pk],
        )
        row = cursor.fetchone()
    # SQLite returns the dates as text.
    return tuple(datetime.date.fromisoformat(str(v)) if v is not None else None for v in row)


def _partner_sees(personas, referral) -> bool:
    return referrals_received_by(user=personas.partner_x).filter(pk=referral.pk).exists()


@pytest.fixture
def referral(personas, client_a):
    return send(personas, client_a, program=program_x(personas))


def test_a_sent_referral_carries_its_consents_dates(personas, referral):
    consent = referral.consent
    assert _window(referral) == (consent.given_on, consent.expires_on)
    assert _partner_sees(personas, referral)


def test_revoking_through_the_service_closes_the_window(personas, referral):
    consent_revoke(actor=personas.navigator_a, consent=referral.consent, note="asked by phone")
    assert _window(referral) == (None, None)
    assert not _partner_sees(personas, referral)
    # The sending center still sees what it sent.
    assert referrals_visible_to(user=personas.navigator_a).filter(pk=referral.pk).exists()


def test_dropping_and_adding_the_agency_follows_the_recipients(personas, referral):
    consent = referral.consent
    consent_update(actor=personas.navigator_a, consent=consent, recipients=[personas.agency_y])
    assert _window(referral) == (None, None)
    assert not _partner_sees(personas, referral)
    consent.recipients.add(personas.agency_x)  # the M2M table itself, around the service
    assert _window(referral) == (consent.given_on, consent.expires_on)


def test_a_bulk_update_of_the_dates_moves_the_window(personas, referral):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Consent.objects.filter(pk=referral.consent_id).update(
        given_on=yesterday - datetime.timedelta(days=365), expires_on=yesterday
    )
    assert _window(referral)[1] == yesterday
    assert not _partner_sees(personas, referral)  # expired: the window ended yesterday
    later = timezone.localdate() + datetime.timedelta(days=30)
    Consent.objects.filter(pk=referral.consent_id).update(expires_on=later)
    assert _window(referral)[1] == later
    assert _partner_sees(personas, referral)
    # Given tomorrow: not open yet.
    Consent.objects.filter(pk=referral.consent_id).update(
        given_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    assert not _partner_sees(personas, referral)


def test_a_full_save_of_the_referral_keeps_the_window(personas, referral):
    """The columns are not model fields: a save() writes every field and leaves them alone."""
    referral = Referral.objects.get(pk=referral.pk)
    referral.reason = "Updated reason"
    referral.save()
    assert _window(referral) == (referral.consent.given_on, referral.consent.expires_on)
    assert _partner_sees(personas, referral)


def test_another_consent_on_the_referral_gives_its_window(personas, referral, client_a):
    other_client = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    narrow = ConsentFactory(
        client=other_client, recorded_by=personas.navigator_a, recipients=[personas.agency_y]
    )
    Referral.objects.filter(pk=referral.pk).update(consent=narrow)
    assert _window(referral) == (None, None)  # that consent does not name agency X
    assert not _partner_sees(personas, referral)


def test_a_subquery_reads_the_window_under_its_own_alias(personas, referral):
    """referrals_visible_to inside another query's IN (…): the window's columns are read from
    the sub-query's alias, not from the outer table's."""
    from referrals.models import ReferralEvent

    events = ReferralEvent.objects.filter(
        referral__in=referrals_received_by(user=personas.partner_x)
    )
    assert events.filter(referral=referral).exists()
    consent_revoke(actor=personas.navigator_a, consent=referral.consent)
    assert not events.filter(referral=referral).exists()
