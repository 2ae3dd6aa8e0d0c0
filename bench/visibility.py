"""Visibility benchmark (issue 15): the partner's and the navigator's visibility queries at two
county sizes, before (guardian's ``IN ... OR IN ...``) and after (index-shaped), with plans.

    .venv/bin/python bench/visibility.py [--clients 200000 --referrals 1000000] [--reseed]
    make bench-visibility

Uses its own database (BENCH_VISIBILITY_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/cb_vis_bench). Clients, consents and referrals come from
bench/reports.py's bulk loader; this script adds what visibility reads: consent recipients (a
few removed by an edit), revoked and expired consents, and guardian grants on every client
(its center's group) and referral (the sending center's group, and the agency's group unless
cancelled or revoked), then personas: a navigator at one center, partner staff at the busiest
and at a quiet agency. Prints the median time of each query and the top of its plan; with
--explain DIR writes every EXPLAIN (ANALYZE, BUFFERS) there. The goal: the "after" times stay
flat when the county grows tenfold (they cost what the user's own rows cost).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

os.environ["BENCH_DATABASE_URL"] = os.environ.get(
    "BENCH_VISIBILITY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cb_vis_bench"
)
import reports as seeding  # noqa: E402  (bench/reports.py: sets DATABASE_URL for this process)

# Clients gained a required administrative_gender after bench/reports.py's loader was written.
if "administrative_gender" not in seeding.CLIENTS_SQL:
    seeding.CLIENTS_SQL = seeding.CLIENTS_SQL.replace(
        "created_at, updated_at, created_by_id, center_id)",
        "created_at, updated_at, created_by_id, center_id, administrative_gender)",
    ).replace("[1 + i %% %(n_centers)s]\n", "[1 + i %% %(n_centers)s], ''\n")

GRANTS_SQL = """
INSERT INTO {table} (content_object_id, group_id, permission_id)
SELECT x.id, o.group_id, p.id
FROM {source} x
JOIN casework_organization o ON o.id = x.{org_column}
CROSS JOIN (SELECT p.id FROM auth_permission p JOIN django_content_type t
            ON t.id = p.content_type_id
            WHERE t.app_label = %(app)s AND p.codename = ANY(%(codenames)s)) p
{where}
"""


def seed_access(cursor) -> None:
    """Recipients, revocations, expiries and guardian grants for the bench rows (idempotent)."""
    cursor.execute("SELECT count(*) FROM referrals_referralgroupobjectpermission")
    if cursor.fetchone()[0]:
        print("reusing the bench grants")
        return
    started = time.perf_counter()
    bench_clients = "(SELECT id FROM casework_client WHERE legal_first_name = 'Bench')"
    cursor.execute(
        f"UPDATE casework_consent SET revoked_at = now(), revocation_note = 'bench' "
        f"WHERE client_id % 33 = 0 AND client_id IN {bench_clients}"
    )
    cursor.execute(
        f"UPDATE casework_consent SET expires_on = current_date - 1 "
        f"WHERE client_id % 20 = 1 AND client_id IN {bench_clients}"
    )
    # The consent names the agencies its client was referred to, less a few an edit removed.
    cursor.execute(
        "INSERT INTO casework_consent_recipients (consent_id, organization_id) "
        "SELECT DISTINCT consent_id, agency_id FROM referrals_referral "
        "WHERE reference_code LIKE 'BN%' AND (consent_id + agency_id) % 101 <> 0 "
        "ON CONFLICT DO NOTHING"
    )
    with seeding.bulk_load(cursor, "casework_clientgroupobjectpermission"):
        cursor.execute(
            GRANTS_SQL.format(
                table="casework_clientgroupobjectpermission",
                source="casework_client",
                org_column="center_id",
                where="WHERE x.legal_first_name = 'Bench'",
            ),
            {"app": "casework", "codenames": ["view_client", "change_client"]},
        )
    perms = {"app": "referrals", "codenames": ["view_referral", "change_referral"]}
    with seeding.bulk_load(cursor, "referrals_referralgroupobjectpermission"):
        cursor.execute(
            GRANTS_SQL.format(
                table="referrals_referralgroupobjectpermission",
                source="referrals_referral",
                org_column="sending_center_id",
                where="WHERE x.reference_code LIKE 'BN%%'",
            ),
            perms,
        )
        cursor.execute(
            GRANTS_SQL.format(
                table="referrals_referralgroupobjectpermission",
                source="referrals_referral",
                org_column="agency_id",
                where="JOIN casework_consent k ON k.id = x.consent_id "
                "WHERE x.reference_code LIKE 'BN%%' AND x.status <> 'cancelled' "
                "AND k.revoked_at IS NULL AND EXISTS (SELECT 1 FROM casework_consent_recipients "
                "r WHERE r.consent_id = x.consent_id AND r.organization_id = x.agency_id)",
            ),
            perms,
        )
    cursor.execute("VACUUM (ANALYZE) casework_consent, casework_consent_recipients")
    print(f"seeded recipients and grants in {time.perf_counter() - started:.1f}s")


FIXED_ROWS = 400  # the fixed-size personas' own referrals (and the navigator's clients)

FIXED_AGENCY_SQL = """
WITH moved AS (
    UPDATE referrals_referral SET agency_id = %(org)s
    WHERE id IN (SELECT id FROM referrals_referral WHERE reference_code LIKE 'BN%%'
                 AND id %% %(step)s = 0 ORDER BY id LIMIT %(rows)s)
    RETURNING id, consent_id, status
), recipients AS (
    INSERT INTO casework_consent_recipients (consent_id, organization_id)
    SELECT DISTINCT consent_id, %(org)s FROM moved ON CONFLICT DO NOTHING
), dropped AS (
    DELETE FROM referrals_referralgroupobjectpermission g USING casework_organization o
    WHERE g.content_object_id IN (SELECT id FROM moved) AND o.group_id = g.group_id
      AND o.kind = 'partner_agency'
)
INSERT INTO referrals_referralgroupobjectpermission (content_object_id, group_id, permission_id)
SELECT m.id, %(group)s, p.id FROM moved m
JOIN casework_consent k ON k.id = m.consent_id
CROSS JOIN (SELECT p.id FROM auth_permission p JOIN django_content_type t
            ON t.id = p.content_type_id WHERE t.app_label = 'referrals'
            AND p.codename IN ('view_referral', 'change_referral')) p
