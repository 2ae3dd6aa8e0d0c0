"""County-scale data, made the way the product makes it, in a PostgreSQL database of its own.

    .venv/bin/python bench/county.py [--scale 1] [--reseed]
    make bench-county                  # the full county; BENCH_COUNTY_SCALE=0.01 for a quick one

Database: BENCH_COUNTY_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cb_county),
created and migrated first. A rerun reuses the rows when they were seeded at the same scale;
--reseed drops the database and seeds it again.

At scale 1: 30 community centers, 250 partner agencies of uneven size (the biggest receives
about ten times the median agency's referrals), 1,000 programs with the demo directory's rule
sets (``referrals.demo.bulk_create_rule_sets``), 1,500 staff with memberships and their
organizations' groups, 200,000 clients with realistic names, phones and languages (each with
an intake and a consent naming the agencies it was referred to; some consents expired, some
revoked), 1,000,000 referrals with a status history consistent with each status, the
guardian grants the product's services make (client: its center's group; referral: the
sending center's group, and the agency's while it is not cancelled and its consent is
neither revoked nor expired), history rows (django-simple-history) for what the services
record, one access-log row per referral, and the reports' weekly roll-ups. Directory and
staff scale with the square root of ``--scale``, clients, referrals and access-log rows
linearly, so ``--scale 0.01`` (2,000 clients, 10,000 referrals) takes seconds.

Everything but the directory and the staff is written in bulk SQL (INSERT ... SELECT
generate_series) with the plain indexes dropped during the load and rebuilt afterwards.
``manage.py check_access`` reports no difference on the result (tests/test_bench_county.py).
Seeded referrals have ``packet_status='ready'`` without rendered files (rendering a million
PDFs is not what this is for). Demo logins (password DEMO_PASSWORD, default
``casebridge-demo``) are printed at the end.

``bench/reports.py`` and ``bench/search.py`` import ``ensure_database``, ``bulk_load`` and the
name lists from here.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cb_county"
COUNTY_URL = os.environ.get("BENCH_COUNTY_DATABASE_URL", DEFAULT_URL)
MARK_SLUG = "county-office"  # the city office; its description records the seeded scale
CLIENT_DAYS = 1095  # clients arrived over three years; each consent lasts one
REFERRAL_DAYS = 730  # referrals were sent over the last two


def _words(text: str) -> list[str]:
    return text.split()


# Names as clients give them, by preferred language (accents kept: search folds them).
FIRST_NAMES = {
    "en": _words(
        "James Mary Robert Linda Michael Jennifer David Susan John Karen Daniel Lisa Kevin "
        "Ashley Brian Nicole Jason Emily Tyler Megan Aaron Rachel Derek Tasha Marcus"
    ),
    "es": _words(
        "María José Juan Rosa Luis Ana Carlos Guadalupe Jorge Carmen Miguel Alejandra "
        "Francisco Leticia Jesús Verónica Antonio Yesenia Ricardo Araceli Héctor Maribel Raúl "
        "Beatriz Ramón"
    ),
    "vi": _words(
        "Linh Thi Minh Anh Huong Tuan Lan Hung Mai Dung Thanh Phuong Quang Hoa Khanh Trang "
        "Nam Ngoc Long Thu Bao Hai Duc Vy Tam"
    ),
    "pa": _words(
        "Harpreet Gurpreet Manpreet Jaspreet Simran Amandeep Navjot Rajinder Baljit Kulwinder "
        "Sukhdeep Parminder Gurdeep Jasleen Harjit Inderjit Ravneet Kamaljit Tejinder Hardeep"
    ),
    "hi": _words(
        "Priya Rahul Anjali Amit Sunita Vikram Pooja Rajesh Neha Sanjay Kavita Arun Deepa "
        "Suresh Meena Anil Ritu Vijay Asha Manoj"
    ),
}
LAST_NAMES = {
    "en": _words(
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
        "Jackson White Harris Martin Thompson Young Allen King"
    ),
    "es": _words(
        "García Martínez López Hernández González Rodríguez Pérez Sánchez Ramírez Flores "
        "Gómez Díaz Reyes Morales Cruz Ortiz Gutiérrez Chávez Ramos Ruiz Mendoza Vásquez Castillo "
        "Jiménez Romero"
    ),
    "vi": _words(
        "Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Truong Dinh Lam Mai"
    ),
    "pa": _words(
        "Singh Kaur Gill Sandhu Sidhu Dhillon Grewal Brar Bains Sekhon Randhawa Cheema "
        "Bhullar Dhaliwal Johal"
    ),
    "hi": _words(
        "Patel Sharma Kumar Gupta Shah Mehta Reddy Rao Iyer Joshi Verma Agarwal Desai Nair Mishra"
    ),
}
# Share of clients by preferred language (San José's; English, then Spanish, Vietnamese...).
LANGUAGE_SHARES = [("en", 0.40), ("es", 0.30), ("vi", 0.16), ("pa", 0.07), ("hi", 0.07)]
STREETS = [
    "King Rd",
    "Story Rd",
    "Tully Rd",
    "Alum Rock Ave",
    "McKee Rd",
    "Senter Rd",
    "Capitol Expy",
    "Monterey Rd",
    "Blossom Hill Rd",
    "E Santa Clara St",
    "N 1st St",
    "Berryessa Rd",
]
ZIPS = ["95110", "95111", "95112", "95116", "95121", "95122", "95127", "95133", "95148", "95020"]
REASONS = {
    "food": "The family runs out of food before the end of the month.",
    "health": "Needs a clinic that takes Medi-Cal and speaks the client's language.",
    "housing": "Behind on rent; the landlord gave a 3-day notice.",
    "digital_access": "No computer at home; the children do homework on a phone.",
    "jobs": "Lost a job in the spring and is looking for training.",
    "legal": "Questions about an eviction notice and immigration papers.",
}
NOTES = ["", "", "Call after 3 pm.", "Needs an interpreter.", "Prefers text messages."]


@dataclass(frozen=True)
class Sizes:
    centers: int
    agencies: int
    programs: int
    staff: int
    clients: int
    referrals: int
    access_log: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        # Directory and staff grow with the square root of the scale (a small run keeps a
        # directory worth screening); clients, referrals and reads grow linearly.
        d = min(1.0, math.sqrt(scale))
        agencies = max(8, round(250 * d))
        return cls(
            centers=max(3, round(30 * d)),
            agencies=agencies,
            programs=agencies * 4,
            staff=max(30, round(1500 * d)),
            clients=max(60, round(200_000 * scale)),
            referrals=max(300, round(1_000_000 * scale)),
            access_log=max(300, round(1_000_000 * scale)),
        )


@dataclass(frozen=True)
class Persona:
    username: str
    role: str
    organization: str
    what: str


# Utilities shared with bench/reports.py and bench/search.py ---------------------------------


def ensure_database(url: str, *, drop: bool = False) -> bool:
    """Creates the database named by ``url`` if it does not exist (after dropping it with
    ``drop``). Returns whether it was created."""
    import psycopg

    dbname = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')
            print(f"created database {dbname}")
            return True
    return False


def configure_django(url: str) -> None:
    """Points this process's Django at ``url`` (call before ``django.setup()``)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))  # this process only
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)


