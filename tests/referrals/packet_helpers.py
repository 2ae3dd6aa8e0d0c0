"""Referrals for packet tests, made directly (ORM + referral_grant), so the packet tests do not
depend on the send form; the referral is exactly what referral_send stores."""

from django.utils import timezone

from casework.models import Language
from referrals.access import referral_grant
from referrals.models import Referral, ServiceAtLocation
from tests.factories import (
    ClientFactory,
    ConsentFactory,
    IntakeFactory,
    LocationFactory,
    ProgramFactory,
)

# The screening sentence as referrals.eligibility renders it (in English), and the rule's
# explanation as an administrator wrote it.
REASON = (
    "Monthly income $2,300 is at or under 200% of the 2026 poverty guideline for a household "
    "of 2: $3,607"
)
EXPLANATION = "CalFresh serves households under 200% of the poverty guideline."
SNAPSHOT = {
    "status": "likely_eligible",
    "reasons": [
        {
            "message_id": "income_fpl.met",
            "params": {
                "income": {"money": "2300"},
                "percent": 200,
                "year": 2026,
                "size": 2,
                "threshold": {"money": "3607"},
            },
            "outcome": "met",
            "text": REASON,
            "explanation": EXPLANATION,
            "citation": "7 CFR 273.9",
        },
        {
            "message_id": "fact.unknown",
            "params": {"fact": {"fact": "is_student"}},
            "outcome": "unknown",
            "text": "Not known yet: student",
        },
    ],
}


def make_program(personas, *, name="Second Harvest CalFresh Help"):
    program = ProgramFactory(
        agency=personas.agency_x,
        name=name,
        contact_name="Intake desk",
        required_documents="Photo ID\nProof of income (last 30 days)",
    )
    location = LocationFactory(
        agency=personas.agency_x,
        name="Eastside office",
        address_1="1450 Story Rd",
        hours="Mon–Fri 9:00–17:00",
    )
    ServiceAtLocation.objects.create(program=program, location=location)
    return program


def make_referral(
    personas,
    *,
    language=Language.SPANISH,
    scopes=None,
    program=None,
    first_name="Rosa",
    last_name="Martinez",
) -> Referral:
    client = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name=first_name,
        legal_last_name=last_name,
        preferred_language=language,
        email="client@example.org",
        address_line1="12 Alum Rock Ave",
    )
    intake = IntakeFactory(client=client, navigator=personas.navigator_a, needs=["food"])
    consent_kwargs = {} if scopes is None else {"scopes": scopes}
    consent = ConsentFactory(
        client=client,
        recorded_by=personas.navigator_a,
        recipients=[personas.agency_x],
        **consent_kwargs,
    )
    program = program or make_program(personas)
    now = timezone.now()
    referral = Referral.objects.create(
        client=client,
        program=program,
        agency=program.agency,
        sending_center=personas.center_a,
        sent_by=personas.navigator_a,
        consent=consent,
        intake=intake,
        need_category="food",
        reason="Needs help buying groceries.",
        screening_snapshot=SNAPSHOT,
        created_at=now,
        status_changed_at=now,
        packet_requested_at=now,
    )
    referral_grant(referral=referral)
    return referral


def phrase(language: str, key: str) -> str:
    """A packet phrase (referrals/packets/phrases.py) as gettext renders it in ``language``."""
    from django.utils import translation

    from referrals.packets.phrases import PHRASES

    with translation.override(language):
        return str(PHRASES[key])