WHERE m.status <> 'cancelled' AND k.revoked_at IS NULL
"""

FIXED_CENTER_SQL = """
WITH moved AS (
    UPDATE casework_client SET center_id = %(org)s
    WHERE id IN (SELECT id FROM casework_client WHERE legal_first_name = 'Bench'
                 AND id %% %(step)s = 0 ORDER BY id LIMIT %(rows)s)
    RETURNING id
), client_grants AS (
    UPDATE casework_clientgroupobjectpermission SET group_id = %(group)s
    WHERE content_object_id IN (SELECT id FROM moved)
), sent AS (
    UPDATE referrals_referral r SET sending_center_id = %(org)s
    WHERE r.client_id IN (SELECT id FROM moved)
    RETURNING r.id, r.agency_id
)
UPDATE referrals_referralgroupobjectpermission g SET group_id = %(group)s
FROM sent s, casework_organization a
WHERE g.content_object_id = s.id AND a.id = s.agency_id AND g.group_id <> a.group_id
"""


def personas(n_clients: int, n_referrals: int):
    from django.db import connection
    from django.db.models import Count

    from casework import services
    from casework.models import Organization, OrganizationKind, Role, User
    from referrals.models import Referral

    def member(username, org, role):
        # One user per organization: a rerun that picks another busiest agency gets a new one.
        user, _ = User.objects.get_or_create(username=f"{username}_{org.pk}")
        services.membership_create(user=user, organization=org, role=role)
        return User.objects.get(pk=user.pk)

    by_agency = (
        Referral.objects.filter(reference_code__startswith="BN")
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "agency_id")
    )
    busiest = by_agency.first()["agency_id"]
    quiet = by_agency.last()["agency_id"]
    # The same own rows at every county size: an agency receiving FIXED_ROWS referrals and a
    # center with FIXED_ROWS clients, carved out of the bench rows (grants moved with them).
    fixed_agency = Organization.objects.filter(slug="bench-fixed-agency").first()
    if fixed_agency is None:
        fixed_agency = services.organization_create(
            name="Bench Fixed Agency",
            slug="bench-fixed-agency",
            kind=OrganizationKind.PARTNER_AGENCY,
        )
        fixed_center = services.organization_create(
            name="Bench Fixed Center",
            slug="bench-fixed-center",
            kind=OrganizationKind.COMMUNITY_CENTER,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                FIXED_AGENCY_SQL,
                {
                    "org": fixed_agency.pk,
                    "group": fixed_agency.group_id,
                    "step": max(1, n_referrals // FIXED_ROWS),
                    "rows": FIXED_ROWS,
                },
            )
            cursor.execute(
                FIXED_CENTER_SQL,
                {
                    "org": fixed_center.pk,
                    "group": fixed_center.group_id,
                    "step": max(1, n_clients // (FIXED_ROWS // 5)),
                    "rows": FIXED_ROWS // 5,
                },
            )
            cursor.execute("ANALYZE")
    fixed_center = Organization.objects.get(slug="bench-fixed-center")
    return {
        "navigator": member(
            "bench_nav", Organization.objects.get(slug="bench-center-000"), Role.NAVIGATOR
        ),
        "navigator_fixed": member("bench_nav_fixed", fixed_center, Role.NAVIGATOR),
        "partner_busiest": member(
            "bench_partner_big", Organization.objects.get(pk=busiest), Role.PARTNER_STAFF
        ),
        "partner_quiet": member(
            "bench_partner_small", Organization.objects.get(pk=quiet), Role.PARTNER_STAFF
        ),
        "partner_fixed": member("bench_partner_fixed", fixed_agency, Role.PARTNER_STAFF),
    }


def old_formulation():
    """Today's formulation before issue 15 (guardian's get_objects_for_user): the same
    reference the same-rows test holds the new queries to."""
    from casework.access import AccessLevel
    from tests.visibility_reference import reference_clients, reference_referrals

    def clients_visible_to(*, user, level=1):
        return reference_clients(user, AccessLevel.VIEW if level == 1 else AccessLevel.EDIT)

    def referrals_visible_to(*, user):
        return reference_referrals(user)

    return clients_visible_to, referrals_visible_to


def run(fn, connection, repeat, explain_to=None, count=False):
    from django.db.models import QuerySet

    qs = fn()
    if not isinstance(qs, QuerySet):  # a selector that evaluates itself
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times), "(evaluated by the selector)"
    if count:
        sql, params = qs.query.sql_with_params()
        sql = f"SELECT count(*) FROM ({sql}) c"
    else:
        sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append(time.perf_counter() - t)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    if explain_to:
        explain_to.write_text(plan + "\n")
    return statistics.median(times), plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", type=Path, help="directory for the full plans")
    args = parser.parse_args()

    seeding.N_CLIENTS = args.clients
    seeding.ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from referrals import access as referral_access

    print(f"database: {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    manager = seeding.seed_directory()
    seeding.seed_referrals(args.referrals, manager, reseed=args.reseed)
    with connection.cursor() as cursor:
        if args.reseed:
            cursor.execute("TRUNCATE referrals_referralgroupobjectpermission")
            cursor.execute("DELETE FROM casework_clientgroupobjectpermission")
        seed_access(cursor)
    people = personas(args.clients, args.referrals)
    from django.db.models import Q

    from referrals.models import Referral

    counts = {
        name: Referral.objects.filter(
            Q(agency__memberships__user=user) | Q(sending_center__memberships__user=user)
        ).count()
        for name, user in people.items()
    }
    print(f"{Referral.objects.count():,} referrals; each persona's own: {counts}")
    old_clients, old_referrals = old_formulation()
    new_referrals = referral_access.referrals_visible_to
    print(f"{'query':45} {'before':>10} {'after':>10}")
    variants = {
        label: dict(
            queries_patched(people, label == "before", old_clients, new_referrals, old_referrals)
        )
        for label in ("before", "after")
    }
    for name in variants["after"]:
        results = {}
        for label in ("before", "after"):
            out = None
            if args.explain:
                args.explain.mkdir(parents=True, exist_ok=True)
                slug = "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")
                out = args.explain / f"{slug}.{label}.txt"
            results[label] = run(
                variants[label][name], connection, args.repeat, out, count=name.endswith("count")
            )
        print(f"{name:45} {results['before'][0] * 1000:8.1f}ms {results['after'][0] * 1000:8.1f}ms")
    return 0


def queries_patched(people, before, old_clients, new_referrals, old_referrals):
    """``queries`` with the old or the new formulation wired in explicitly."""
    from casework import access as casework_access
    from casework import selectors as casework_selectors
    from referrals import access, selectors

    clients = old_clients if before else casework_access.clients_visible_to
    visible = old_referrals if before else new_referrals

    def received(*, user):
        return visible(user=user).filter(agency__in=casework_access.agencies_of(user))

    def sent(*, user):
        return visible(user=user).filter(sending_center__in=casework_access.centers_of(user))

    nav = people["navigator"]
    big = people["partner_busiest"]
    small = people["partner_quiet"]
    client_id = (
        casework_access.clients_visible_to(user=nav).order_by("pk").values_list("pk", flat=True)[0]
    )
    referral_id = (
        access.referrals_received_by(user=big).order_by("pk").values_list("pk", flat=True)[0]
    )

    def inbox(user):
        with mock.patch.object(selectors, "referrals_received_by", received):
            return selectors.referral_inbox(user=user)

    def awaiting(user=nav):
        """referrals_awaiting_response's queryset (the selector returns a list)."""
        from django.db.models import F

        from referrals.models import ReferralStatus

        return (
            sent(user=user)
            .filter(status=ReferralStatus.REQUESTED)
            .select_related("client", "program", "agency")
            .order_by(F("overdue_at").asc(nulls_last=True), "created_at")[:20]
        )

    return [
        ("partner inbox page (busiest agency)", lambda: inbox(big)[:25]),
        (
            "partner inbox counts (busiest agency)",
            lambda: selectors.referral_status_counts(queryset=inbox(big)),
        ),
        ("partner inbox page (quiet agency)", lambda: inbox(small)[:25]),
        ("partner inbox page (fixed 400)", lambda: inbox(people["partner_fixed"])[:25]),
        (
            "partner inbox counts (fixed 400)",
            lambda: selectors.referral_status_counts(queryset=inbox(people["partner_fixed"])),
        ),
        ("navigator awaiting response", awaiting),
        (
            "navigator client list page",
            lambda: casework_selectors._list_qs(clients(user=nav))[:25],
        ),
        ("navigator client list count", lambda: clients(user=nav).order_by()),
        (
            "navigator client list page (fixed 80)",
            lambda: casework_selectors._list_qs(clients(user=people["navigator_fixed"]))[:25],
        ),
        ("navigator awaiting response (fixed)", lambda: awaiting(people["navigator_fixed"])),
        ("navigator client page (one client)", lambda: clients(user=nav).filter(pk=client_id)),
        ("partner referral page (one referral)", lambda: visible(user=big).filter(pk=referral_id)),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
