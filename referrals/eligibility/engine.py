"""The screening engine: facts × rule sets → a status with reasons, per program.

Rules of the game (DESIGN.md "Eligibility screening"):
- A criterion is met, not met, or unknown (its fact is missing). Criteria sharing an any-of
  group are met when one of them is met.
- Any criterion not met → not eligible. Otherwise any unknown → need more information, with
  the questions that would settle it. Otherwise likely eligible. A missing fact therefore
  never makes a program "not eligible".
- Outside the program's service area counts as a criterion not met; closed or waitlisted
  programs keep their status and say so.
- Queries are constant in the number of programs: one freshness check when the compiled rules
  (referrals.eligibility.compiled) are current; four more (guidelines, criteria, rule sets,
  programs) after a change.
"""

import operator
from decimal import Decimal

from django.utils import timezone

from referrals.models import PovertyGuideline
from referrals.models.eligibility import annual_guideline, monthly_threshold

from . import compiled
from .catalogue import (
    FACTS,
    FPL_INCOME_FACTS,
    FPL_OPERATORS,
    SANTA_CLARA,
    FactKind,
    IfNotMet,
    Operator,
    fpl_counts_unborn,
    fpl_parts,
)
from .facts import complete_facts, derive_income_pct_fpl, facts_from_intake
from .results import EligibilityStatus, Outcome, ProgramResult, Reason
from .value import estimate

# Plain strings (the Outcome values): this is the hot loop of a 1,000-program screening.
MET, NOT_MET, UNKNOWN, INFO = (str(o.value) for o in Outcome)
_COMPARE = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
# Notices carry no parameters, so every result can share them (never mutated).
_INACTIVE = Reason("program.inactive", {}, INFO)
_CLOSED = Reason("capacity.closed", {}, INFO)
_WAITLIST = Reason("capacity.waitlist", {}, INFO)
EXCLUDE, NOTICE, ASK = (str(m.value) for m in IfNotMet)
_NOTICES: dict = {}


def _notice(key: str) -> Reason:
    reason = _NOTICES.get(key)
    if reason is None:
        reason = _NOTICES[key] = Reason(f"notice.{key}", {}, INFO)
    return reason


_NUMERIC_KINDS = frozenset({FactKind.INTEGER, FactKind.MONEY, FactKind.PERCENT})


# ---------------------------------------------------------------- loading (fixed queries)


def load_guidelines() -> dict[int, dict[int, int]]:
    """{year: {household size: annual amount}} — one query."""
    table: dict[int, dict[int, int]] = {}
    for year, size, amount in PovertyGuideline.objects.values_list(
        "year", "household_size", "annual_amount"
    ):
        table.setdefault(year, {})[size] = amount
    return table


def _selected(directory, programs) -> list:
    """Compiled programs to screen: every active one, or those given (a queryset or list)."""
    if programs is None:
        return [cp for cp in directory.programs.values() if cp.program.is_active]
    if hasattr(programs, "model"):
        pks = set(programs.values_list("pk", flat=True))
    else:
        pks = {p.pk for p in programs}
    if not pks.issubset(directory.programs):  # created since the copy was made: reload once
        compiled.invalidate()
        directory = compiled.current_directory()
    return [cp for pk, cp in directory.programs.items() if pk in pks]


# ---------------------------------------------------------------- public entry points


def screen_intake(*, intake, on=None, programs=None, overrides=None):
    on = on or timezone.localdate()
    facts = facts_from_intake(intake, on=on)
    if overrides:
        facts.update({k: v for k, v in overrides.items() if k in FACTS})
    return screen_facts(facts=facts, on=on, programs=programs, needs=intake.needs)


