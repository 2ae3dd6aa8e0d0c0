"""What screening returns: a status per program, the reasons, and what is still unknown."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .explain import render, render_question


class EligibilityStatus(models.TextChoices):
    LIKELY_ELIGIBLE = "likely_eligible", _("Likely eligible")
    OPEN_TO_ALL = "open_to_all", _("Open to everyone in the service area")
    NEED_MORE_INFO = "need_more_info", _("Need more information")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


STATUS_RANK = {
    EligibilityStatus.LIKELY_ELIGIBLE: 0,
    EligibilityStatus.OPEN_TO_ALL: 1,
    EligibilityStatus.NEED_MORE_INFO: 2,
    EligibilityStatus.NOT_ELIGIBLE: 3,
}


class Outcome(models.TextChoices):
    MET = "met", _("Meets")
    NOT_MET = "not_met", _("Does not meet")
    UNKNOWN = "unknown", _("Unknown")
    INFO = "info", _("Note")


@dataclass(slots=True)
class Reason:
    message_id: str
    params: dict
    outcome: str
    criterion_id: int | None = None
    explanation: str = ""
    citation: str = ""

    def render(self, language: str | None = None) -> str:
        return render(self.message_id, self.params, language)

    @property
    def text(self) -> str:
        return self.render()

    def to_dict(self) -> dict:
        return {
            "message_id": self.message_id,
            "params": self.params,
            "outcome": self.outcome,
            "text": self.render("en"),
            "criterion_id": self.criterion_id,
            "explanation": self.explanation,
            "citation": self.citation,
        }


def render_reason(reason, language: str | None = None) -> str:
    """A Reason, or a reason dict from a snapshot, as text in ``language``."""
    if isinstance(reason, Reason):
        return reason.render(language)
    return render(reason["message_id"], reason.get("params", {}), language)


@dataclass(slots=True)
class ProgramResult:
    program: object  # referrals.models.Program
    status: str
    reasons: list[Reason]
    missing: list[str]
    screened_on: datetime.date
    rule_set_id: int | None = None
    rule_set_version: int | None = None
    guideline_year: int | None = None
    matches_need: bool = False
    in_area: bool | None = None
    notices: list[Reason] = field(default_factory=list)
    facts: dict | None = None  # the facts screened (shared by every result of a screening)
    estimated_monthly_value: Decimal | None = None  # an estimate, never a promise
    value_working: list[Reason] = field(default_factory=list)

    @property
    def program_id(self) -> int:
        return self.program.pk

    @property
    def capacity_status(self) -> str:
        return self.program.capacity_status

    @property
    def is_closed(self) -> bool:
        return self.program.capacity_status == "closed"

    def get_status_display(self) -> str:
        return str(EligibilityStatus(self.status).label)

    def questions(self, language: str | None = None) -> list[str]:
        """The exact questions to ask, de-duplicated, in ``language``."""
        seen: list[str] = []
        for name in self.missing:
            text = render_question(name, language)
            if text not in seen:
                seen.append(text)
        return seen

    def sort_key(self):
        return (
            not self.matches_need,
            STATUS_RANK[self.status],
            self.is_closed,
            self.program.name.lower(),
            self.program.pk,
        )

    def to_snapshot(self) -> dict:
        """JSON-able record of this result, for a referral to keep (English text included;
        ``message_id`` + ``params`` re-render in any language with ``render_reason``)."""
        return {
            "program_id": self.program.pk,
            "program_name": self.program.name,
            "status": str(self.status),
            "reasons": [r.to_dict() for r in self.reasons],
            "notices": [r.to_dict() for r in self.notices],
            "missing": list(self.missing),
            "questions": self.questions("en"),
            "rule_set_id": self.rule_set_id,
            "rule_set_version": self.rule_set_version,
            "guideline_year": self.guideline_year,
            "screened_on": self.screened_on.isoformat(),
            "matches_need": self.matches_need,
            "in_area": self.in_area,
            "facts": snapshot_facts(self.facts),
            "estimated_monthly_value": (
                None if self.estimated_monthly_value is None else str(self.estimated_monthly_value)
            ),
            "value_working": [r.to_dict() for r in self.value_working],
        }


# Never copied onto a referral: a rule that used them says so in its reason.
_PRIVATE_FACTS = frozenset({"immigration_status", "household_immigration_status"})


def snapshot_facts(facts: dict | None) -> dict:
    """The known facts a screening used, JSON-able (money and percentages as strings)."""
    out = {}
    for name, value in (facts or {}).items():
        if value is None or name in _PRIVATE_FACTS:
            continue
        out[name] = str(value) if isinstance(value, Decimal) else value
    return out
