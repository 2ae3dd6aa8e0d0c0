"""Casework's part of the demo city (`manage.py seed_demo`).

Everything is keyed so a second run creates nothing new: organizations by slug, users by
username, clients by (center, legal name, date of birth). A client's intakes, household,
notes and consents are made only when the client itself is new. Writes go through
casework.services so grants and history are exactly those of real use.

Other apps extend the demo with a ``seed_demo(*, city, stdout)`` function in their own
``demo.py`` module; the command discovers them (casework never imports them).
"""

import datetime
import os
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import services
from .models import Client, Language, Organization, OrganizationKind, Role, User
from .models.consent import ConsentMethod, ConsentScope
from .models.intake import (
    Benefit,
    Channel,
    EmploymentStatus,
    HealthInsurance,
    HousingStatus,
    ImmigrationStatus,
    IncomeSource,
    Need,
)

DEFAULT_DEMO_PASSWORD = "casebridge-demo"


def demo_password() -> str:
    """The one password of every demo account: for demonstrations only, never for real data."""
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    kind: str
    address: str = ""
    zip_code: str = ""
    phone: str = ""
    description: str = ""


ORGANIZATIONS = [
    OrgSpec(
        "demo-mayfair",
        "Mayfair Community Center (demo)",
        OrganizationKind.COMMUNITY_CENTER,
        "2039 Kammerer Ave, San José",
        "95116",
        "+1 408 555 0110",
    ),
    OrgSpec(
        "demo-seven-trees",
        "Seven Trees Community Center (demo)",
        OrganizationKind.COMMUNITY_CENTER,
        "3590 Cas Dr, San José",
        "95111",
        "+1 408 555 0120",
    ),
    OrgSpec(
        "demo-food-bank",
        "South Bay Food Bank (demo)",
        OrganizationKind.PARTNER_AGENCY,
        "750 Curtner Ave, San José",
        "95125",
        "+1 408 555 0130",
        "Groceries, CalFresh application help and home delivery for seniors.",
    ),
    OrgSpec(
        "demo-legal-aid",
        "Santa Clara Valley Legal Aid (demo)",
        OrganizationKind.PARTNER_AGENCY,
        "152 N 3rd St, San José",
        "95112",
        "+1 408 555 0140",
        "Free legal help with housing, benefits, immigration and consumer debt.",
    ),
    OrgSpec(
        "demo-digital-bridge",
        "Digital Bridge San José (demo)",
        OrganizationKind.PARTNER_AGENCY,
        "1590 Las Plumas Ave, San José",
        "95133",
        "+1 408 555 0150",
        "Refurbished laptops, low-cost internet sign-up and digital skills classes.",
    ),
    OrgSpec(
        "demo-clinic",
        "Alum Rock Community Health Clinic (demo)",
        OrganizationKind.PARTNER_AGENCY,
        "2470 Alvin Ave, San José",
        "95121",
        "+1 408 555 0160",
        "Primary care on a sliding scale and Medi-Cal enrollment.",
    ),
    OrgSpec(
        "demo-city",
        "City of San José Community Services (demo)",
        OrganizationKind.CITY_OFFICE,
        "200 E Santa Clara St, San José",
        "95113",
        "+1 408 555 0100",
    ),
]


@dataclass(frozen=True)
class PersonSpec:
    username: str
    first_name: str
    last_name: str
    org_slug: str
    role: str
    superuser: bool = False
    language: str = Language.ENGLISH


PEOPLE = [
    PersonSpec("nav_mayfair", "Maria", "Gonzalez", "demo-mayfair", Role.NAVIGATOR),
    PersonSpec("nav_seventrees", "Linh", "Tran", "demo-seven-trees", Role.NAVIGATOR),
    PersonSpec("partner_foodbank", "Gurpreet", "Sandhu", "demo-food-bank", Role.PARTNER_STAFF),
    PersonSpec("partner_legal", "Daniel", "Reyes", "demo-legal-aid", Role.PARTNER_STAFF),
    PersonSpec("partner_digital", "Aisha", "Khan", "demo-digital-bridge", Role.PARTNER_STAFF),
    PersonSpec("partner_clinic", "Thanh", "Pham", "demo-clinic", Role.PARTNER_STAFF),
    PersonSpec("manager", "Jennifer", "Okafor", "demo-city", Role.PROGRAM_MANAGER),
    PersonSpec("admin", "Robert", "Chen", "demo-city", Role.ORG_ADMIN, superuser=True),
]

