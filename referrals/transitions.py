"""The referral state machine on one table: for each action, where it may start, where it
ends, which side takes it, what the button says, how it reads in the past tense, which form
it asks for and which codes that form offers (DESIGN.md "The referral lifecycle").

Services (``referrals.services.lifecycle``), the referral page and the confirmation step all
read this table, so a label or an outcome list is changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .access import ReferralSide
from .forms import CloseForm, RejectForm, TransitionForm
from .models import Outcome, ReferralStatus, RejectionReason

S = ReferralStatus


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    side: ReferralSide
    label: Promise  # the button and the form's legend ("Decline")
    past: Promise  # "This referral ... cannot be {past} now" ("declined")
    form: type[TransitionForm]
    # The codes the form offers and the service accepts (reasons or outcomes); empty: none.
    codes: tuple[tuple[str, Promise], ...] = ()
    # Closes the referral: the page asks for a confirmation before it is recorded.
    closing: bool = False
    danger: bool = False

    def make_form(self, data=None) -> TransitionForm:
        return self.form(data, codes=self.codes, auto_id=f"id_{self.action}_%s")


def _choices(*members) -> tuple[tuple[str, Promise], ...]:
    return tuple((m.value, m.label) for m in members)


# "Got help" outcomes close a referral as completed; the others close it as failed.
COMPLETE_OUTCOMES = _choices(Outcome.GOT_HELP)
FAIL_OUTCOMES = _choices(
    Outcome.COULD_NOT_CONTACT,
    Outcome.NOT_ELIGIBLE,
    Outcome.NO_CAPACITY,
    Outcome.CLIENT_DECLINED,
    Outcome.OTHER,
)

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "accept",
            (S.REQUESTED,),
            S.ACCEPTED,
            ReferralSide.RECEIVER,
            label=_("Accept"),
            past=_("accepted"),
            form=TransitionForm,
        ),
        Transition(
            "reject",
            (S.REQUESTED,),
            S.REJECTED,
            ReferralSide.RECEIVER,
            label=_("Decline"),
            past=_("declined"),
            form=RejectForm,
            codes=tuple(RejectionReason.choices),
            closing=True,
            danger=True,
        ),
        Transition(
            "start",
            (S.ACCEPTED,),
            S.IN_PROGRESS,
            ReferralSide.RECEIVER,
            label=_("Start work"),
            past=_("started"),
            form=TransitionForm,
        ),
        Transition(
            "complete",
            (S.IN_PROGRESS,),
            S.COMPLETED,
            ReferralSide.RECEIVER,
            label=_("Complete"),
            past=_("completed"),
            form=CloseForm,
            codes=COMPLETE_OUTCOMES,
            closing=True,
        ),
        Transition(
            "fail",
            (S.IN_PROGRESS,),
            S.FAILED,
            ReferralSide.RECEIVER,
            label=_("Close as failed"),
            past=_("closed as failed"),
            form=CloseForm,
            codes=FAIL_OUTCOMES,
            closing=True,
            danger=True,
        ),
        Transition(
            "cancel",
            (S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS),
            S.CANCELLED,
            ReferralSide.SENDER,
            label=_("Cancel referral"),
            past=_("cancelled"),
            form=TransitionForm,
            closing=True,
            danger=True,
        ),
    )
}

# (from, to) -> action: the whole state machine, for the transition-table tests and the UI.
LEGAL_MOVES: dict[tuple[str, str], str] = {
    (source, t.target): t.action for t in TRANSITIONS.values() for source in t.sources
}


def transitions_available(*, status: str, side: ReferralSide) -> list[Transition]:
    """The moves the given side may make from ``status``, in table order (for the buttons)."""
    return [t for t in TRANSITIONS.values() if t.side == side and status in t.sources]
