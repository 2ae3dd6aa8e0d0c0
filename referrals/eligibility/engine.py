"""The screening engine: facts × rule sets → a status with reasons, per program.

Rules of the game (DESIGN.md "Eligibility screening"):
- A criterion is met, not met, or unknown (its fact is missing). Criteria sharing an any-of
  group are met when one of them is met.
- Any criterion not met → not eligible. Otherwise any unknown → need more information, with
  the questions that would settle it. Otherwise likely eligible. A missing fact therefore
  never makes a program "not eligible".
- Outside the program's service area counts as a criterion not met; closed or waitlisted
  programs keep their status and say so.
- Queries are constant in the number of programs: programs, their rule set in force on the
  date with its criteria (prefetched), and the poverty guidelines, loaded once.
"""

import datetime
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from referrals.models import Criterion, PovertyGuideline, Program, RuleSet
from referrals.models.eligibility import annual_guideline, monthly_threshold

from .catalogue import FACTS, SANTA_CLARA, FactKind, Operator
from .facts import complete_facts, derive_income_pct_fpl, facts_from_intake
from .results import EligibilityStatus, Outcome, ProgramResult, Reason

MET, NOT_MET, UNKNOWN, INFO = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.INFO


# ---------------------------------------------------------------- loading (fixed queries)


def load_guidelines() -> dict[int, dict[int, int]]:
    """{year: {household size: annual amount}} — one query."""
    table: dict[int, dict[int, int]] = {}
    for year, size, amount in PovertyGuideline.objects.values_list(
        "year", "household_size", "annual_amount"
    ):
        table.setdefault(year, {})[size] = amount
    return table


def programs_for_screening(*, on: datetime.date, programs=None) -> list[Program]:
    """Programs with ``rule_sets_on`` (the rule set in force on ``on``) and its criteria."""
    in_force = (
        RuleSet.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from", "-version")
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id"))
        )
    )
    if programs is None:
        qs = Program.objects.filter(is_active=True)
    elif hasattr(programs, "model"):
        qs = programs
    else:
        qs = Program.objects.filter(pk__in=[p.pk for p in programs])
    qs = qs.select_related("agency").prefetch_related(
        Prefetch("rule_sets", queryset=in_force, to_attr="rule_sets_on")
    )
    return list(qs)


# ---------------------------------------------------------------- public entry points


def screen_intake(*, intake, on=None, programs=None, overrides=None):
    on = on or timezone.localdate()
    facts = facts_from_intake(intake, on=on)
    if overrides:
        facts.update({k: v for k, v in overrides.items() if k in FACTS})
    return screen_facts(facts=facts, on=on, programs=programs, needs=intake.needs)


def screen_facts(*, facts, on=None, programs=None, needs=None):
    on = on or timezone.localdate()
    guidelines = load_guidelines()
    facts = derive_income_pct_fpl(complete_facts(facts), on=on, guidelines=guidelines)
    needs = set(needs or [])
    results = [
        evaluate_program(program, facts=facts, guidelines=guidelines, needs=needs, on=on)
        for program in programs_for_screening(on=on, programs=programs)
    ]
    results.sort(key=ProgramResult.sort_key)
    return results


# ---------------------------------------------------------------- evaluation


def evaluate_criterion(criterion, *, facts, on=None, guidelines=None) -> Reason:
    """One criterion's outcome and reason for ``facts`` (tests, the admin's "try it")."""
    on = on or timezone.localdate()
    guidelines = guidelines if guidelines is not None else load_guidelines()
    facts = derive_income_pct_fpl(complete_facts(facts), on=on, guidelines=guidelines)
    _outcome, reason, _missing = _evaluate(criterion, criterion.rule_set, facts, guidelines)
    return reason


