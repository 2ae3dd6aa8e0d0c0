"""Estimated monthly value, where a program publishes how its benefit is worked out.

A rule set's ``value_formula`` (data, like the rules) says which published formula applies:

    {"kind": "snap_allotment", "fiscal_year": 2026, "max_allotment": {"1": 298, ...},
     "each_additional": 218, "standard_deduction": {"1": 209, ...},
     "earned_income_deduction": 0.2, "benefit_reduction_rate": 0.3, "minimum_benefit": 24,
     "minimum_benefit_sizes": 2, "citation": "..."}
        CalFresh: maximum allotment − 30% of net income, where net income is gross income less
        the 20% earned-income deduction and the standard deduction (7 CFR 273.9(d),
        273.10(e)). Shelter and medical deductions need facts not asked here, so the estimate
        is a floor.
    {"kind": "flat", "amount": 9.25, "what": "lifeline" | "california_lifeline", ...}
    {"kind": "percent_off", "percent": 32.5, "bill": "electric", ...}  (no dollar figure:
        the saving depends on the bill)

The result is an estimate, never a promise: the working says how it was reached.
"""

import math
from decimal import Decimal

from .results import Reason

INFO = "info"
_WORKING = frozenset({"full_time", "part_time", "self_employed"})


def _money(value) -> dict:
    return {"money": str(value)}


def _size_value(table: dict, size: int, each_additional=0):
    largest = max(int(k) for k in table)
    base = Decimal(str(table[str(min(size, largest))]))
    return base + max(0, size - largest) * Decimal(str(each_additional))


def estimate(formula: dict | None, facts: dict) -> tuple[Decimal | None, list[Reason]]:
    """(estimated dollars a month or None, the working as reasons) for one program."""
    if not formula:
        return None, []
    kind = formula.get("kind")
    cite = formula.get("citation", "")
    if kind == "flat":
        amount = Decimal(str(formula["amount"]))
        what = formula.get("what", "lifeline")
        return amount, [
            Reason(f"value.flat.{what}", {"amount": _money(amount)}, INFO, citation=cite)
        ]
    if kind == "percent_off":
        params = {"percent": formula["percent"]}
        if formula.get("range"):
            params["range"] = formula["range"]
            return None, [Reason("value.percent_off_range", params, INFO, citation=cite)]
        return None, [Reason("value.percent_off", params, INFO, citation=cite)]
    if kind == "snap_allotment":
        return _snap(formula, facts, cite)
    return None, []


def _snap(formula, facts, cite):
    income, size = facts.get("monthly_gross_income"), facts.get("household_size")
    if income is None or not size:
        return None, [Reason("value.needs_income", {}, INFO, citation=cite)]
    size = int(size)
    income = Decimal(str(income))
    hours, employment = facts.get("hours_worked_per_week"), facts.get("employment_status")
    earned = not (hours == 0 or (hours is None and employment and employment not in _WORKING))
    rate = Decimal(str(formula.get("earned_income_deduction", 0))) if earned else Decimal(0)
    earned_deduction = (income * rate).quantize(Decimal("1"))
    standard = _size_value(formula["standard_deduction"], size)
    net = max(Decimal(0), income - earned_deduction - standard)
    maximum = _size_value(formula["max_allotment"], size, formula.get("each_additional", 0))
    # 30% of net income, rounded up to the next dollar (7 CFR 273.10(e)(2)(ii)(A)).
    contribution = Decimal(
        math.ceil(net * Decimal(str(formula.get("benefit_reduction_rate", 0.3))))
    )
    amount = maximum - contribution
    params = {
        "size": size,
        "fy": formula.get("fiscal_year", ""),
        "maximum": _money(maximum),
        "income": _money(income),
        "earned": _money(earned_deduction),
        "standard": _money(standard),
        "net": _money(net),
        "contribution": _money(contribution),
        "amount": _money(max(amount, Decimal(0))),
    }
    working = [Reason("value.snap", params, INFO, citation=cite)]
    minimum = formula.get("minimum_benefit")
    if minimum and size <= formula.get("minimum_benefit_sizes", 2) and amount < minimum:
        amount = Decimal(str(minimum))
        working.append(Reason("value.snap_minimum", {"amount": _money(amount)}, INFO))
    if amount <= 0:
        return Decimal(0), working
    working.append(Reason("value.floor", {}, INFO))
    return amount, working
