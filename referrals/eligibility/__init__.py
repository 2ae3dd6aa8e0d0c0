"""Explainable eligibility screening: rules are data, every result says why.

Stable public API (the referrals lifecycle stamps ``ProgramResult.to_snapshot()`` on a referral):

    screen_intake(*, intake, on=None, programs=None, overrides=None) -> list[ProgramResult]
    screen_facts(*, facts, on=None, programs=None, needs=None)
        -> list[ProgramResult]
    screen_program(*, intake, program, on=None) -> ProgramResult

    ProgramResult.program_id, .program, .status (EligibilityStatus), .reasons (list[Reason]),
        .missing (fact names), .questions() (translated text), .rule_set_id,
        .rule_set_version, .screened_on, .matches_need, .in_area, .capacity_status
    ProgramResult.to_snapshot() -> {"program_id", "program_name", "status", "reasons": [
        {"message_id", "params", "outcome", "text" (English), "criterion_id", "explanation",
         "citation"}], "missing": [...], "questions": [...English], "rule_set_id",
        "rule_set_version", "guideline_year", "screened_on" (ISO date), "matches_need",
        "in_area"}
    render_reason(reason_or_snapshot_dict, language=None) -> str  (re-render in any language)

Reasons render in the active language when displayed (``reason.text``/``render(lang)``).
``overrides`` replaces intake facts for a "what if" (nothing is saved).
``on`` defaults to today (America/Los_Angeles). ``programs`` defaults to every active program;
a queryset or list of programs narrows it. Missing facts never make a program "not eligible".
Results are ordered: programs matching the client's stated needs first, then by status.
"""

from .results import EligibilityStatus, ProgramResult, Reason, render_reason


def screen_intake(*, intake, on=None, programs=None, overrides=None):
    """Screens an intake interview (and its client) against programs; saves nothing."""
    from .engine import screen_intake as _screen_intake

    return _screen_intake(intake=intake, on=on, programs=programs, overrides=overrides)


def screen_facts(*, facts, on=None, programs=None, needs=None):
    """Screens a plain dict of catalogue facts (the ``screen`` command, the "what if" view)."""
    from .engine import screen_facts as _screen_facts

    return _screen_facts(facts=facts, on=on, programs=programs, needs=needs)


def screen_program(*, intake, program, on=None):
    """One program's result for an intake (what a referral stamps)."""
    results = screen_intake(intake=intake, on=on, programs=[program])
    return results[0]


__all__ = [
    "EligibilityStatus",
    "ProgramResult",
    "Reason",
    "render_reason",
    "screen_facts",
    "screen_intake",
    "screen_program",
]