def evaluate_program(program, *, facts, guidelines, needs, on) -> ProgramResult:
    rule_sets = getattr(program, "rule_sets_on", None)
    rule_set = rule_sets[0] if rule_sets else None
    reasons: list[Reason] = []
    missing: list[str] = []
    notices: list[Reason] = []
    failed = unknown = False

    area_outcome, area_reason, area_missing = _check_area(program, facts)
    if area_reason is not None:
        reasons.append(area_reason)
    failed |= area_outcome == NOT_MET
    if area_outcome == UNKNOWN:
        unknown = True
        missing.extend(area_missing)

    if rule_set is None:
        reasons.append(Reason("rules.none", {}, INFO))
    else:
        units: dict[str, list] = {}
        order: list = []
        for criterion in rule_set.criteria.all():
            key = criterion.any_of_group or f"#{criterion.pk}"
            if key not in units:
                units[key] = []
                order.append(key)
            units[key].append(_evaluate(criterion, rule_set, facts, guidelines))
        for key in order:
            members = units[key]
            outcomes = {outcome for outcome, _r, _m in members}
            if MET in outcomes:
                reasons.extend(r for outcome, r, _m in members if outcome == MET)
                continue
            reasons.extend(r for _o, r, _m in members)
            if UNKNOWN in outcomes:
                unknown = True
                for outcome, _r, member_missing in members:
                    if outcome == UNKNOWN:
                        missing.extend(m for m in member_missing if m not in missing)
            else:
                failed = True

    if not program.is_active:
        notices.append(Reason("program.inactive", {}, INFO))
    if program.capacity_status == "closed":
        notices.append(Reason("capacity.closed", {}, INFO))
    elif program.capacity_status == "waitlist":
        notices.append(Reason("capacity.waitlist", {}, INFO))

    if failed:
        status = EligibilityStatus.NOT_ELIGIBLE
    elif unknown:
        status = EligibilityStatus.NEED_MORE_INFO
    else:
        status = EligibilityStatus.LIKELY_ELIGIBLE
    return ProgramResult(
        program=program,
        status=status,
        reasons=reasons,
        missing=missing,
        screened_on=on,
        rule_set_id=rule_set.pk if rule_set else None,
        rule_set_version=rule_set.version if rule_set else None,
        guideline_year=rule_set.guideline_year if rule_set else None,
        matches_need=bool(needs.intersection(program.need_categories or ())),
        in_area={MET: True, NOT_MET: False}.get(area_outcome),
        notices=notices,
    )


def _area_label(program) -> str:
    if program.service_area_zips:
        return ", ".join(program.service_area_zips)
    return f"{program.service_area_county} County"


