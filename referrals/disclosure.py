"""The one function that decides what a consent releases to a partner agency.

``referral_disclosure(referral)`` returns every client fact the referral's consent covers at
the moment of the call, as an ordered list of items (a stable key, a label, a value), plus the
screening reasons the consent covers. Every partner surface renders from it and nothing else:
the referral page (``referrals/views/detail.py``), the agency copy of the packet
(``referrals/packets/render.py``); emails carry no client details at all. The access-log row
of a partner read lists the keys of exactly the items that surface showed (``Disclosure.keys``
or a surface's subset, ``Disclosure.only``).

Which scope releases what (``FIELD_SCOPE``, ``FACT_SCOPES``):

- name and the referral itself (program, need, urgency, the navigator's reason and note to the
  agency, the screening *status*): always, they are what a referral is.
- contact: phone, email, street address; and any screening reason about the ZIP code, county
  or service area (a ZIP is part of the address).
- demographics: date of birth, preferred language, household members, household size; and
  reasons about age, household size or children's ages.
- intake: interview date, monthly income, housing, employment, health insurance, needs; and
  reasons about every other intake fact (income, insurance, housing, employment, benefits,
  pregnancy, student, veteran, disability, internet, device, immigration status).
- notes: the client's notes.

A reason about several facts needs every scope involved: "monthly income ... for a household of
3" needs intake *and* demographics. A reason about no client fact (program closed, waitlist, no
rules) is always shown. A reason the consent does not cover is replaced by the rule's own
explanation (written by an administrator, no client data), or left out if it has none. A
snapshot reason of unknown shape (an old plain string) needs every scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from casework.models import ConsentScope
from casework.models.choices import LANGUAGE_AUTONYMS
from casework.models.intake import Need
from casework.selectors import INTAKE_QUESTIONS, intake_answers
from referrals.eligibility.catalogue import FACTS
from referrals.models import Referral

CONTACT = ConsentScope.CONTACT.value
DEMOGRAPHICS = ConsentScope.DEMOGRAPHICS.value
INTAKE = ConsentScope.INTAKE.value
NOTES = ConsentScope.NOTES.value
# The scopes that release information on the page; "documents" releases attached files only
# (referrals/attachments.py), so an old plain-text reason does not need it.
ALL_SCOPES = frozenset({CONTACT, DEMOGRAPHICS, INTAKE, NOTES})

# Every client field a partner surface can show, in display order, with the scope releasing it.
FIELD_SCOPE: dict[str, str] = {
    "phone": CONTACT,
    "email": CONTACT,
    "address": CONTACT,
    "date_of_birth": DEMOGRAPHICS,
    "language": DEMOGRAPHICS,
    "administrative_gender": DEMOGRAPHICS,
    "household_members": DEMOGRAPHICS,
    "household_size": DEMOGRAPHICS,
    "interview_date": INTAKE,
    "monthly_income": INTAKE,
    "housing": INTAKE,
    "employment": INTAKE,
    "health_insurance": INTAKE,
    "needs": INTAKE,
    "benefits": INTAKE,
    "notes": NOTES,
}

# Every other intake answer a partner may need (internet at home, a working device, children's
# ages, hours worked...), keyed "intake:<field>". Immigration answers are never disclosed.
_INTAKE_SHOWN_ELSEWHERE = {
    "household_size",
    "monthly_gross_income",
    "employment_status",
    "housing_status",
    "health_insurance",
    "needs",
    "benefits_received",
    "immigration_status",
    "household_immigration_status",
}
FIELD_SCOPE.update(
    {
        f"intake:{name}": DEMOGRAPHICS if name == "children_ages" else INTAKE
        for name in INTAKE_QUESTIONS
        if name not in _INTAKE_SHOWN_ELSEWHERE
    }
)

FIELD_LABELS = {
    "phone": _("Phone"),
    "email": _("Email"),
    "address": _("Address"),
    "date_of_birth": _("Date of birth"),
    "language": _("Preferred language"),
    "administrative_gender": _("Administrative gender"),
    "household_members": _("Household members"),
    "household_size": _("Household size"),
    "interview_date": _("Interview date"),
    "monthly_income": _("Monthly income"),
    "housing": _("Housing"),
    "employment": _("Employment"),
    "health_insurance": _("Health insurance"),
    "needs": _("Needs"),
    "benefits": _("Benefits already received"),
    "notes": _("Notes"),
}

# Facts of the screening catalogue -> the scopes a reason about them needs.
_FACT_SCOPE_OVERRIDES = {
    "zip_code": {CONTACT},
    "county": {CONTACT},
    "age": {DEMOGRAPHICS},
    "household_size": {DEMOGRAPHICS},
    "children_ages": {DEMOGRAPHICS},
    "income_pct_fpl": {INTAKE, DEMOGRAPHICS},
}
FACT_SCOPES: dict[str, frozenset[str]] = {
    name: frozenset(_FACT_SCOPE_OVERRIDES.get(name, {INTAKE})) for name in FACTS
}
# Reasons whose message (not a fact param) names what they reveal.
_MESSAGE_SCOPES = {
    "income_fpl": frozenset({INTAKE, DEMOGRAPHICS}),
    "area": frozenset({CONTACT}),
    "any_under": FACT_SCOPES["children_ages"],
    "capacity": frozenset(),
    "program": frozenset(),
    "rules": frozenset(),
}

NOTES_SHOWN = 20


def reason_scopes(reason) -> frozenset[str]:
    """The consent scopes a screening reason (a snapshot dict) needs before a partner sees it."""
    if not isinstance(reason, dict) or not reason.get("message_id"):
        return ALL_SCOPES
    prefix = reason["message_id"].split(".", 1)[0]
    if prefix in _MESSAGE_SCOPES:
        return _MESSAGE_SCOPES[prefix]
    fact = (reason.get("params") or {}).get("fact")
    name = fact.get("fact") if isinstance(fact, dict) else None
    if name in FACT_SCOPES:
        return FACT_SCOPES[name]
    return ALL_SCOPES


def reason_key(reason) -> str:
    """The access-log key of a shown reason: ``screening:<message id>``."""
    if isinstance(reason, dict) and reason.get("message_id"):
        return f"screening:{reason['message_id']}"
    return "screening:text"


@dataclass
class Item:
    key: str
    label: str
    value: object  # a display string; for "notes" a list of notes; for household a list

    @property
    def scope(self) -> str:
        return FIELD_SCOPE[self.key]


@dataclass
class ShownReason:
    key: str
    reason: dict  # the snapshot reason, as stamped
    covered: bool  # False: only the rule's explanation may be shown


@dataclass
class Disclosure:
    scopes: list[str]
    name: str
    items: list[Item] = field(default_factory=list)
    reasons: list[ShownReason] = field(default_factory=list)
    snapshot: dict = field(default_factory=dict)

    def by_scope(self, scope: str) -> list[Item]:
        return [i for i in self.items if i.scope == scope]

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    @property
    def intake(self) -> list[Item]:
        return self.by_scope(INTAKE)

    @property
    def contact(self) -> list[Item]:
        return self.by_scope(CONTACT)

    @property
    def demographics(self) -> list[Item]:
        return self.by_scope(DEMOGRAPHICS)

    @property
    def notes(self) -> list:
        item = self.item("notes")
        return item.value if item else []

    @property
    def covered_reasons(self) -> list[dict]:
        return [r.reason for r in self.reasons if r.covered]

    @property
    def withheld_reasons(self) -> list[dict]:
        return [r.reason for r in self.reasons if not r.covered]

    def keys(self, *, reasons: list[ShownReason] | None = None) -> list[str]:
        """What an access-log row records: the name, each shown field, each shown reason."""
        shown = self.reasons if reasons is None else reasons
        keys = ["name", *(i.key for i in self.items)]
        keys += [r.key for r in shown if r.covered]
        return list(dict.fromkeys(keys))

    def only(self, keys) -> Disclosure:
        """The same disclosure restricted to the fields a surface can show."""
        wanted = set(keys)
        return Disclosure(
            scopes=self.scopes,
            name=self.name,
            items=[i for i in self.items if i.key in wanted],
            reasons=self.reasons,
            snapshot=self.snapshot,
        )


def _benefit_labels(values) -> list[str]:
    from casework.models.intake import Benefit

    return [str(Benefit(v).label) if v in Benefit.values else str(v) for v in (values or [])]


def _money(amount) -> str:
    value = Decimal(str(amount))
    return f"${value:,.0f}" if value == value.to_integral_value() else f"${value:,.2f}"


def _latest_intake(referral: Referral):
    if referral.intake_id:
        return referral.intake
    return referral.client.intakes.order_by("-interview_date", "-id").first()


def referral_disclosure(*, referral: Referral) -> Disclosure:
    """What the referral's consent releases to the receiving agency now, rendered in the active
    language. An inactive consent (revoked, expired, not yet valid) releases nothing but the
    name; callers do not show such a referral to the agency at all (``referrals.access``)."""
    client, consent = referral.client, referral.consent
    scopes = [s for s in ConsentScope.values if consent.is_active and consent.covers(s)]
    disclosure = Disclosure(
        scopes=scopes, name=client.display_name, snapshot=referral.screening_snapshot or {}
    )
    items = disclosure.items

    def add(key, value):
        if value not in (None, "", []):
            items.append(Item(key, str(FIELD_LABELS[key]), value))

    intake = _latest_intake(referral) if {DEMOGRAPHICS, INTAKE} & set(scopes) else None
    if CONTACT in scopes:
        add("phone", client.phone.as_national if client.phone else "")
        add("email", client.email)
        if client.address_line1:
            parts = (client.address_line1, client.address_line2, client.city, client.zip_code)
            add("address", ", ".join(p for p in parts if p))
    if DEMOGRAPHICS in scopes:
        if client.date_of_birth:
            add("date_of_birth", formats.date_format(client.date_of_birth))
        add("language", LANGUAGE_AUTONYMS.get(client.preferred_language, ""))
        add(
            "administrative_gender",
            client.get_administrative_gender_display() if client.administrative_gender else "",
        )
        add("household_members", ", ".join(str(m) for m in client.household.all()))
        if intake is not None and intake.household_size:
            add("household_size", str(intake.household_size))
    if INTAKE in scopes and intake is not None:
        add("interview_date", formats.date_format(intake.interview_date))
        if intake.monthly_gross_income is not None:
            add("monthly_income", _money(intake.monthly_gross_income))
        add("housing", intake.get_housing_status_display() if intake.housing_status else "")
        add(
            "employment",
            intake.get_employment_status_display() if intake.employment_status else "",
        )
        add(
            "health_insurance",
            intake.get_health_insurance_display() if intake.health_insurance else "",
        )
        add(
            "needs", ", ".join(str(Need(n).label) for n in (intake.needs or []) if n in Need.values)
        )
        add("benefits", ", ".join(_benefit_labels(intake.benefits_received)))
        for name, answer in zip(INTAKE_QUESTIONS, intake_answers(intake), strict=True):
            key = f"intake:{name}"
            if key in FIELD_SCOPE and not answer.not_asked and FIELD_SCOPE[key] in scopes:
                items.append(Item(key, answer.label, answer.value))
    if NOTES in scopes:
        notes = client.notes.select_related("author").order_by("-created_at")[:NOTES_SHOWN]
        add("notes", list(notes))
    granted = set(scopes)
    for reason in (referral.screening_snapshot or {}).get("reasons") or []:
        disclosure.reasons.append(
            ShownReason(reason_key(reason), reason, covered=reason_scopes(reason) <= granted)
        )
    return disclosure


# The access-log key of a partner reading the referral's conversation (referrals/conversation.py).
CONVERSATION_KEY = "conversation"


def disclosed_labels(keys) -> list[str]:
    """An access-log row's ``fields_disclosed`` as a reader would say it (the disclosure
    report). Rows written before field keys existed hold scope names: those read as scopes."""
    scope_labels = dict(ConsentScope.choices)
    labels: list[str] = []
    for key in keys or []:
        if key == "name":
            label = _("Name")
        elif key.startswith("screening:"):
            label = _("Screening details")
        elif key == CONVERSATION_KEY:
            label = _("Messages about the referral")
        else:
            label = FIELD_LABELS.get(key) or scope_labels.get(key) or key
        if str(label) not in labels:
            labels.append(str(label))
    return labels