@contextlib.contextmanager
def bulk_load(cursor, table: str, *, enabled: bool = True):
    """Drops the table's plain indexes for the load and builds them again afterwards (much
    faster than maintaining a dozen indexes row by row); foreign-key triggers are off for
    the load (the generated rows reference existing ids by construction). ``enabled=False``
    (small loads, tests inside a transaction) changes nothing."""
    if not enabled:
        yield
        return
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {table}")


def name_arrays() -> dict[str, list[str]]:
    """SQL parameters: per language, first and last names and their search forms."""
    from casework.models.clients import normalize_name

    params = {}
    for lang, names in FIRST_NAMES.items():
        params[f"first_{lang}"] = names
        params[f"first_{lang}_n"] = [normalize_name(n) for n in names]
    for lang, names in LAST_NAMES.items():
        params[f"last_{lang}"] = names
        params[f"last_{lang}_n"] = [normalize_name(n) for n in names]
    return params


def _pick(kind: str, suffix: str, r: str) -> str:
    """SQL: a name of the row's language from the ``kind`` arrays, chosen by random ``r``."""
    cases = " ".join(
        f"WHEN '{lang}' THEN (%({kind}_{lang}{suffix})s::text[])"
        f"[1 + floor({r} * {len(FIRST_NAMES[lang] if kind == 'first' else LAST_NAMES[lang])})::int]"
        for lang in FIRST_NAMES
    )
    return f"CASE lang {cases} END"


# Directory and staff (ORM, the product's services where they are cheap) ----------------------


def _weights(n: int, rnd: random.Random, *, big: float) -> list[float]:
    """Uneven sizes: log-normal around 1, the first one ``big`` times the median."""
    weights = [rnd.lognormvariate(0, 0.6) for _ in range(n)]
    weights[0] = big * statistics.median(weights[1:])
    return weights


def _slots(weights: list[float], n_slots: int) -> list[int]:
    """``n_slots`` indexes into ``weights``, each repeated in proportion to its weight."""
    total = sum(weights)
    out: list[int] = []
    for index, weight in enumerate(weights):
        out += [index] * max(1, round(n_slots * weight / total))
    return out