def screen_facts(*, facts, on=None, programs=None, needs=None):
    on = on or timezone.localdate()
    directory = compiled.current_directory()
    guidelines = directory.guidelines
    facts = derive_income_pct_fpl(complete_facts(facts), on=on, guidelines=guidelines)
    needs = frozenset(needs or ())
    memo: dict = {}
    results = [
        evaluate_program(cp, facts=facts, guidelines=guidelines, needs=needs, on=on, memo=memo)
        for cp in _selected(directory, programs)
    ]
    results.sort(key=ProgramResult.sort_key)
    return results


# ---------------------------------------------------------------- evaluation


def evaluate_criterion(criterion, *, facts, on=None, guidelines=None) -> Reason:
    """One criterion's outcome and reason for ``facts`` (tests, the admin's "try it")."""
    on = on or timezone.localdate()
    guidelines = guidelines if guidelines is not None else load_guidelines()
    facts = derive_income_pct_fpl(complete_facts(facts), on=on, guidelines=guidelines)
    _outcome, reason, _missing = _evaluate(criterion, criterion.rule_set, facts, guidelines, {})
    return reason


def evaluate_program(cp, *, facts, guidelines, needs, on, memo=None) -> ProgramResult:
    """One compiled program's result on ``on`` (see the module docstring for the rules)."""
    program = cp.program
    rule_set = cp.rule_set_on(on)
    memo = {} if memo is None else memo
    reasons: list[Reason] = []
    missing: list[str] = []
    notices: list[Reason] = []
    failed = unknown = held = False

    area = memo.get(cp.area_key)
    if area is None:
        area = memo[cp.area_key] = _check_area(program, facts)
    area_outcome, area_reason, area_missing = area
    if area_reason is not None:
        reasons.append(area_reason)
    failed |= area_outcome == NOT_MET
    if area_outcome == UNKNOWN:
        unknown = True
        missing.extend(area_missing)

    if rule_set is None and cp.rule_sets:
        # Rules exist but none covers this date: nobody can say, so ask the program.
        reasons.append(Reason("rules.not_in_force", {"date": on.isoformat()}, UNKNOWN))
        unknown = True
    elif rule_set is None:
        reasons.append(Reason("rules.none", {}, INFO))
    else:
        for _key, unit in rule_set.units:
            mode = unit[0].if_not_met
            if len(unit) == 1:  # the common case, kept cheap
                outcome, reason, member_missing = _evaluate_shared(
                    unit[0], rule_set, facts, guidelines, memo
                )
                members = None
            else:
                members = [_evaluate_shared(c, rule_set, facts, guidelines, memo) for c in unit]
                if any(o == MET for o, _r, _m in members):
                    outcome = MET
                elif any(o == UNKNOWN for o, _r, _m in members):
                    outcome = UNKNOWN
                else:
                    outcome = NOT_MET
                member_missing = [m for o, _r, ms in members if o == UNKNOWN for m in ms]
            if mode != EXCLUDE:
                # A notice rule never turns anyone away: when the known facts show it applies
                # it tells (and, for "ask", holds the status at "need more information");
                # while its facts are unknown it stays silent rather than add questions to
                # every screening.
                if outcome == NOT_MET:
                    notices.append(_notice(unit[0].notice))
                    held |= mode == ASK
                continue
            if members is None:
                reasons.append(reason)
            elif outcome == MET:
                reasons.extend(r for o, r, _m in members if o == MET)
            else:
                reasons.extend(r for _o, r, _m in members)
            if outcome == NOT_MET:
                failed = True
            elif outcome == UNKNOWN:
                unknown = True
                missing.extend(m for m in member_missing if m not in missing)

    for area in program.service_areas_other or ():
        # An imported area Casebridge cannot check (GeoJSON, ...): say so, never "not eligible".
        name = area.get("name") or area.get("extent_type") or ""
        notices.append(Reason("area.unchecked", {"area": name[:80]}, INFO))
    if not program.is_active:
        notices.append(_INACTIVE)
    if program.capacity_status == "closed":
        notices.append(_CLOSED)
    elif program.capacity_status == "waitlist":
        notices.append(_WAITLIST)

    if failed:
        status = EligibilityStatus.NOT_ELIGIBLE
    elif unknown or held:
        status = EligibilityStatus.NEED_MORE_INFO
    elif rule_set is None and not cp.rule_sets:
        status = EligibilityStatus.OPEN_TO_ALL
    else:
        status = EligibilityStatus.LIKELY_ELIGIBLE
    value, working = None, []
    if rule_set is not None and rule_set.value_formula and not failed:
        key = ("value", rule_set.value_key)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = estimate(rule_set.value_formula, facts)
        value, working = hit
    return ProgramResult(
        program=program,
        status=status,
        reasons=reasons,
        missing=missing,
        screened_on=on,
        rule_set_id=rule_set.pk if rule_set else None,
        rule_set_version=rule_set.version if rule_set else None,
        guideline_year=rule_set.guideline_year if rule_set else None,
        matches_need=not needs.isdisjoint(cp.needs),
        in_area=True if area_outcome == MET else (False if area_outcome == NOT_MET else None),
        notices=notices,
        facts=facts,
        estimated_monthly_value=value,
        value_working=working,
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


def _threshold(memo, guidelines, year, size, percent) -> int:
    key = (year, size, percent)
    value = memo.get(key)
    if value is None:
        value = memo[key] = monthly_threshold(annual_guideline(guidelines[year], size), percent)
    return value


def _number(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _evaluate_shared(criterion, rule_set, facts, guidelines, memo):
    """_evaluate, once per distinct test in a screening (many programs share a test, e.g.
    "income at or under 200% of the 2025 guideline"); each still gets its own citation."""
    key = (criterion.key, rule_set.guideline_year)
    hit = memo.get(key)
    if hit is None:
        outcome, reason, missing = _evaluate(criterion, rule_set, facts, guidelines, memo)
        memo[key] = (outcome, reason.message_id, reason.params, missing)
        return outcome, reason, missing
    outcome, message_id, params, missing = hit
    reason = Reason(
        message_id, params, outcome, criterion.pk, criterion.explanation, criterion.citation
    )
    return outcome, reason, missing


def _evaluate(criterion, rule_set, facts, guidelines, memo):
    """(outcome, reason, missing fact names) for one criterion (a model or compiled one)."""
    fact, op, expected = criterion.fact, criterion.operator, criterion.value
    cite = (criterion.pk, criterion.explanation, criterion.citation)

    if op in FPL_OPERATORS:
        year = criterion.guideline_year or rule_set.guideline_year
        percent, min_size = fpl_parts(expected)
        size_fact = FPL_INCOME_FACTS[fact]
        income = facts.get(fact)
        size = facts.get(size_fact) if size_fact else 1
        missing = [
            name
            for name, value in ((fact, income), (size_fact, size))
            if name and (value is None or (name == size_fact and not value))
        ]
        if missing or year not in guidelines:
            params = {"percent": _jsonable(percent), "year": year}
            unknown_id = (
                "income_fpl.unknown" if op == Operator.LTE_FPL_PCT else "gt_fpl_pct.unknown"
            )
            return UNKNOWN, Reason(unknown_id, params, UNKNOWN, *cite), missing
        unborn = 0
        if fpl_counts_unborn(expected) and facts.get("is_pregnant"):
            # e.g. WIC: a pregnant woman counts as herself plus the babies expected (one
            # when not said); the household's income is unchanged.
            unborn = int(facts.get("expected_babies") or 1)
        counted = max(int(size) + unborn, min_size)
        threshold = _threshold(memo, guidelines, year, counted, percent)
        below = _number(income) <= threshold
        outcome = MET if below == (op == Operator.LTE_FPL_PCT) else NOT_MET
        params = {
            "income": {"money": str(income)},
            "percent": _jsonable(percent),
            "year": year,
            "size": counted,
            "threshold": {"money": str(threshold)},
        }
        message = "income_fpl" if op == Operator.LTE_FPL_PCT else "income_fpl_over"
        if fact != "monthly_gross_income":
            message += "_own" if fact == "client_monthly_income" else "_magi"
        if unborn and fact == "monthly_gross_income":
            message += "_unborn"
        elif counted != int(size) + unborn:
            params["actual_size"] = int(size)
            message += "_min"
        return outcome, Reason(f"{message}.{outcome}", params, outcome, *cite), []

    if op == Operator.LTE_TABLE:
        return _evaluate_table(expected, facts, cite)

    actual = facts.get(fact)
    if actual is None:
        return UNKNOWN, Reason("fact.unknown", {"fact": {"fact": fact}}, UNKNOWN, *cite), [fact]

    kind = FACTS[fact].kind
    label = {"fact": fact}
    actual_param = {"fact": fact, "value": _jsonable(actual)}

    if op == Operator.ANY_UNDER:
        if not actual:
            return NOT_MET, Reason("any_under.none", {"expected": expected}, NOT_MET, *cite), []
        outcome = MET if any(age < expected for age in actual) else NOT_MET
        params = {"expected": expected, "actual": actual_param}
        return outcome, Reason(f"any_under.{outcome}", params, outcome, *cite), []

    if kind in _NUMERIC_KINDS:
        number = _number(actual)
        parsed = getattr(criterion, "numbers", None)
        if op == Operator.BETWEEN:
            low, high = parsed or tuple(Decimal(str(v)) for v in expected)
            outcome = MET if low <= number <= high else NOT_MET
            params = {
                "fact": label,
                "actual": actual_param,
                "low": {"fact": fact, "value": expected[0]},
                "high": {"fact": fact, "value": expected[1]},
            }
            return outcome, Reason(f"between.{outcome}", params, outcome, *cite), []
        if op in (Operator.IN, Operator.NOT_IN):
            inside = number in (parsed or {Decimal(str(v)) for v in expected})
            outcome = MET if inside == (op == Operator.IN) else NOT_MET
        else:
            target = getattr(criterion, "number", None) or Decimal(str(expected))
            outcome = MET if _COMPARE[op](number, target) else NOT_MET
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
    return outcome, Reason(f"{op}.{outcome}", params, outcome, *cite), []


_WORKING = frozenset({"full_time", "part_time", "self_employed"})


def _evaluate_table(table, facts, cite):
    """Income after the earned-income disregard against a limit by household size
    (CalWORKs: MBSAC for applicants, MAP for the recipient test)."""
    income, size = facts.get("monthly_gross_income"), facts.get("household_size")
    missing = [
        name
        for name, value in (("monthly_gross_income", income), ("household_size", size))
        if value is None or (name == "household_size" and not value)
    ]
    if missing:
        return UNKNOWN, Reason("income_table.unknown", {}, UNKNOWN, *cite), missing
    limits = table["limits"]
    largest = len(limits)
    size = int(size)
    limit = Decimal(str(limits[str(min(size, largest))]))
    limit += max(0, size - largest) * Decimal(str(table.get("each_additional", 0)))
    hours, employment = facts.get("hours_worked_per_week"), facts.get("employment_status")
    # Income counts as earned unless the client is known not to work (never guess "no").
    earned = not (hours == 0 or (hours is None and employment and employment not in _WORKING))
    disregard = Decimal(str(table.get("earned_disregard", 0))) if earned else Decimal(0)
    share = Decimal(str(table.get("earned_share_counted", 1))) if earned else Decimal(1)
    countable = max(Decimal(0), _number(income) - disregard) * share
    countable = countable.quantize(Decimal("0.01"))
    outcome = MET if countable <= limit else NOT_MET
    params = {
        "income": {"money": str(income)},
        "countable": {"money": str(countable)},
        "limit": {"money": str(limit)},
        "size": size,
    }
    return outcome, Reason(f"income_table.{outcome}", params, outcome, *cite), []