# (legal first, legal last, preferred name, language, center slug)
CLIENTS = [
    ("Guadalupe", "Hernández", "Lupe", "es", "demo-mayfair"),
    ("José", "Ramírez", "", "es", "demo-mayfair"),
    ("Rosa", "Martínez", "", "es", "demo-mayfair"),
    ("Miguel", "Torres", "", "es", "demo-mayfair"),
    ("Ana", "Flores", "", "es", "demo-seven-trees"),
    ("Carmen", "Vargas", "", "es", "demo-mayfair"),
    ("Luis", "Castillo", "", "es", "demo-seven-trees"),
    ("An", "Nguyễn", "", "vi", "demo-seven-trees"),
    ("Mai", "Trần", "", "vi", "demo-seven-trees"),
    ("Tuấn", "Lê", "", "vi", "demo-seven-trees"),
    ("Thu Hà", "Phạm", "", "vi", "demo-seven-trees"),
    ("Bảo", "Võ", "", "vi", "demo-mayfair"),
    ("Harpreet", "Kaur", "", "pa", "demo-mayfair"),
    ("Jaswinder", "Singh", "", "pa", "demo-seven-trees"),
    ("Manpreet", "Gill", "", "pa", "demo-seven-trees"),
    ("Baljit", "Dhillon", "", "pa", "demo-mayfair"),
    ("Priya", "Sharma", "", "hi", "demo-seven-trees"),
    ("Rajesh", "Kumar", "Raj", "hi", "demo-mayfair"),
    ("Sunita", "Verma", "", "hi", "demo-seven-trees"),
    ("Anil", "Patel", "", "hi", "demo-mayfair"),
    ("James", "Johnson", "Jim", "en", "demo-mayfair"),
    ("Tamika", "Williams", "", "en", "demo-seven-trees"),
    ("Robert", "Nakamura", "Bob", "en", "demo-seven-trees"),
    ("Linda", "Brown", "", "en", "demo-mayfair"),
    ("Kevin", "Le", "", "en", "demo-seven-trees"),
    ("Esperanza", "Cruz", "", "es", "demo-seven-trees"),
    ("Francisco", "Morales", "Paco", "es", "demo-mayfair"),
    ("Deepak", "Reddy", "", "hi", "demo-seven-trees"),
    ("Kulwant", "Bains", "", "pa", "demo-mayfair"),
    ("Hoa", "Đặng", "", "vi", "demo-mayfair"),
]

STREETS = [
    "King Rd",
    "Story Rd",
    "Tully Rd",
    "Alum Rock Ave",
    "Senter Rd",
    "McLaughlin Ave",
    "Capitol Expy",
    "E San Antonio St",
    "Jackson Ave",
    "Monterey Rd",
]
ZIP_CODES = ["95116", "95122", "95127", "95111", "95112", "95133", "95121", "95148"]

NOTES = [
    "Called to confirm the appointment; prefers mornings.",
    "Brought pay stubs for the last two months.",
    "Asked about help with the PG&E bill; gave the CARE application.",
    "Needs a follow-up call in two weeks about the housing application.",
    "Daughter interprets by phone when needed.",
    "Dropped off copies of ID and proof of address.",
]


@dataclass
class DemoCity:
    """What the demo made, for other apps' demo seeding and for printing the logins."""

    organizations: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    @property
    def centers(self) -> list[Organization]:
        return [
            o for o in self.organizations.values() if o.kind == OrganizationKind.COMMUNITY_CENTER
        ]

    @property
    def agencies(self) -> list[Organization]:
        return [o for o in self.organizations.values() if o.kind == OrganizationKind.PARTNER_AGENCY]

    def navigator_of(self, center: Organization) -> User:
        for person in PEOPLE:
            if person.org_slug == center.slug and person.role == Role.NAVIGATOR:
                return self.users[person.username]
        raise KeyError(center.slug)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def logins() -> list[tuple[str, str, str]]:
    """(username, role, organization name) of every demo account."""
    names = {spec.slug: spec.name for spec in ORGANIZATIONS}
    rows = []
    for person in PEOPLE:
        role = Role(person.role).label
        if person.superuser:
            role = f"{role} + Django admin"
        rows.append((person.username, str(role), names[person.org_slug]))
    return rows


@transaction.atomic
def seed_demo() -> DemoCity:
    city = DemoCity()
    _seed_organizations(city)
    _seed_people(city)
    _seed_clients(city)
    return city


def _seed_organizations(city: DemoCity) -> None:
    for spec in ORGANIZATIONS:
        organization = Organization.objects.filter(slug=spec.slug).first()
        if organization is None:
            organization = services.organization_create(
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                address=spec.address,
                zip_code=spec.zip_code,
                phone=spec.phone,
                description=spec.description,
                email=f"{spec.slug.removeprefix('demo-')}@demo.casebridge.invalid",
            )
            city.count("organizations")
        city.organizations[spec.slug] = organization


def _seed_people(city: DemoCity) -> None:
    for person in PEOPLE:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = User(
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"{person.username}@demo.casebridge.invalid",
                language=person.language,
                is_staff=person.superuser,
                is_superuser=person.superuser,
            )
            user.set_password(demo_password())
            user.save()
            city.count("users")
        organization = city.organizations[person.org_slug]
        if not user.memberships.filter(organization=organization, role=person.role).exists():
            services.membership_create(user=user, organization=organization, role=person.role)
        city.users[person.username] = user