def seed_directory(sizes: Sizes, rnd: random.Random):
    import itertools

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from casework import services
    from casework.demo import demo_password
    from casework.models import Membership, Organization, OrganizationKind, Role, User
    from referrals.demo import bulk_create_rule_sets, load_directory_data, program_fields
    from referrals.eligibility import compiled
    from referrals.models import Location, Program, ServiceAtLocation

    city = services.organization_create(
        name="County Office of Community Services",
        slug=MARK_SLUG,
        kind=OrganizationKind.CITY_OFFICE,
        description="seeding",
    )
    neighbourhoods = [
        "Mayfair",
        "Seven Trees",
        "Alum Rock",
        "Tully",
        "Gardner",
        "Berryessa",
        "Washington",
        "Evergreen",
        "Roosevelt",
        "Camden",
    ]
    centers = [
        services.organization_create(
            name=f"{neighbourhoods[i % 10]} Community Center"
            + (f" {i // 10 + 1}" if i >= 10 else ""),
            slug=f"county-center-{i:02d}",
            kind=OrganizationKind.COMMUNITY_CENTER,
            address=f"{100 + 37 * i} {STREETS[i % len(STREETS)]}, San José",
            zip_code=ZIPS[i % len(ZIPS)],
        )
        for i in range(sizes.centers)
    ]
    kinds = ["Food Pantry", "Legal Aid", "Health Clinic", "Housing Services", "Job Center"]
    agencies = [
        services.organization_create(
            name=f"{neighbourhoods[i % 10]} {kinds[(i // 10) % 5]} {i:03d}",
            slug=f"county-agency-{i:03d}",
            kind=OrganizationKind.PARTNER_AGENCY,
            email=f"intake{i:03d}@agency.example.org",
            phone=f"+1408555{i:04d}",
            zip_code=ZIPS[i % len(ZIPS)],
        )
        for i in range(sizes.agencies)
    ]

    templates = [p for p in load_directory_data()["programs"] if p["rule_sets"]]
    programs, template_for = [], []
    for i, template in zip(range(sizes.programs), itertools.cycle(templates), strict=False):
        programs.append(
            Program(
                agency=agencies[i % len(agencies)],
                name=f"{template['name']} ({agencies[i % len(agencies)].name})",
                **program_fields(template),
                last_verified_on=timezone.localdate(),
                capacity_status="closed" if i % 20 == 19 else "accepting",
            )
        )
        template_for.append(template)
    bulk_create_with_history(programs, Program)
    locations = Location.objects.bulk_create(
        Location(
            agency=org,
            name=f"{org.name} office",
            address_1=f"{200 + n} {STREETS[n % len(STREETS)]}",
            city="San José",
            postal_code=org.zip_code,
            hours="Mon–Fri 9:00–17:00",
        )
        for n, org in enumerate(agencies)
    )
    location_of = {loc.agency_id: loc for loc in locations}
    ServiceAtLocation.objects.bulk_create(
        ServiceAtLocation(program=p, location=location_of[p.agency_id]) for p in programs
    )
    bulk_create_rule_sets(zip(programs, template_for, strict=True))
    compiled.invalidate()

    # Staff: managers at the county office, navigators per center, partner staff per agency,
    # more where there is more work (the biggest center and agency first in each list).
    center_weights = _weights(len(centers), rnd, big=4)
    agency_weights = _weights(len(agencies), rnd, big=10)
    n_managers = max(1, sizes.staff // 75)
    n_navigators = max(len(centers), (sizes.staff - n_managers) * 2 // 5)
    n_partners = max(len(agencies), sizes.staff - n_managers - n_navigators)
    password = make_password(demo_password())  # one hash for all: signing in costs the same
    users: list[User] = []
    roles: list[tuple[Organization, str]] = []

    def staff(username, first, last, org, role):
        users.append(
            User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@county.casebridge.invalid",
                password=password,
            )
        )
        roles.append((org, role))

    lang_names = [(FIRST_NAMES[lang], LAST_NAMES[lang]) for lang, _share in LANGUAGE_SHARES]

    def person():
        firsts, lasts = rnd.choice(lang_names)
        return rnd.choice(firsts), rnd.choice(lasts)

    staff("manager_county", "Morgan", "Reyes", city, Role.PROGRAM_MANAGER)
    for k in range(1, n_managers):
        staff(f"manager_{k:02d}", *person(), city, Role.PROGRAM_MANAGER)
    nav_count = [1 + n for n in _spread(n_navigators - len(centers), center_weights)]
    for c, center in enumerate(centers):
        for k in range(nav_count[c]):
            name = "nav_county" if (c, k) == (0, 0) else f"nav_c{c:02d}_{k:02d}"
            first_last = ("Nia", "Navarro") if (c, k) == (0, 0) else person()
            role = Role.ORG_ADMIN if k == 1 else Role.NAVIGATOR
            staff(name, *first_last, center, role)
    partner_count = [1 + n for n in _spread(n_partners - len(agencies), agency_weights)]
    for a, agency in enumerate(agencies):
        for k in range(partner_count[a]):
            name = "partner_county" if (a, k) == (0, 0) else f"partner_a{a:03d}_{k:02d}"
            first_last = ("Pat", "Palacios") if (a, k) == (0, 0) else person()
            staff(name, *first_last, agency, Role.PARTNER_STAFF)
    User.objects.bulk_create(users)
    memberships = [
        Membership(user=user, organization=org, role=role)
        for user, (org, role) in zip(users, roles, strict=True)
    ]
    bulk_create_with_history(memberships, Membership)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=org.group_id)
        for user, (org, _role) in zip(users, roles, strict=True)
    )
    return city, centers, agencies, programs, users, roles, center_weights, agency_weights


def _spread(n: int, weights: list[float]) -> list[int]:
    """``n`` split in proportion to ``weights`` (largest remainders)."""
    total = sum(weights)
    exact = [n * w / total for w in weights]
    out = [int(x) for x in exact]
    for i in sorted(range(len(weights)), key=lambda i: exact[i] - out[i], reverse=True)[
        : n - sum(out)
    ]:
        out[i] += 1
    return out


# Clients, intakes, consents, referrals, events, grants, history, reads (bulk SQL) ------------

CLIENTS_SQL = """
INSERT INTO casework_client (legal_first_name, legal_last_name, preferred_name, date_of_birth,
    administrative_gender, phone, email, address_line1, address_line2, city, zip_code,
    preferred_language, search_name, created_at, updated_at, created_by_id, center_id)
SELECT first, last, preferred, dob, '', phone,
       CASE WHEN r5 < 0.35 THEN lower(first_n || '.' || replace(last_n, ' ', '')) || i
            || '@example.com' ELSE '' END,
       (100 + floor(r6 * 9800))::int || ' ' || (%(streets)s::text[])[1 + floor(r6 * 12)::int],
       CASE WHEN r6 < 0.3 THEN 'Apt ' || (1 + floor(r7 * 40))::int ELSE '' END,
       'San José', (%(zips)s::text[])[1 + floor(r7 * 10)::int], lang,
       first_n || CASE WHEN preferred <> '' THEN ' ' || preferred_n ELSE '' END || ' ' || last_n,
       created_at, created_at, nav.user_id, ctr.center_id
FROM (
    SELECT g.*, {first} AS first, {first_n} AS first_n, {last} AS last, {last_n} AS last_n,
           CASE WHEN r4 < 0.08 THEN {pref} ELSE '' END AS preferred,
           CASE WHEN r4 < 0.08 THEN {pref_n} ELSE '' END AS preferred_n
    FROM (
        SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
               random() AS r5, random() AS r6, random() AS r7,
               CASE WHEN l < 0.40 THEN 'en' WHEN l < 0.70 THEN 'es' WHEN l < 0.86 THEN 'vi'
                    WHEN l < 0.93 THEN 'pa' ELSE 'hi' END AS lang,
               DATE '1940-01-01' + floor(random() * 25000)::int AS dob,
               CASE WHEN random() < 0.9 THEN '+1' || (ARRAY['408','408','408','669','650'])
                    [1 + floor(random() * 5)::int] || (2 + floor(random() * 8))::int
                    || lpad(floor(random() * 1000000)::int::text, 6, '0') ELSE '' END AS phone,
               now() - interval '3 hours' - random() * %(days)s * interval '1 day' AS created_at,
               1 + floor(random() * %(center_slots)s)::int AS slot
        FROM (SELECT i, random() AS l FROM generate_series(1, %(n)s) AS i) AS s
    ) AS g
) AS x
JOIN cty_center_slots cs ON cs.slot = x.slot
JOIN cty_centers ctr ON ctr.n = cs.n
JOIN cty_navs nav ON nav.center_n = ctr.n AND nav.k = x.i %% ctr.navs
ORDER BY x.created_at
"""

