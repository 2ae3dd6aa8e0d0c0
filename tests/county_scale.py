"""A client at county scale, for page-size checks (tests) and `make bench-client-page`.

Builds 250 partner agencies, 1,000 programs (the demo directory's rule sets cycled, each at a
location with hours) and one client of a navigator's center with a long history: several
intake edits, 40 notes, 30 referrals in every status with their events, and consent to share
with 20 agencies. Returns ``(navigator, client)``. Call it inside a transaction you roll back
(referral packets and emails are queued on commit).
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

AGENCIES = 250
PROGRAMS = 1000
REFERRALS = 30
NOTES = 40


def build_county_client(*, agencies: int = AGENCIES, programs: int = PROGRAMS):
    from casework import services as casework_services
    from casework.models import OrganizationKind, Role, User
    from referrals.demo import bulk_create_rule_sets, load_directory_data, program_fields
    from referrals.eligibility import compiled
    from referrals.models import Location, Program, ServiceAtLocation
    from referrals.services import referral_transition
    from referrals.services.lifecycle import referral_send

    center = casework_services.organization_create(
        name="County Community Center", slug="county-center", kind=OrganizationKind.COMMUNITY_CENTER
    )
    navigator = User.objects.create_user(
        "county_nav", first_name="Nia", last_name="Navigator", email="nia@example.org"
    )
    casework_services.membership_create(user=navigator, organization=center, role=Role.NAVIGATOR)
    partner_orgs = [
        casework_services.organization_create(
            name=f"County Partner Agency {i:03d}",
            slug=f"county-agency-{i}",
            kind=OrganizationKind.PARTNER_AGENCY,
        )
        for i in range(agencies)
    ]
    partner = User.objects.create_user("county_partner", first_name="Pat", last_name="Partner")
    for org in partner_orgs[:20]:
        casework_services.membership_create(user=partner, organization=org, role=Role.PARTNER_STAFF)

    templates = [p for p in load_directory_data()["programs"] if p["rule_sets"]]
    rows, template_for = [], []
    for i, template in zip(range(programs), itertools.cycle(templates), strict=False):
        rows.append(
            Program(
                agency=partner_orgs[i % len(partner_orgs)],
                name=f"{template['name']} #{i}",
                **program_fields(template),
                last_verified_on=timezone.localdate(),
                capacity_status="closed" if i % 10 == 9 else "accepting",
            )
        )
        template_for.append(template)
    Program.objects.bulk_create(rows)
    locations = Location.objects.bulk_create(
        Location(
            agency=org,
            name=f"{org.name} office",
            address_1=f"{100 + n} Main St",
            postal_code="95112",
            hours="Mon–Fri 9:00–17:00",
        )
        for n, org in enumerate(partner_orgs)
    )
    location_of = {loc.agency_id: loc for loc in locations}
    ServiceAtLocation.objects.bulk_create(
        ServiceAtLocation(program=p, location=location_of[p.agency_id]) for p in rows
    )
    bulk_create_rule_sets(zip(rows, template_for, strict=True))
    compiled.invalidate()

    client = casework_services.client_create(
        actor=navigator,
        center=center,
        legal_first_name="Lan",
        legal_last_name="Tran",
        date_of_birth=datetime.date(1984, 6, 2),
        zip_code="95116",
        preferred_language="vi",
    )
    intake = casework_services.intake_create(
        actor=navigator,
        client=client,
        navigator=navigator,
        household_size=3,
        monthly_gross_income=Decimal("3900"),
        children_ages=[4],
        benefits_received=["medi_cal"],
        needs=["food", "digital_access"],
        has_working_device=False,
        has_internet_at_home=None,
        housing_status="rents",
        health_insurance="medi_cal",
    )
    for size in (4, 3, 4, 3):
        casework_services.intake_update(actor=navigator, intake=intake, household_size=size)
    for n in range(NOTES):
        casework_services.note_add(
            actor=navigator,
            client=client,
            body=f"Follow-up call {n}: talked about rent, food and the laptop program.",
        )
    for n in range(3):
        casework_services.household_member_add(
            actor=navigator, client=client, relationship="child", name=f"Child {n}", age=4 + n
        )
    casework_services.consent_record(
        actor=navigator,
        client=client,
        scopes=["contact", "demographics", "intake", "notes"],
        recipients=partner_orgs[:20],
        method="verbal",
        given_on=timezone.localdate(),
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
    )
    paths = [
        [],
        ["accept"],
        ["accept", "start"],
        ["accept", "start", ("complete", {"code": "got_help", "decided_by": "provider"})],
        ["accept", "start", ("fail", {"code": "could_not_contact", "decided_by": "provider"})],
        [("reject", {"code": "no_capacity"})],
    ]
    referable = [p for p in rows if p.agency_id in {o.pk for o in partner_orgs[:20]}]
    for n in range(REFERRALS):
        program = referable[n % len(referable)]
        referral = referral_send(
            actor=navigator,
            client=client,
            program=program,
            need_category=program.need_categories[0],
            reason="The family needs help this month.",
            note_to_agency="Call after 3pm.",
        )
        for step in paths[n % len(paths)]:
            action, kwargs = step if isinstance(step, tuple) else (step, {})
            referral = referral_transition(
                referral=referral, actor=partner, action=action, note="Done.", **kwargs
            )
    return navigator, client
