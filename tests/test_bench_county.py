"""bench/county.py at a tiny scale: the grants are exactly those the product's services would
make (``check_access`` finds no difference), each referral's events lead to its status, and each
persona's main pages show seeded rows."""

import datetime
import io
import re
import statistics

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from bench import county
from casework.demo import demo_password
from casework.models import AccessLogEntry, Client, Consent, User
from referrals.access import referrals_received_by
from referrals.access_check import access_differences
from referrals.models import Referral, ReferralEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SCALE = 0.0005


@pytest.fixture
def county_personas():
    return county.seed(SCALE, in_transaction=True, out=lambda *args: None)


def test_county_seed_makes_what_the_product_makes(county_personas):
    sizes = county.Sizes.at(SCALE)
    assert Client.objects.count() == sizes.clients
    assert Consent.objects.count() == sizes.clients
    assert Referral.objects.count() == sizes.referrals
    assert AccessLogEntry.objects.count() >= sizes.access_log
    reads = set(AccessLogEntry.objects.values_list("object_type", "action").distinct())
    assert reads == {("client", "view"), ("referral", "disclose")}

    out = io.StringIO()
    call_command("check_access", stdout=out)
    assert "Access grants match their sources." in out.getvalue()
    assert access_differences() == []

    # Every referral's status history starts at "requested", each step starts where the one
    # before ended, and the last one ends at the referral's status.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM (
                SELECT r.id, r.status,
                       array_agg(e.from_status ORDER BY e.at, e.id) AS froms,
                       array_agg(e.to_status ORDER BY e.at, e.id) AS tos
                FROM referrals_referral r JOIN referrals_referralevent e ON e.referral_id = r.id
                GROUP BY r.id, r.status
            ) AS h
            WHERE froms[1] <> '' OR tos[1] <> 'requested' OR tos[array_length(tos, 1)] <> status
               OR froms[2:] <> tos[:array_length(tos, 1) - 1]
            """
        )
        assert cursor.fetchone()[0] == 0
        # Each client's kept intake flag (casework.intake_flag) says whether it has one.
        cursor.execute(
            "SELECT count(*) FROM casework_client c WHERE c.has_intake <> EXISTS "
            "(SELECT 1 FROM casework_intakeinterview i WHERE i.client_id = c.id)"
        )
        assert cursor.fetchone()[0] == 0
    assert ReferralEvent.objects.values("referral").distinct().count() == sizes.referrals
    assert Referral.history.count() == ReferralEvent.objects.count()

    # Uneven sizes: the biggest agency receives many times the median agency's referrals.
    received = sorted(
        Referral.objects.values("agency").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert received[-1] >= 5 * statistics.median(received)

    for persona in county_personas:
        assert User.objects.get(username=persona.username).check_password(demo_password())
    assert sorted(p.username for p in county_personas) == [
        "manager_county",
        "nav_county",
        "partner_county",
    ]


def test_each_persona_sees_seeded_rows(client, county_personas):
    navigator = User.objects.get(username="nav_county")
    center = navigator.memberships.get().organization
    client.force_login(navigator)
    page = client.get(reverse("casework:client_list")).content.decode()
    shown = set(map(int, re.findall(r'href="/clients/(\d+)/"', page)))
    assert len(shown) >= 10
    assert shown <= set(Client.objects.filter(center=center).values_list("pk", flat=True))
    some_client = Client.objects.filter(pk__in=shown, referrals__isnull=False).first()
    detail = client.get(reverse("casework:client_detail", args=[some_client.pk]))
    assert detail.status_code == 200
    assert some_client.referrals.first().reference_code in detail.content.decode()

    partner = User.objects.get(username="partner_county")
    client.force_login(partner)
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    codes = set(re.findall(r'href="/referrals/r/([A-Za-z0-9-]+)/"', inbox))
    visible = set(referrals_received_by(user=partner).values_list("reference_code", flat=True))
    assert len(codes) >= 5
    assert codes <= visible
    referral_page = client.get(reverse("referrals:detail", args=[sorted(codes)[0]]))
    assert referral_page.status_code == 200

    manager = User.objects.get(username="manager_county")
    client.force_login(manager)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    response = client.get(reverse("reports:dashboard"), {"start": start, "end": today})
    assert response.status_code == 200
    assert response.context["report"] is not None
    page = response.content.decode()
    biggest = partner.memberships.get().organization  # most referrals, so in the scorecard
    assert Referral.objects.filter(agency=biggest, created_at__date__gte=start).exists()
    assert biggest.name in page