INTAKES_SQL = """
INSERT INTO casework_intakeinterview (interview_date, language, channel, household_size,
    monthly_gross_income, income_sources, employment_status, housing_status, health_insurance,
    has_internet_at_home, has_working_device, children_ages, benefits_received, needs,
    immigration_status, household_immigration_status, summary, created_at, updated_at,
    client_id, navigator_id)
SELECT c.created_at::date, c.preferred_language,
       (ARRAY['in_person','in_person','phone','video'])[1 + (c.id %% 4)::int],
       hh, round((800 + random() * 5200)::numeric, 0),
       to_jsonb(ARRAY[(ARRAY['wages','wages','social_security','unemployment','ssi'])
                      [1 + (c.id %% 5)::int]]),
       (ARRAY['full_time','part_time','unemployed','retired','not_in_labor_force'])
           [1 + (c.id / 5 %% 5)::int],
       (ARRAY['rents','rents','rents','owns','staying_with_others','at_risk'])
           [1 + (c.id / 7 %% 6)::int],
       (ARRAY['medi_cal','medi_cal','none','employer','medicare'])[1 + (c.id / 11 %% 5)::int],
       random() < 0.7, random() < 0.6,
       CASE WHEN hh > 2 THEN to_jsonb(ARRAY[(2 + c.id %% 14)::int]) ELSE '[]'::jsonb END,
       CASE WHEN random() < 0.5 THEN '["calfresh", "medi_cal"]'::jsonb ELSE '[]'::jsonb END,
       to_jsonb(ARRAY[(%(needs)s::text[])[1 + (c.id %% 6)::int],
                      (%(needs)s::text[])[1 + (c.id / 6 %% 6)::int]]),
       'prefer_not_to_say', 'prefer_not_to_say', '', c.created_at, c.created_at, c.id,
       c.created_by_id
FROM (SELECT c.*, 1 + (c.id %% 5)::int AS hh FROM casework_client c WHERE c.id > %(after)s) AS c
"""

CONSENTS_SQL = """
INSERT INTO casework_consent (scopes, method, given_on, expires_on, recorded_at, revoked_at,
    revocation_note, client_id, recorded_by_id, revoked_by_id)
SELECT CASE WHEN c.id %% 10 < 7 THEN '["contact", "demographics", "intake"]'::jsonb
            WHEN c.id %% 10 < 9 THEN '["contact", "demographics", "intake", "notes"]'::jsonb
            ELSE '["contact"]'::jsonb END,
       (ARRAY['verbal','written','electronic'])[1 + (c.id %% 3)::int],
       c.created_at::date, c.created_at::date + 365, c.created_at,
       CASE WHEN revoke THEN now() - interval '2 hours' END,
       CASE WHEN revoke THEN 'Client asked us to stop sharing.' ELSE '' END,
       c.id, c.created_by_id, CASE WHEN revoke THEN c.created_by_id END
FROM (SELECT c.*, random() < 0.03 AS revoke FROM casework_client c WHERE c.id > %(after)s) AS c
"""

# One row per referral: who, to whom, when each step happened, and where it ended.
PLAN_SQL = """
CREATE TEMP TABLE cty_plan AS
WITH g AS (
    SELECT i, d, 1 + floor(random() * %(agency_slots)s)::int AS slot,
           -- Clients are numbered by arrival (spread over three years): one who came in the
           -- year before the referral's day, so the day falls inside their consent's year.
           least(%(n_clients)s, greatest(1, 1 + floor(%(n_clients)s * (1 - (d + 365) / 1095.0)
                 + random() * %(n_clients)s / 3.0)::int)) AS client_n,
           random() AS r2, random() AS r3, random() AS r4, random() AS r5
    FROM (SELECT i, random() * %(days)s AS d FROM generate_series(1, %(n)s) AS i) AS s
), t AS (
    SELECT g.i, g.r3, g.r4, g.r5, cl.client_id, cl.consent_id, cl.center_n, cl.center_id,
           cl.intake_id, a.n AS agency_n, a.agency_id, a.partner_id,
           least(greatest(now() - interval '3 hours' - g.d * interval '1 day',
                          cl.created_at + interval '1 hour'),
                 cl.expires_at, now() - interval '3 hours') AS t0,
           CASE WHEN g.r2 < 0.12 THEN 'requested' WHEN g.r2 < 0.22 THEN 'accepted'
                WHEN g.r2 < 0.32 THEN 'in-progress' WHEN g.r2 < 0.72 THEN 'completed'
                WHEN g.r2 < 0.80 THEN 'failed' WHEN g.r2 < 0.92 THEN 'rejected'
                ELSE 'cancelled' END AS status
    FROM g
    JOIN cty_clients cl ON cl.n = g.client_n
    JOIN cty_agency_slots s ON s.slot = g.slot
    JOIN cty_agencies a ON a.n = s.n
), u AS (
    SELECT t.*, -ln(1 - t.r3) * 30 * interval '1 hour' AS wait,
           (0.5 + t.r4 * 20) * interval '1 day' AS work
    FROM t
)
SELECT u.i, 'CB-Y' || lpad(u.i::text, 8, '0') AS code, u.client_id, u.consent_id, u.center_id,
       u.intake_id, u.agency_id, u.partner_id, nav.user_id AS sent_by, p.program_id, p.need,
       u.status, u.r4, u.r5, u.t0,
       CASE WHEN u.status = 'requested' OR (u.status = 'cancelled' AND u.r4 < 0.5) THEN NULL
            ELSE least(u.t0 + u.wait, now() - interval '2 minutes') END AS t1,
       CASE WHEN u.status IN ('in-progress', 'completed', 'failed')
            THEN least(u.t0 + u.wait + u.work * 0.2, now() - interval '1 minute') END AS t2,
       CASE WHEN u.status IN ('completed', 'failed')
                THEN least(u.t0 + u.wait + u.work, now())
            WHEN u.status = 'rejected' THEN least(u.t0 + u.wait, now() - interval '2 minutes')
            WHEN u.status = 'cancelled'
                THEN least(u.t0 + u.wait + u.r5 * interval '5 days', now())
       END AS t3,
       CASE WHEN u.status = 'rejected' THEN (ARRAY['no_capacity','not_eligible','out_of_area',
            'service_not_offered'])[1 + floor(u.r5 * 4)::int] ELSE '' END AS rejection,
       CASE WHEN u.status = 'completed' THEN 'got_help'
            WHEN u.status = 'failed' THEN (ARRAY['could_not_contact','no_capacity',
                 'client_declined','not_eligible'])[1 + floor(u.r5 * 4)::int]
            ELSE '' END AS outcome,
       CASE WHEN (u.status = 'requested' AND u.t0 < now() - interval '7 days')
                 OR u.wait > interval '120 hours' THEN u.t0 + interval '7 days' END AS overdue
FROM u
JOIN cty_centers c ON c.n = u.center_n
JOIN cty_navs nav ON nav.center_n = u.center_n AND nav.k = u.i %% c.navs
JOIN cty_programs p ON p.agency_n = u.agency_n AND p.k = u.i %% 4
"""