def _check_area(program, facts):
    """(outcome, reason, missing facts) for the program's service area; MET when unlimited."""
    zips, county = program.service_area_zips, (program.service_area_county or "").strip()
    if not zips and not county:
        return MET, None, []
    zip_code = facts.get("zip_code")
    if zips:
        if zip_code is None:
            return (
                UNKNOWN,
                Reason("area.unknown", {"area": _area_label(program)}, UNKNOWN),
                ["zip_code"],
            )
        if zip_code in zips:
            return MET, Reason("area.zip.met", {"zip": zip_code}, MET), []
        return (
            NOT_MET,
            Reason("area.zip.not_met", {"zip": zip_code, "area": _area_label(program)}, NOT_MET),
            [],
        )
    wanted = county.removesuffix(" County").strip().lower()
    client_county = facts.get("county")
    if client_county is None:
        return (
            UNKNOWN,
            Reason("area.unknown", {"area": _area_label(program)}, UNKNOWN),
            ["zip_code" if zip_code is None else "county"],
        )
    if client_county == "" and wanted != SANTA_CLARA.lower():
        # Our ZIP table only knows Santa Clara County; elsewhere ask for the county.
        return UNKNOWN, Reason("area.unknown", {"area": _area_label(program)}, UNKNOWN), ["county"]
    params = {"zip": zip_code or "", "county": county.removesuffix(" County")}
    if client_county.lower() == wanted:
        return MET, Reason("area.county.met", params, MET), []
    return NOT_MET, Reason("area.county.not_met", params, NOT_MET), []


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def _evaluate(criterion: Criterion, rule_set: RuleSet, facts, guidelines):
    """(outcome, reason, missing fact names) for one criterion."""
    fact, op, expected = criterion.fact, criterion.operator, criterion.value
    cite = {
        "criterion_id": criterion.pk,
        "explanation": criterion.explanation,
        "citation": criterion.citation,
    }

    if op == Operator.LTE_FPL_PCT:
        year = criterion.guideline_year or rule_set.guideline_year
        income, size = facts.get("monthly_gross_income"), facts.get("household_size")
        missing = [
            name
            for name, value in (("monthly_gross_income", income), ("household_size", size))
            if value is None or (name == "household_size" and not value)
        ]
        if missing or year not in guidelines:
            params = {"percent": _jsonable(expected), "year": year}
            return UNKNOWN, Reason("income_fpl.unknown", params, UNKNOWN, **cite), missing
        threshold = monthly_threshold(annual_guideline(guidelines[year], int(size)), expected)
        outcome = MET if Decimal(str(income)) <= threshold else NOT_MET
        params = {
            "income": {"money": str(income)},
            "percent": _jsonable(expected),
            "year": year,
            "size": int(size),
            "threshold": {"money": str(threshold)},
        }
        return outcome, Reason(f"income_fpl.{outcome}", params, outcome, **cite), []

    actual = facts.get(fact)
    if actual is None:
        return UNKNOWN, Reason("fact.unknown", {"fact": {"fact": fact}}, UNKNOWN, **cite), [fact]

    kind = FACTS[fact].kind
    label = {"fact": fact}
    actual_param = {"fact": fact, "value": _jsonable(actual)}

    if op == Operator.ANY_UNDER:
        if not actual:
            return NOT_MET, Reason("any_under.none", {"expected": expected}, NOT_MET, **cite), []
        outcome = MET if any(age < expected for age in actual) else NOT_MET
        params = {"expected": expected, "actual": actual_param}
        return outcome, Reason(f"any_under.{outcome}", params, outcome, **cite), []

    if kind in (FactKind.INTEGER, FactKind.MONEY, FactKind.PERCENT):
        number = Decimal(str(actual))
        if op == Operator.BETWEEN:
            low, high = (Decimal(str(v)) for v in expected)
            outcome = MET if low <= number <= high else NOT_MET
            params = {
                "fact": label,
                "actual": actual_param,
                "low": {"fact": fact, "value": expected[0]},
                "high": {"fact": fact, "value": expected[1]},
            }
            return outcome, Reason(f"between.{outcome}", params, outcome, **cite), []
        if op in (Operator.IN, Operator.NOT_IN):
            inside = number in {Decimal(str(v)) for v in expected}
            outcome = MET if inside == (op == Operator.IN) else NOT_MET
        else:
            target = Decimal(str(expected))
            result = {
                Operator.EQ: number == target,
                Operator.NE: number != target,
                Operator.LT: number < target,
                Operator.LTE: number <= target,
                Operator.GT: number > target,
                Operator.GTE: number >= target,
            }[op]
            outcome = MET if result else NOT_MET
    else:
        if op == Operator.EQ:
            outcome = MET if actual == expected else NOT_MET
        elif op == Operator.NE:
            outcome = MET if actual != expected else NOT_MET
        elif op == Operator.IN:
            outcome = MET if actual in expected else NOT_MET
        else:  # NOT_IN
            outcome = MET if actual not in expected else NOT_MET

    if isinstance(expected, list):
        expected_param = {"fact": fact, "values": expected}
    else:
        expected_param = {"fact": fact, "value": expected}
    params = {"fact": label, "actual": actual_param, "expected": expected_param}
    return outcome, Reason(f"{op}.{outcome}", params, outcome, **cite), []