def _seed_clients(city: DemoCity) -> None:
    rng = random.Random(2026)  # the same demo city on every machine
    today = timezone.localdate()
    for index, (first, last, preferred, language, center_slug) in enumerate(CLIENTS):
        center = city.organizations[center_slug]
        navigator = city.navigator_of(center)
        # Draw every value whether or not the client exists, so each client's data is stable.
        born = datetime.date(rng.randint(1944, 2006), rng.randint(1, 12), rng.randint(1, 28))
        street = f"{rng.randint(100, 3999)} {rng.choice(STREETS)}"
        zip_code = rng.choice(ZIP_CODES)
        client = Client.objects.filter(
            center=center, legal_first_name=first, legal_last_name=last, date_of_birth=born
        ).first()
        if client is None:
            client = services.client_create(
                actor=navigator,
                center=center,
                legal_first_name=first,
                legal_last_name=last,
                preferred_name=preferred,
                date_of_birth=born,
                phone=f"+1408555{1000 + index:04d}",
                email="" if index % 3 else f"client{index}@example.com",
                address_line1=street,
                zip_code=zip_code,
                preferred_language=language,
            )
            city.count("clients")
            _seed_client_history(city, client, navigator, index, today)
        city.clients.append(client)


def _seed_client_history(city, client, navigator, index, today) -> None:
    rng = random.Random(f"client-{index}")
    # Household: a spouse for some, children for others.
    household_size = 1
    if rng.random() < 0.5:
        services.household_member_add(
            actor=navigator, client=client, name="", relationship="spouse", age=rng.randint(25, 70)
        )
        household_size += 1
    children = sorted(rng.randint(0, 17) for _ in range(rng.choice([0, 0, 1, 2, 3])))
    for age in children:
        services.household_member_add(actor=navigator, client=client, relationship="child", age=age)
        household_size += 1
    city.count("household members", household_size - 1)

    # Every fourth client has no intake yet (the dashboard lists them).
    if index % 4 == 3:
        return
    for visit in range(1 + (index % 5 == 0)):
        services.intake_create(
            actor=navigator,
            client=client,
            **_intake_answers(rng, client, household_size, children, today, visit),
        )
        city.count("intakes")

    if index % 2 == 0:
        services.note_add(actor=navigator, client=client, body=rng.choice(NOTES))
        city.count("notes")

    if index % 3 != 2:
        agencies = rng.sample(city.agencies, k=rng.randint(1, 3))
        services.consent_record(
            actor=navigator,
            client=client,
            scopes=rng.sample(ConsentScope.values, k=rng.randint(1, len(ConsentScope.values))),
            recipients=agencies,
            method=rng.choice(ConsentMethod.values),
            given_on=today - datetime.timedelta(days=rng.randint(0, 420)),  # some expired
        )
        city.count("consents")


def _maybe(rng, value, not_asked=0.2):
    """The answer, or None ("not asked") now and then."""
    return None if rng.random() < not_asked else value


def _intake_answers(rng, client, household_size, children, today, visit) -> dict:
    income = Decimal(rng.choice([0, 850, 1250, 1900, 2600, 3400, 4800]))
    employment = rng.choice(EmploymentStatus.values)
    sources = []
    if employment in (EmploymentStatus.FULL_TIME, EmploymentStatus.PART_TIME):
        sources.append(IncomeSource.WAGES)
    elif employment == EmploymentStatus.RETIRED:
        sources.append(IncomeSource.SOCIAL_SECURITY)
    elif income:
        sources.append(rng.choice(IncomeSource.values))
    age = client.age_on(today) or 40
    return {
        "interview_date": today - datetime.timedelta(days=rng.randint(1, 120) + 90 * visit),
        "language": client.preferred_language,
        "channel": rng.choice(Channel.values),
        "household_size": _maybe(rng, household_size, 0.1),
        "monthly_gross_income": _maybe(rng, income),
        "income_sources": _maybe(rng, [str(s) for s in sources]),
        "employment_status": _maybe(rng, employment) or "",
        "housing_status": _maybe(rng, rng.choice(HousingStatus.values)) or "",
        "health_insurance": _maybe(rng, rng.choice(HealthInsurance.values)) or "",
        "is_student": _maybe(rng, age < 26 and rng.random() < 0.5, 0.3),
        "is_veteran": _maybe(rng, age > 50 and rng.random() < 0.2, 0.3),
        "has_disability": _maybe(rng, rng.random() < 0.15, 0.4),
        "is_pregnant": _maybe(rng, False, 0.6),
        "has_internet_at_home": _maybe(rng, rng.random() < 0.6),
        "has_working_device": _maybe(rng, rng.random() < 0.7),
        "children_ages": _maybe(rng, children, 0.1),
        "benefits_received": _maybe(rng, rng.sample(Benefit.values, k=rng.randint(0, 2))),
        "needs": _maybe(rng, rng.sample(Need.values, k=rng.randint(1, 3)), 0.05),
        # Sensitive and optional: most interviews leave it unasked.
        "immigration_status": rng.choice(ImmigrationStatus.values) if rng.random() < 0.2 else "",
        "summary": "",
    }