REFERRALS_SQL = """
INSERT INTO referrals_referral (reference_code, need_category, urgency, reason, note_to_agency,
    screening_snapshot, status, created_at, status_changed_at, first_response_at, closed_at,
    rejection_reason, outcome, decided_by, outcome_note, reminder_sent_at, overdue_at,
    packet_status, packet_language, packet_client_file, packet_agency_file, packet_requested_at,
    packet_rendered_at, packet_attempts, packet_error, agency_id, client_id, consent_id,
    intake_id, program_id, sending_center_id, sent_by_id, packet_disclosed, client_outcome)
SELECT p.code, p.need,
       CASE WHEN p.r5 < 0.7 THEN 'routine' WHEN p.r5 < 0.9 THEN 'soon' ELSE 'urgent' END,
       coalesce((%(reasons)s::jsonb) ->> p.need, 'The client asked for help with this.'),
       (%(notes)s::text[])[1 + (p.i %% 5)::int], '{}'::jsonb, p.status, p.t0,
       coalesce(p.t3, p.t2, p.t1, p.t0), p.t1, p.t3, p.rejection, p.outcome,
       CASE WHEN p.outcome <> '' THEN (CASE WHEN p.r4 < 0.8 THEN 'provider' ELSE 'client' END)
            ELSE '' END,
       CASE WHEN p.status = 'failed' THEN 'Tried three times by phone.' ELSE '' END,
       NULL, p.overdue, 'ready', 'en', '', '', p.t0, p.t0 + interval '20 seconds', 1, '',
       p.agency_id, p.client_id, p.consent_id, p.intake_id, p.program_id, p.center_id,
       p.sent_by, '[]'::jsonb, ''
FROM cty_plan p
-- Referrals are written as they are sent: the table's physical order follows created_at.
ORDER BY p.t0
"""

EVENTS_SQL = """
INSERT INTO referrals_referralevent (referral_id, from_status, to_status, actor_id,
    actor_organization_id, actor_email, note, code, at)
SELECT r.id, e.from_status, e.to_status, e.actor, e.org, '', e.note, e.code, e.at
FROM cty_plan p
JOIN referrals_referral r ON r.reference_code = p.code
CROSS JOIN LATERAL (VALUES
    ('', 'requested', p.sent_by, p.center_id, r.note_to_agency, '', p.t0, true),
    ('requested', CASE WHEN p.status = 'rejected' THEN 'rejected' ELSE 'accepted' END,
     p.partner_id, p.agency_id, '', p.rejection, p.t1, p.t1 IS NOT NULL),
    ('accepted', 'in-progress', p.partner_id, p.agency_id, '', '', p.t2, p.t2 IS NOT NULL),
    ('in-progress', p.status, p.partner_id, p.agency_id, r.outcome_note, p.outcome, p.t3,
     p.status IN ('completed', 'failed')),
    (CASE WHEN p.t1 IS NULL THEN 'requested' ELSE 'accepted' END, 'cancelled', p.sent_by,
     p.center_id, 'The client found help elsewhere.', '', p.t3, p.status = 'cancelled')
) AS e(from_status, to_status, actor, org, note, code, at, happened)
WHERE e.happened
ORDER BY e.at
"""

RECIPIENTS_SQL = """
INSERT INTO casework_consent_recipients (consent_id, organization_id)
SELECT DISTINCT consent_id, agency_id FROM cty_plan
UNION
SELECT cl.consent_id, a.agency_id FROM cty_clients cl
JOIN cty_agency_slots s ON s.slot = 1 + (cl.n * 31) %% %(agency_slots)s
JOIN cty_agencies a ON a.n = s.n
WHERE NOT EXISTS (SELECT 1 FROM cty_plan p WHERE p.consent_id = cl.consent_id)
"""

GRANTS_SQL = """
INSERT INTO {table} (content_object_id, group_id, permission_id)
SELECT x.id, x.group_id, perm.id FROM ({rows}) AS x
CROSS JOIN (SELECT id FROM auth_permission WHERE codename = ANY(%(perms)s)
            AND content_type_id = %(ct)s) AS perm
"""

