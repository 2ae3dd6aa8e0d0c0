"""Two people acting on the same referral at once, on real PostgreSQL transactions: exactly one
wins and the other is told what happened (the row lock in referral_transition)."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from referrals.models import Referral, ReferralEvent
from referrals.services import ReferralActionError, referral_transition
from tests.factories import UserFactory

from .referral_helpers import send

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def colleague(personas):
    from casework.services import membership_create

    user = UserFactory(username="partner_x2", first_name="Lee", last_name="Wong")
    membership_create(user=user, organization=personas.agency_x, role="partner_staff")
    return user


def _race(jobs):
    """Runs each job in its own thread and database connection, started together."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", job())
        except ReferralActionError as exc:
            results[i] = ("refused", exc)
        finally:
            connection.close()
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("second_action", ["accept", "reject"])
def test_two_partners_answer_at_once_exactly_one_wins(personas, client_a, colleague, second_action):
    referral = send(personas, client_a)
    # Each thread holds the referral as it was loaded before anyone acted (status requested).
    stale_a = Referral.objects.get(pk=referral.pk)
    stale_b = Referral.objects.get(pk=referral.pk)
    results = _race(
        [
            lambda: referral_transition(
                referral=stale_a, actor=personas.partner_x, action="accept"
            ),
            lambda: referral_transition(
                referral=stale_b, actor=colleague, action=second_action, code="no_capacity"
            ),
        ]
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["ok", "refused"], results
    winner = next(value for kind, value in results if kind == "ok")
    refused = next(value for kind, value in results if kind == "refused")
    status_word = {"accepted": "accepted", "rejected": "rejected"}[winner.status]
    winner_name = "Priya Singh" if results[0][0] == "ok" else "Lee Wong"
    assert f"already {status_word} by {winner_name} (Agency X Food Bank)" in refused.messages[0]
    assert refused.code == "conflict"
    assert ReferralEvent.objects.filter(referral=referral).count() == 2  # sent + one answer
    assert Referral.objects.get(pk=referral.pk).status == winner.status


def test_the_second_waits_for_the_firsts_lock_and_is_told(personas, client_a, colleague):
    """Deterministic ordering: A takes the lock and holds it; B starts while A holds it, waits,
    and once A commits is told that A accepted it."""
    referral = send(personas, client_a)
    a_has_lock = threading.Event()
    release_a = threading.Event()
    results = {}

    def first():
        try:
            with transaction.atomic():
                results["a"] = referral_transition(
                    referral=referral, actor=personas.partner_x, action="accept"
                )
                a_has_lock.set()
                release_a.wait(timeout=10)
        finally:
            connection.close()

    def second():
        try:
            a_has_lock.wait(timeout=10)
            referral_transition(
                referral=referral, actor=colleague, action="reject", code="no_capacity"
            )
            results["b"] = "ok"
        except ReferralActionError as exc:
            results["b"] = exc
        finally:
            connection.close()

    ta, tb = threading.Thread(target=first), threading.Thread(target=second)
    ta.start()
    tb.start()
    a_has_lock.wait(timeout=10)
    tb.join(timeout=1)
    assert tb.is_alive(), "the second transaction must wait for the first one's row lock"
    release_a.set()
    ta.join(timeout=10)
    tb.join(timeout=10)
    assert results["a"].status == "accepted"
    assert isinstance(results["b"], ReferralActionError)
    assert "already accepted by Priya Singh (Agency X Food Bank)" in results["b"].messages[0]
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
