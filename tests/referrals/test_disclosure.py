"""Disclosure is exactly the consent: every partner surface, for every combination of scopes,
shows what the disclosure row says and nothing else (issue 9, finding 1)."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from casework import services as casework_services
from casework.models import AccessLogEntry, ConsentScope, Language
from referrals.access import referral_grant
from referrals.disclosure import ALL_SCOPES, reason_scopes, referral_disclosure
from referrals.models import Referral
from referrals.packets.services import packet_render
from referrals.services.notifications import notify_new_referral
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory, IntakeFactory, ProgramFactory

pytestmark = pytest.mark.django_db

SNAPSHOT = {
    "status": "likely_eligible",
    "reasons": [
        {
            "message_id": "area.zip.met",
            "params": {"zip": "95113"},
            "outcome": "met",
            "explanation": "Serves the city of San José.",
        },
        {
            "message_id": "income_fpl.met",
            "params": {
                "income": {"money": "2345.67"},
                "percent": 200,
                "year": 2026,
                "size": 7,
                "threshold": {"money": "8000"},
            },
            "outcome": "met",
            "explanation": "Serves households under 200% of the poverty guideline.",
        },
        {
            "message_id": "eq.met",
            "params": {
                "fact": {"fact": "health_insurance"},
                "actual": {"fact": "health_insurance", "value": "medicare"},
                "expected": {"fact": "health_insurance", "value": "medicare"},
            },
            "outcome": "met",
        },
        {
            "message_id": "any_under.met",
            "params": {"expected": 6, "actual": {"fact": "children_ages", "value": [4]}},
            "outcome": "met",
        },
        {"message_id": "capacity.waitlist", "params": {}, "outcome": "info"},
    ],
}

# What a reader would notice -> the disclosure keys that can show it.
MARKERS = {
    "555-0199": {"phone"},
    "rosa@example.org": {"email"},
    "12 Alum Rock Ave": {"address"},
    "95113": {"address", "screening:area.zip.met"},
    # The date as written ("March 14, 1961"), not the bare year: after a long run a row id or
    # a timestamp's microseconds in the page can hold "1961".
    "14, 1961": {"date_of_birth"},
    "Español": {"language"},
    "Luisito": {"household_members"},
    "Household size": {"household_size"},
    "household of 7": {"screening:income_fpl.met"},
    "Interview date": {"interview_date"},
    "2,345.67": {"monthly_income", "screening:income_fpl.met"},
    "In a shelter": {"housing"},
    "Retired": {"employment"},
    "Medicare": {"health_insurance", "screening:eq.met"},
    "Legal help": {"needs"},
    "Prefers morning calls": {"notes"},
    "A child is under 6": {"screening:any_under.met"},
    "The program has a waitlist": {"screening:capacity.waitlist"},
}
# The scopes that release information on a page ("documents" releases attached files only:
# tests/referrals/test_attachments.py).
INFORMATION_SCOPES = [s for s in ConsentScope.values if s in ALL_SCOPES]
SCOPE_SETS = [
    list(combo) for n in range(1, 5) for combo in itertools.combinations(INFORMATION_SCOPES, n)
]


def make_referral(personas, scopes) -> Referral:
    rosa = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name="Rosa",
        legal_last_name="Martinez",
        date_of_birth=datetime.date(1961, 3, 14),
        phone="+14085550199",
        email="rosa@example.org",
        address_line1="12 Alum Rock Ave",
        zip_code="95113",
        preferred_language=Language.SPANISH,
    )
    casework_services.household_member_add(
        actor=personas.navigator_a, client=rosa, name="Luisito", relationship="child", age=4
    )
    intake = IntakeFactory(
        client=rosa,
        navigator=personas.navigator_a,
        household_size=7,
        monthly_gross_income=Decimal("2345.67"),
        housing_status="shelter",
        employment_status="retired",
        health_insurance="medicare",
        needs=["legal"],
    )
    casework_services.note_add(
        actor=personas.navigator_a, client=rosa, body="Prefers morning calls."
    )
    consent = ConsentFactory(
        client=rosa, recorded_by=personas.navigator_a, recipients=[personas.agency_x], scopes=scopes
    )
    program = ProgramFactory(agency=personas.agency_x, name="Groceries Now")
    referral = Referral.objects.create(
        client=rosa,
        program=program,
        agency=personas.agency_x,
        sending_center=personas.center_a,
        sent_by=personas.navigator_a,
        consent=consent,
        intake=intake,
        need_category="food",
        reason="Asked for help with groceries.",
        screening_snapshot=SNAPSHOT,
    )
    referral_grant(referral=referral)
    return referral


def assert_matches(content: str, disclosed: list[str], surface: str) -> None:
    flat = " ".join(content.replace("&#x27;", "'").split())
    assert "Rosa Martinez" in flat and "name" in disclosed, surface
    for marker, keys in MARKERS.items():
        expected = bool(keys & set(disclosed))
        assert (marker in flat) == expected, (surface, marker, disclosed)


def main(html: str) -> str:
    """The page's own content (the layout's language menu names every language)."""
    start = html.find("<main")
    return html[start : html.index("</main>")] if start >= 0 else html


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("scopes", SCOPE_SETS, ids=["+".join(s) for s in SCOPE_SETS])
def test_each_surface_shows_exactly_what_its_disclosure_row_lists(client, personas, scopes):
    referral = make_referral(personas, scopes)
    login(client, personas.partner_x)

    # The referral page.
    page = client.get(reverse("referrals:detail", args=[referral.reference_code]))
    assert page.status_code == 200
    row = AccessLogEntry.objects.get(action="disclose")
    assert_matches(main(page.content.decode()), row.fields_disclosed, "page")
    # Every scope the consent covers shows something; nothing else does.
    disclosure = referral_disclosure(referral=referral)
    assert {disclosure.item(k).scope for k in row.fields_disclosed if disclosure.item(k)} == set(
        scopes
    )

    # The agency copy of the packet, downloaded: the download's row lists what the PDF shows.
    assert packet_render(referral_id=referral.pk)
    response = client.get(
        reverse("referrals:packet_file", args=[referral.reference_code, "agency"])
    )
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    download = AccessLogEntry.objects.get(action="download")
    assert_matches(text, download.fields_disclosed, "agency packet")

    # The packet box (htmx) and the email to the agency show no client detail at all.
    box = client.get(reverse("referrals:packet_status", args=[referral.reference_code]))
    assert_matches_nothing(main(box.content.decode()))
    mail.outbox.clear()
    assert notify_new_referral(referral.pk) >= 1
    for message in mail.outbox:
        assert_matches_nothing(message.subject + message.body)


def assert_matches_nothing(content: str) -> None:
    for marker in (*MARKERS, "Rosa", "Martinez"):
        if marker in ("The program has a waitlist", "Household size", "Interview date"):
            continue
        assert marker not in content, marker


def test_finding_1_notes_only_consent_shows_no_zip_or_insurance(client, personas):
    """The reproduced finding: a notes-only consent showed the ZIP and "Medicare" through the
    screening reasons, and the row said only ['notes']."""
    referral = make_referral(personas, ["notes"])
    login(client, personas.partner_x)
    body = client.get(reverse("referrals:detail", args=[referral.reference_code])).content.decode()
    assert "Prefers morning calls." in body
    assert "95113" not in body and "Medicare" not in body and "2,345.67" not in body
    # In place of a withheld reason, the rule's own explanation (no client data).
    assert "Serves the city of San José." in body
    row = AccessLogEntry.objects.get(action="disclose")
    assert row.fields_disclosed == ["name", "notes", "screening:capacity.waitlist"]


@pytest.mark.parametrize(
    ("message_id", "params", "needs"),
    [
        ("area.zip.met", {"zip": "95113"}, {"contact"}),
        ("income_fpl.met", {}, {"intake", "demographics"}),
        ("gte.met", {"fact": {"fact": "age"}}, {"demographics"}),
        ("eq.met", {"fact": {"fact": "immigration_status"}}, {"intake"}),
        ("fact.unknown", {"fact": {"fact": "household_size"}}, {"demographics"}),
        ("capacity.closed", {}, set()),
        ("made.up", {}, set(ALL_SCOPES)),
    ],
)
def test_reason_scopes(message_id, params, needs):
    assert reason_scopes({"message_id": message_id, "params": params}) == needs
    assert reason_scopes("an old plain-text reason") == set(ALL_SCOPES)