ACCESS_LOG_SQL = """
INSERT INTO casework_accesslogentry (user_id, external_actor, organization_id, client_id,
    object_type, object_id, action, fields_disclosed, request_id, client_request_id, at)
SELECT CASE WHEN partner THEN x.partner_id ELSE x.sent_by END, '',
       CASE WHEN partner THEN x.agency_id ELSE x.center_id END, x.client_id,
       CASE WHEN partner THEN 'referral' ELSE 'client' END,
       CASE WHEN partner THEN x.referral_id ELSE x.client_id END,
       CASE WHEN partner THEN 'disclose' ELSE 'view' END,
       CASE WHEN partner THEN x.scopes ELSE '[]'::jsonb END,
       md5(x.code || x.j), '', x.at
FROM (
    -- Half the reads are the navigator's (the client page), half the partner's (the
    -- referral page, with what the consent disclosed), a day or so after the referral.
    SELECT p.*, g.j, r.id AS referral_id, k.scopes, (p.i + g.j) %% 2 = 0 AS partner,
           least(p.t0 + g.j * interval '1 day', now()) AS at
    FROM generate_series(1, %(per)s) AS g(j)
    JOIN cty_plan p ON p.i <= %(n)s
    JOIN referrals_referral r ON r.reference_code = p.code
    JOIN casework_consent k ON k.id = p.consent_id
) AS x
ORDER BY x.at
"""


def copy_history(
    cursor, model, *, where: str, date: str, user: str, params=None, join: str = "", **overrides
):
    """Writes one django-simple-history row per row of ``model`` matched by ``where``, as the
    product's services would have (``date``, ``user`` and ``overrides`` are SQL expressions
    over the source row ``src``), with history_type '+' unless overridden."""
    table = model._meta.db_table
    history = model.history.model._meta.db_table
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [history]
    )
    hist_cols = [c for (c,) in cursor.fetchall() if c != "history_id"]
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table]
    )
    src_cols = {c for (c,) in cursor.fetchall()}
    values = {
        "history_date": date,
        "history_user_id": user,
        "history_type": "'+'",
        "history_change_reason": "NULL",
        "history_external_actor": "''",
    }
    exprs = []
    for col in hist_cols:
        if col in overrides:
            exprs.append(overrides[col])
        elif col in values:
            exprs.append(values[col])
        elif col in src_cols:
            exprs.append(f"src.{col}")
        else:
            raise RuntimeError(f"{history}.{col}: no value")
    cursor.execute(
        f"INSERT INTO {history} ({', '.join(hist_cols)}) SELECT {', '.join(exprs)} "
        f"FROM {table} AS src {join} WHERE {where} ORDER BY 1",
        params or {},
    )


