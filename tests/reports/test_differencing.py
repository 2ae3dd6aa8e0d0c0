"""Reports resist differencing (docs/metrics.md): the attack from issue 9 (finding 5), replayed.

A manager who may run any report tries to recover a single referral by comparing two reports:
the same slice over windows a day apart, and neighbouring slices over the same window. Each
shown count only tells the attacker a range of possible true counts; the test works out every
hidden count consistent with both reports and asserts it is never pinned to one value.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from casework.models.intake import Need
from referrals.models import Referral, ReferralStatus
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory, ProgramFactory

from .conftest import WEEK, _referral, at

NEXT_MONDAY = WEEK + datetime.timedelta(days=7)


def possible_counts(text: str) -> set[int]:
    """Every true count that the rule shows as ``text``: "<5" is 0 to 4; a shown n is any
    count of at least 5 that rounds to n at base 5 (5 stands for 5 to 7, 10 for 8 to 12)."""
    if text == "<5":
        return set(range(5))
    n = int(text.replace(",", ""))
    if n == 5:
        return {5, 6, 7}  # 3 and 4 would round to 5 too, but they show as "<5"
    return {k for k in range(n - 2, n + 3) if (k + 2) // 5 * 5 == n}


def hidden_difference(smaller: str, larger: str) -> set[int]:
    """What the referrals in the larger query but not the smaller one could number."""
    return {b - a for a in possible_counts(smaller) for b in possible_counts(larger) if b >= a}


def test_the_counting_of_possibilities_would_catch_exact_counts():
    # Exact figures (the old rule) pin the difference down, so the test below can fail.
    assert hidden_difference("12", "13") == set()  # not a figure the rule can show
    assert hidden_difference("10", "15") == set(range(1, 10))
    assert hidden_difference("<5", "5") == set(range(1, 8))


@pytest.fixture
def attack_data(personas):
    """Agency X: 12 referrals in the week of 2026-11-09 and one on Monday 2026-11-16.
    Agency Y: one referral in that week, from the same center."""
    p = personas
    food = ProgramFactory(agency=p.agency_x, name="Food pantry", need_categories=[Need.FOOD])
    legal = ProgramFactory(agency=p.agency_y, name="Legal aid", need_categories=[Need.LEGAL])
    client = ClientFactory(center=p.center_a, created_by=p.navigator_a, zip_code="95112")
    ConsentFactory(client=client, recorded_by=p.navigator_a, recipients=[p.agency_x, p.agency_y])
    common = {"client": client, "center": p.center_a, "sender": p.navigator_a}
    rows = [
        _referral(
            program=food,
            sent=at(WEEK + datetime.timedelta(days=i % 7), 10),
            **common,
            status=ReferralStatus.REQUESTED,
        )
        for i in range(12)
    ]
    rows.append(
        _referral(program=food, sent=at(NEXT_MONDAY, 10), status=ReferralStatus.REQUESTED, **common)
    )
    rows.append(
        _referral(program=legal, sent=at(WEEK, 11), status=ReferralStatus.REQUESTED, **common)
    )
    Referral.objects.bulk_create(rows)
    return p


def sent_this_period(client, **params) -> str:
    response = client.get(reverse("reports:dashboard_csv"), params)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return next(r[6] for r in rows if r[:3] == ["Key figures", "Referrals sent", "This period"])


def csv_body(client, **params) -> bytes:
    return client.get(reverse("reports:dashboard_csv"), params).content


@pytest.mark.django_db
def test_windows_a_day_apart_reveal_no_single_referral(client, attack_data):
    login(client, attack_data.manager)
    agency = attack_data.agency_x.pk
    week = sent_this_period(client, start="2026-11-09", end="2026-11-15", agency=agency)
    day_later = sent_this_period(client, start="2026-11-09", end="2026-11-16", agency=agency)
    shifted = sent_this_period(client, start="2026-11-10", end="2026-11-16", agency=agency)
    # 12 and 13 referrals: the shown figures leave the extra day's count open.
    assert (week, day_later, shifted) == ("10", "15", "15")
    for smaller, larger in [(week, day_later), (week, shifted)]:
        assert len(hidden_difference(smaller, larger)) > 1
        assert 1 in hidden_difference(smaller, larger)  # the truth is among them, not singled out


@pytest.mark.django_db
def test_a_window_a_day_shorter_is_the_same_report(client, attack_data):
    """Periods are whole weeks: ending on Saturday instead of Sunday changes nothing."""
    login(client, attack_data.manager)
    agency = attack_data.agency_x.pk
    whole = csv_body(client, start="2026-11-09", end="2026-11-15", agency=agency)
    assert csv_body(client, start="2026-11-09", end="2026-11-14", agency=agency) == whole
    assert csv_body(client, start="2026-11-10", end="2026-11-15", agency=agency) == whole


@pytest.mark.django_db
def test_neighbouring_slices_reveal_no_single_referral(client, attack_data):
    login(client, attack_data.manager)
    week = {"start": "2026-11-09", "end": "2026-11-15"}
    everyone = sent_this_period(client, **week)  # 13: 12 to X, 1 to Y
    agency_x = sent_this_period(client, **week, agency=attack_data.agency_x.pk)
    center_a = sent_this_period(client, **week, center=attack_data.center_a.pk)
    zip_slice = sent_this_period(client, **week, zip_code="95112")
    assert (everyone, agency_x) == ("15", "10")
    assert len(hidden_difference(agency_x, everyone)) > 1  # Y's one referral stays hidden
    for neighbour in (center_a, zip_slice):
        assert len(hidden_difference(agency_x, neighbour)) > 1
