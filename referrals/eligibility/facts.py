"""Builds the catalogue facts screening reads, from an intake interview or from plain values.

A fact is None when it is unknown ("not asked"); False / [] are real answers. Derived facts
(age, county, income as % of the poverty guideline) are computed here, never stored.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .catalogue import BENEFIT_OF_FACT, FACTS, FactKind, county_for_zip

Facts = dict  # {fact name: value or None}


def facts_from_intake(intake, *, on: datetime.date, client=None) -> Facts:
    """The facts one intake interview (and its client) establish on ``on``."""
    client = client or intake.client
    benefits = intake.benefits_received
    zip_code = (client.zip_code or "").strip()[:5] or None
    immigration = intake.immigration_status or None
    if immigration == "prefer_not_to_say":  # a declined answer is not an answer
        immigration = None
    household_immigration = intake.household_immigration_status or None
    if household_immigration == "prefer_not_to_say":
        household_immigration = None
    facts: Facts = {
        "age": client.age_on(on),
        "household_size": intake.household_size,
        "monthly_gross_income": intake.monthly_gross_income,
        "zip_code": zip_code,
        "county": county_for_zip(zip_code),
        "children_ages": _int_list(intake.children_ages),
        "is_pregnant": intake.is_pregnant,
        "is_student": intake.is_student,
        "is_veteran": intake.is_veteran,
        "has_disability": intake.has_disability,
        "has_internet_at_home": intake.has_internet_at_home,
        "has_working_device": intake.has_working_device,
        "health_insurance": intake.health_insurance or None,
        "housing_status": intake.housing_status or None,
        "employment_status": intake.employment_status or None,
        "immigration_status": immigration,
        "client_monthly_income": intake.client_monthly_income,
        "is_tax_dependent": intake.is_tax_dependent,
        "hours_worked_per_week": intake.hours_worked_per_week,
        "is_college_half_time": intake.is_college_half_time,
        "is_former_foster_youth": intake.is_former_foster_youth,
        "foster_care_exit_age": intake.foster_care_exit_age,
        "household_has_elderly_or_disabled": intake.household_has_elderly_or_disabled,
        "expected_babies": intake.expected_babies,
        "household_immigration_status": household_immigration,
    }
    for fact_name, benefit in BENEFIT_OF_FACT.items():
        facts[fact_name] = None if benefits is None else benefit in benefits
    return facts


def _int_list(values):
    if values is None:
        return None
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def parse_fact(name: str, raw: str):
    """A fact value typed from text (the ``screen`` command's ``--fact name=value``)."""
    spec = FACTS.get(name)
    if spec is None:
        raise ValueError(f"unknown fact {name!r}; known facts: {', '.join(sorted(FACTS))}")
    text = raw.strip()
    if spec.kind == FactKind.CHOICE and text in spec.choices.values:
        return text  # e.g. health_insurance=none is the answer "no insurance", not "unknown"
    if text.lower() in ("", "unknown", "none", "null"):
        return [] if spec.kind == FactKind.INTEGER_LIST and text.lower() == "none" else None
    try:
        if spec.kind == FactKind.INTEGER:
            return int(text)
        if spec.kind in (FactKind.MONEY, FactKind.PERCENT):
            return Decimal(text.replace("$", "").replace(",", ""))
        if spec.kind == FactKind.BOOLEAN:
            lowered = text.lower()
            if lowered in ("yes", "true", "1", "y"):
                return True
            if lowered in ("no", "false", "0", "n"):
                return False
            raise ValueError
        if spec.kind == FactKind.INTEGER_LIST:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        if spec.kind == FactKind.CHOICE and text not in spec.choices.values:
            raise ValueError
    except (ValueError, InvalidOperation) as exc:
        raise ValueError(f"{name}: {raw!r} is not a valid {FactKind(spec.kind).label}") from exc
    return text


def complete_facts(facts: Facts) -> Facts:
    """Every catalogue fact present (None when unknown), county derived from the ZIP."""
    complete = {name: facts.get(name) for name in FACTS}
    if complete["zip_code"] and complete["county"] is None:
        complete["county"] = county_for_zip(complete["zip_code"])
    return derive_magi(complete)


DERIVED_FACTS = ("income_pct_fpl", "magi_monthly_income", "magi_household_size")
MAGI_OWN_INCOME_AGES = (19, 20)  # asked about: most still live with a parent
MAGI_OWN_INCOME_FROM_AGE = 19


def derive_magi(facts: Facts) -> Facts:
    """Adds the income and household size Medi-Cal's MAGI rules count (42 CFR 435.603).

    Size: the household plus the unborn children of a pregnancy (435.603(b): a pregnant
    woman counts as herself plus the number of children expected; one when not said).
    Income: the household's, except for an adult (19+) whom nobody claims as a tax dependent
    and who lives with others who have income (a young adult with parents): they are their own
    household (435.603(f)(1)) and are judged on their own income. An adult who is not claimed
    and brings in all the household's income heads their tax household: household figures.
    Unknown stays unknown: a missing fact never turns into a "no".
    """
    size = facts.get("household_size")
    income = facts.get("monthly_gross_income")
    age = facts.get("age")
    unborn = 0
    if facts.get("is_pregnant"):
        unborn = facts.get("expected_babies") or 1
    claimed = facts.get("is_tax_dependent")
    own_income = facts.get("client_monthly_income")
    adult = age is not None and age >= MAGI_OWN_INCOME_FROM_AGE
    lives_with_earners = own_income is not None and income is not None and own_income < income
    # Not claimed by anyone and living with others who have income: their own household.
    own = adult and claimed is False and (lives_with_earners or (size and int(size) == 1))
    young = age is not None and MAGI_OWN_INCOME_AGES[0] <= age <= MAGI_OWN_INCOME_AGES[1]
    if young and claimed is None and size and int(size) > 1:
        # Whose income counts depends on the tax-dependent answer: ask rather than guess.
        facts.setdefault("magi_household_size", None)
        facts.setdefault("magi_monthly_income", None)
        return facts
    if young and claimed is False and own_income is None and size and int(size) > 1:
        facts.setdefault("magi_household_size", None)
        facts.setdefault("magi_monthly_income", None)
        return facts
    if facts.get("magi_household_size") is None:
        if own:
            facts["magi_household_size"] = 1 + unborn
        else:
            facts["magi_household_size"] = None if not size else int(size) + unborn
    if facts.get("magi_monthly_income") is None:
        if own and size and int(size) > 1:
            facts["magi_monthly_income"] = own_income
        else:
            facts["magi_monthly_income"] = income
    return facts


def guideline_year_for(on: datetime.date, guidelines: dict) -> int | None:
    """The newest loaded guideline year not after ``on``'s year (or the oldest loaded)."""
    if not guidelines:
        return None
    earlier = [year for year in guidelines if year <= on.year]
    return max(earlier) if earlier else min(guidelines)


def derive_income_pct_fpl(facts: Facts, *, on: datetime.date, guidelines: dict) -> Facts:
    """Adds income_pct_fpl (one decimal) against the guideline year in force on ``on``."""
    from referrals.models.eligibility import annual_guideline

    if facts.get("income_pct_fpl") is not None:
        return facts
    income, size = facts.get("monthly_gross_income"), facts.get("household_size")
    year = guideline_year_for(on, guidelines)
    if income is None or not size or year is None:
        facts["income_pct_fpl"] = None
        return facts
    annual = annual_guideline(guidelines[year], int(size))
    pct = Decimal(str(income)) * 12 * 100 / Decimal(annual)
    facts["income_pct_fpl"] = pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return facts