def seed(scale: float = 1.0, *, in_transaction: bool = False, out=print) -> list[Persona]:
    """Seeds the county into the current database (empty of county rows). ``in_transaction``:
    inside a test's transaction (no index dropping, no VACUUM)."""
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from casework import intake_flag
    from casework.models import Client, Consent, IntakeInterview
    from casework.models.intake import Need
    from referrals import access_window
    from referrals.models import Referral

    sizes = Sizes.at(scale)
    rnd = random.Random(15)
    bulk = not in_transaction
    started = time.perf_counter()
    with transaction.atomic():
        city, centers, agencies, programs, users, roles, center_w, agency_w = seed_directory(
            sizes, rnd
        )
    out(
        f"directory: {len(centers)} centers, {len(agencies)} agencies, {len(programs)} programs, "
        f"{len(users)} staff in {time.perf_counter() - started:.1f}s"
    )
    navs: dict[int, list[int]] = {}
    partner_of: dict[int, int] = {}
    for user, (org, _role) in zip(users, roles, strict=True):
        if org.is_center:
            navs.setdefault(org.pk, []).append(user.pk)
        elif org.is_agency:
            partner_of.setdefault(org.pk, user.pk)

    with connection.cursor() as cursor:
        if not in_transaction:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute("SET work_mem = '64MB'")
        cursor.execute("SELECT setseed(0.15)")
        cursor.execute(
            "DROP TABLE IF EXISTS cty_centers, cty_center_slots, cty_navs, cty_agencies, "
            "cty_agency_slots, cty_programs, cty_clients, cty_plan"
        )
        cursor.execute("CREATE TEMP TABLE cty_centers (n int, center_id bigint, navs int)")
        cursor.executemany(
            "INSERT INTO cty_centers VALUES (%s, %s, %s)",
            [(n, c.pk, len(navs[c.pk])) for n, c in enumerate(centers)],
        )
        cursor.execute("CREATE TEMP TABLE cty_navs (center_n int, k int, user_id bigint)")
        cursor.executemany(
            "INSERT INTO cty_navs VALUES (%s, %s, %s)",
            [(n, k, u) for n, c in enumerate(centers) for k, u in enumerate(navs[c.pk])],
        )
        center_slots = _slots(center_w, 1000)
        cursor.execute("CREATE TEMP TABLE cty_center_slots (slot int, n int)")
        cursor.executemany(
            "INSERT INTO cty_center_slots VALUES (%s, %s)",
            [(s + 1, n) for s, n in enumerate(center_slots)],
        )
        cursor.execute(
            "CREATE TEMP TABLE cty_agencies (n int, agency_id bigint, partner_id bigint)"
        )
        cursor.executemany(
            "INSERT INTO cty_agencies VALUES (%s, %s, %s)",
            [(n, a.pk, partner_of[a.pk]) for n, a in enumerate(agencies)],
        )
        agency_slots = _slots(agency_w, 10_000)
        cursor.execute("CREATE TEMP TABLE cty_agency_slots (slot int, n int)")
        cursor.executemany(
            "INSERT INTO cty_agency_slots VALUES (%s, %s)",
            [(s + 1, n) for s, n in enumerate(agency_slots)],
        )
        index_of = {a.pk: n for n, a in enumerate(agencies)}
        cursor.execute(
            "CREATE TEMP TABLE cty_programs (agency_n int, k int, program_id bigint, need text)"
        )
        seen: dict[int, int] = {}
        rows = []
        for p in programs:
            k = seen.get(p.agency_id, 0)
            seen[p.agency_id] = k + 1
            rows.append((index_of[p.agency_id], k, p.pk, (p.need_categories or ["food"])[0]))
        cursor.executemany("INSERT INTO cty_programs VALUES (%s, %s, %s, %s)", rows)
        for table in ("cty_centers", "cty_navs", "cty_center_slots", "cty_agencies"):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("ANALYZE cty_agency_slots")
        cursor.execute("ANALYZE cty_programs")

        step = time.perf_counter()
        cursor.execute("SELECT coalesce(max(id), 0) FROM casework_client")
        (after,) = cursor.fetchone()
        pick = {
            "first": _pick("first", "", "r1"),
            "first_n": _pick("first", "_n", "r1"),
            "last": _pick("last", "", "r2"),
            "last_n": _pick("last", "_n", "r2"),
            "pref": _pick("first", "", "r3"),
            "pref_n": _pick("first", "_n", "r3"),
        }
        with bulk_load(cursor, "casework_client", enabled=bulk):
            cursor.execute(
                CLIENTS_SQL.format(**pick),
                {
                    **name_arrays(),
                    "streets": STREETS,
                    "zips": ZIPS,
                    "days": CLIENT_DAYS,
                    "center_slots": len(center_slots),
                    "n": sizes.clients,
                },
            )
        with bulk_load(cursor, "casework_intakeinterview", enabled=bulk):
            needs = ["food", "health", "housing", "digital_access", "jobs", "legal"]
            assert set(needs) <= set(Need.values)
            cursor.execute(INTAKES_SQL, {"after": after, "needs": needs})
        # Triggers are off during a bulk load: each client's intake flag afterwards.
        cursor.execute(f"{intake_flag.BACKFILL_SQL} WHERE c.id > %(after)s", {"after": after})
        cursor.execute("ANALYZE casework_client")
        with bulk_load(cursor, "casework_consent", enabled=bulk):
            cursor.execute(CONSENTS_SQL, {"after": after})
        client_ct = ContentType.objects.get_for_model(Client)
        with bulk_load(cursor, "casework_clientgroupobjectpermission", enabled=bulk):
            cursor.execute(
                GRANTS_SQL.format(
                    table="casework_clientgroupobjectpermission",
                    rows="SELECT c.id, o.group_id FROM casework_client c JOIN "
                    "casework_organization o ON o.id = c.center_id WHERE c.id > %(after)s",
                ),
                {"after": after, "perms": ["view_client", "change_client"], "ct": client_ct.pk},
            )
        out(
            f"{sizes.clients:,} clients with intakes, consents and grants in "
            f"{time.perf_counter() - step:.1f}s"
        )

        step = time.perf_counter()
        cursor.execute(
            "CREATE TEMP TABLE cty_clients AS SELECT row_number() OVER (ORDER BY c.id) AS n, "
            "c.id AS client_id, k.id AS consent_id, i.id AS intake_id, c.created_at, "
            "k.expires_on::timestamptz AS expires_at, ctr.n AS center_n, c.center_id "
            "FROM casework_client c JOIN casework_consent k ON k.client_id = c.id "
            "JOIN casework_intakeinterview i ON i.client_id = c.id "
            "JOIN cty_centers ctr ON ctr.center_id = c.center_id WHERE c.id > %s",
            [after],
        )
        cursor.execute("CREATE INDEX ON cty_clients (n)")
        cursor.execute("ANALYZE cty_clients")
        cursor.execute(
            PLAN_SQL,
            {
                "n": sizes.referrals,
                "n_clients": sizes.clients,
                "agency_slots": len(agency_slots),
                "days": REFERRAL_DAYS,
            },
        )
        cursor.execute("CREATE INDEX ON cty_plan (code)")
        cursor.execute("CREATE INDEX ON cty_plan (consent_id)")
        cursor.execute("ANALYZE cty_plan")
        cursor.execute(RECIPIENTS_SQL, {"agency_slots": len(agency_slots)})
        cursor.execute("SELECT coalesce(max(id), 0) FROM referrals_referral")
        (ref_after,) = cursor.fetchone()
        with bulk_load(cursor, "referrals_referral", enabled=bulk):
            cursor.execute(REFERRALS_SQL, {"reasons": json.dumps(REASONS), "notes": NOTES})
            # Triggers are off during a bulk load: the agencies' access windows afterwards.
            cursor.execute(
                f"{access_window.BACKFILL_SQL} WHERE id > %(after)s", {"after": ref_after}
            )
        with bulk_load(cursor, "referrals_referralevent", enabled=bulk):
            cursor.execute(EVENTS_SQL)
        referral_ct = ContentType.objects.get_for_model(Referral)
        with bulk_load(cursor, "referrals_referralgroupobjectpermission", enabled=bulk):
            cursor.execute(
                GRANTS_SQL.format(
                    table="referrals_referralgroupobjectpermission",
                    rows="SELECT r.id, s.group_id FROM referrals_referral r "
                    "JOIN casework_organization s ON s.id = r.sending_center_id "
                    "WHERE r.id > %(after)s "
                    "UNION ALL SELECT r.id, a.group_id FROM referrals_referral r "
                    "JOIN casework_organization a ON a.id = r.agency_id "
                    "JOIN casework_consent k ON k.id = r.consent_id "
                    "WHERE r.id > %(after)s AND r.status <> 'cancelled' "
                    "AND k.revoked_at IS NULL "
                    "AND k.expires_on >= %(today)s",
                ),
                {
                    "after": ref_after,
                    "today": timezone.localdate(),
                    "perms": ["view_referral", "change_referral"],
                    "ct": referral_ct.pk,
                },
            )
        out(
            f"{sizes.referrals:,} referrals with events, consent recipients and grants in "
            f"{time.perf_counter() - step:.1f}s"
        )

        step = time.perf_counter()
        per = max(1, round(sizes.access_log / sizes.referrals))
        with bulk_load(cursor, "casework_accesslogentry", enabled=bulk):
            cursor.execute(
                ACCESS_LOG_SQL,
                {"per": per, "n": math.ceil(sizes.access_log / per)},
            )
        # History, as the services record it: a '+' row per client, intake, consent (and a
        # '~' row when it was revoked), per referral a row per status change.
        for model in (Client, IntakeInterview):
            table = model.history.model._meta.db_table
            with bulk_load(cursor, table, enabled=bulk):
                copy_history(
                    cursor,
                    model,
                    where="src.client_id > %(after)s"
                    if model is IntakeInterview
                    else "src.id > %(after)s",
                    date="src.created_at",
                    user="src.created_by_id" if model is Client else "src.navigator_id",
                    params={"after": after},
                )
        consent_history = Consent.history.model._meta.db_table
        with bulk_load(cursor, consent_history, enabled=bulk):
            copy_history(
                cursor,
                Consent,
                where="src.client_id > %(after)s",
                date="src.recorded_at",
                user="src.recorded_by_id",
                params={"after": after},
                revoked_at="NULL::timestamptz",
                revoked_by_id="NULL::bigint",
                revocation_note="''",
            )
            copy_history(
                cursor,
                Consent,
                where="src.client_id > %(after)s AND src.revoked_at IS NOT NULL",
                date="src.revoked_at",
                user="src.revoked_by_id",
                params={"after": after},
                history_type="'~'",
            )
            cursor.execute(
                "INSERT INTO casework_historicalconsent_recipients (id, consent_id, history_id, "
                "organization_id) SELECT cr.id, cr.consent_id, h.history_id, cr.organization_id "
                "FROM casework_consent_recipients cr JOIN casework_historicalconsent h "
                "ON h.id = cr.consent_id JOIN casework_client c ON c.id = h.client_id "
                "WHERE c.id > %s",
                [after],
            )
        referral_history = Referral.history.model._meta.db_table
        cursor.execute(
            "CREATE TEMP TABLE cty_events AS SELECT e.referral_id, e.to_status, e.at, "
            "e.actor_id, e.from_status FROM referrals_referralevent e WHERE e.referral_id > %s",
            [ref_after],
        )
        with bulk_load(cursor, referral_history, enabled=bulk):
            copy_history(
                cursor,
                Referral,
                where="src.id > %(after)s",
                join="JOIN cty_events e ON e.referral_id = src.id",
                date="e.at",
                user="e.actor_id",
                params={"after": ref_after},
                status="e.to_status",
                history_type="CASE WHEN e.from_status = '' THEN '+' ELSE '~' END",
            )
        cursor.execute("DROP TABLE cty_events")
        out(f"access log and history in {time.perf_counter() - step:.1f}s")
    # The reports' weekly roll-ups, as the product keeps them (a first fill at deployment,
    # then every referral change and the nightly job): every week, not only those the load
    # benchmark's writes touch later.
    from reports.rollups import rollup_all

    step = time.perf_counter()
    rows = rollup_all()
    out(f"{rows:,} weekly roll-up rows in {time.perf_counter() - step:.1f}s")
    city.description = f"county seed scale={scale}"
    city.save(update_fields=["description"])
    return personas()


def personas() -> list[Persona]:
    """The demo-style logins of the county, with what each one looks at."""
    from django.db.models import Count

    from casework.models import Membership

    rows = {
        m.user.username: m
        for m in Membership.objects.filter(
            user__username__in=["nav_county", "partner_county", "manager_county"]
        ).select_related("user", "organization")
    }
    received = (
        rows["partner_county"].organization.referrals_received.aggregate(n=Count("id"))["n"]
        if "partner_county" in rows
        else 0
    )
    clients = rows["nav_county"].organization.clients.count() if "nav_county" in rows else 0
    what = {
        "nav_county": f"navigator of the biggest center ({clients:,} clients)",
        "partner_county": f"partner staff of the biggest agency ({received:,} referrals)",
        "manager_county": "program manager (reports across the county)",
    }
    return [
        Persona(name, m.get_role_display(), m.organization.name, what[name])
        for name, m in rows.items()
    ]


def seeded_scale() -> float | None:
    from casework.models import Organization

    office = Organization.objects.filter(slug=MARK_SLUG).first()
    if office is None:
        return None
    if not office.description.startswith("county seed scale="):
        return -1.0  # a run that did not finish
    return float(office.description.split("=", 1)[1])


def prepare(url: str, scale: float, *, reseed: bool = False, out=print) -> list[Persona]:
    """Creates, migrates and seeds the database at ``url`` unless it already holds the county
    at ``scale``. Call after ``configure_django(url)`` and ``django.setup()``."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    existing = seeded_scale()
    if existing == scale and not reseed:
        out(f"reusing the county seeded at scale {scale} (pass --reseed to seed it again)")
        return personas()
    if existing is not None:
        # Another scale, or a run that stopped half-way: start from an empty database.
        connection.close()
        ensure_database(url, drop=True)
        call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    found = seed(scale, out=out)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    out(f"seeded the county at scale {scale} in {time.perf_counter() - started:.0f}s")
    return found


def print_logins(found: list[Persona], out=print) -> None:
    from casework.demo import demo_password

    out(f"\nlogins (password {demo_password()!r}):")
    for p in found:
        out(f"  {p.username:<16} {p.role:<18} {p.organization}: {p.what}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=float(os.environ.get("BENCH_COUNTY_SCALE", 1))
    )
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    if not 0 < args.scale <= 1:
        parser.error("--scale must be in (0, 1]")
    ensure_database(COUNTY_URL, drop=args.reseed)
    configure_django(COUNTY_URL)
    import django

    django.setup()
    from django.db import connection

    print(f"database: {connection.settings_dict['NAME']}")
    found = prepare(COUNTY_URL, args.scale, reseed=args.reseed)
    with connection.cursor() as cursor:
        for label, table in [
            ("clients", "casework_client"),
            ("consents", "casework_consent"),
            ("referrals", "referrals_referral"),
            ("referral events", "referrals_referralevent"),
            ("referral grants", "referrals_referralgroupobjectpermission"),
            ("client grants", "casework_clientgroupobjectpermission"),
            ("access-log rows", "casework_accesslogentry"),
        ]:
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"  {label:<18} {cursor.fetchone()[0]:>10,}")
    print_logins(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
