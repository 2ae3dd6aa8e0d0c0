"""The fixed catalogue of intake facts criteria may test, and the operators over them.

Rules are data: an administrator writes criteria as (fact, operator, value). This module is the
only place that knows which facts exist, what kind of value each holds, the question a
navigator asks to learn it, and which operators make sense for it. Model validation and the
engine both read it, so a criterion the engine cannot evaluate is refused when it is saved.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models.intake import (
    EmploymentStatus,
    HealthInsurance,
    HouseholdImmigration,
    HousingStatus,
    ImmigrationStatus,
)


class FactKind(models.TextChoices):
    INTEGER = "integer", _("whole number")
    MONEY = "money", _("amount in dollars")
    PERCENT = "percent", _("percentage")
    BOOLEAN = "boolean", _("yes or no")
    CHOICE = "choice", _("one of a list")
    TEXT = "text", _("text")
    INTEGER_LIST = "integer_list", _("list of whole numbers")


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str
    label: str
    question: str
    choices: type[models.TextChoices] | None = None


# Santa Clara County ZIP codes (USPS); a ZIP not listed is treated as outside the county.
SANTA_CLARA_COUNTY_ZIPS = frozenset(
    """
    94022 94023 94024 94035 94039 94040 94041 94042 94043 94085 94086 94087 94088 94089
    94301 94302 94303 94304 94305 94306 94309 95002 95008 95009 95011 95013 95014 95015
    95020 95021 95026 95030 95031 95032 95033 95035 95036 95037 95038 95042 95044 95046
    95050 95051 95052 95053 95054 95055 95056 95070 95071 95101 95103 95106 95108 95109
    95110 95111 95112 95113 95115 95116 95117 95118 95119 95120 95121 95122 95123 95124
    95125 95126 95127 95128 95129 95130 95131 95132 95133 95134 95135 95136 95138 95139
    95140 95141 95148 95150 95151 95152 95153 95154 95155 95156 95157 95158 95159 95160
    95161 95164 95170 95172 95173 95190 95191 95192 95193 95194 95196
    """.split()  # noqa: SIM905
)
SANTA_CLARA = "Santa Clara"


def county_for_zip(zip_code: str | None) -> str | None:
    """The county of a Santa Clara County ZIP, "" for any other valid ZIP, None if unknown."""
    if not zip_code:
        return None
    zip5 = zip_code.strip()[:5]
    if len(zip5) != 5 or not zip5.isdigit():
        return None
    return SANTA_CLARA if zip5 in SANTA_CLARA_COUNTY_ZIPS else ""


_BENEFIT_FACTS = {
    "receives_snap": ("calfresh", _("Receives CalFresh (SNAP)")),
    "receives_medi_cal": ("medi_cal", _("Receives Medi-Cal")),
    "receives_ssi": ("ssi", _("Receives SSI")),
    "receives_wic": ("wic", _("Receives WIC")),
    "receives_calworks": ("calworks", _("Receives CalWORKs")),
    "receives_lifeline": ("lifeline", _("Receives Lifeline")),
    "receives_public_housing": ("public_housing", _("Lives in public housing or has Section 8")),
    "receives_veterans_pension": ("veterans_pension", _("Receives a Veterans Pension")),
    "receives_care": ("care", _("Receives PG&E CARE or FERA")),
    "receives_unemployment": ("unemployment", _("Receives unemployment insurance")),
}
BENEFIT_OF_FACT = {name: benefit for name, (benefit, _label) in _BENEFIT_FACTS.items()}

_BENEFITS_QUESTION = _(
    "Which benefits does the household already receive (CalFresh, Medi-Cal, SSI, WIC, "
    "CalWORKs, Lifeline, public housing or Section 8, Veterans Pension, PG&E CARE/FERA, "
    "unemployment)?"
)

FACTS: dict[str, Fact] = {
    f.name: f
    for f in [
        Fact("age", FactKind.INTEGER, _("Age"), _("What is the client's date of birth?")),
        Fact(
            "household_size",
            FactKind.INTEGER,
            _("Household size"),
            _("How many people live in the household, including the client?"),
        ),
        Fact(
            "monthly_gross_income",
            FactKind.MONEY,
            _("Monthly gross income"),
            _("What is the household's total monthly income before taxes?"),
        ),
        Fact(
            "income_pct_fpl",
            FactKind.PERCENT,
            _("Income as a percentage of the poverty guideline"),
            _(
                "What is the household's total monthly income before taxes, and how many people "
                "live in the household?"
            ),
        ),
        Fact("zip_code", FactKind.TEXT, _("ZIP code"), _("What is the client's home ZIP code?")),
        Fact("county", FactKind.TEXT, _("County"), _("Which county does the client live in?")),
        Fact(
            "children_ages",
            FactKind.INTEGER_LIST,
            _("Children's ages"),
            _("Are there children in the household? How old is each child?"),
        ),
        Fact(
            "is_pregnant",
            FactKind.BOOLEAN,
            _("Pregnant"),
            _(
                "Is anyone in the household "
                "pregnant, or did anyone give birth in the last 6 months?"
            ),
        ),
        Fact("is_student", FactKind.BOOLEAN, _("Student"), _("Is the client a student?")),
        Fact(
            "is_veteran",
            FactKind.BOOLEAN,
            _("Veteran"),
            _("Has the client served in the U.S. military?"),
        ),
        Fact(
            "has_disability",
            FactKind.BOOLEAN,
            _("Disability"),
            _("Does the client have a disability?"),
        ),
        Fact(
            "has_internet_at_home",
            FactKind.BOOLEAN,
            _("Internet at home"),
            _("Does the household have internet service at home?"),
        ),
        Fact(
            "has_working_device",
            FactKind.BOOLEAN,
            _("Working computer or smartphone"),
            _("Does the client have a working computer or smartphone?"),
        ),
        Fact(
            "health_insurance",
            FactKind.CHOICE,
            _("Health insurance"),
            _("Does the client have health insurance? Which kind?"),
            HealthInsurance,
        ),
        Fact(
            "housing_status",
            FactKind.CHOICE,
            _("Housing"),
            _(
                "Where is the client living now (rents, owns, with others, shelter, "
                "unsheltered, facing eviction)?"
            ),
            HousingStatus,
        ),
        Fact(
            "employment_status",
            FactKind.CHOICE,
            _("Employment"),
            _("Is the client working now? Full time or part time?"),
            EmploymentStatus,
        ),
        Fact(
            "immigration_status",
            FactKind.CHOICE,
            _("Immigration status"),
            _(
                "Only if the client is comfortable answering: does the client have a current "
                "immigration status?"
            ),
            ImmigrationStatus,
        ),
        Fact(
            "client_monthly_income",
            FactKind.MONEY,
            _("Client's own monthly income"),
            _("What is the client's own monthly income before taxes (not the household's)?"),
        ),
        Fact(
            "is_tax_dependent",
            FactKind.BOOLEAN,
            _("Claimed as a tax dependent"),
            _("Does someone else (a parent, for example) claim the client as a tax dependent?"),
        ),
        Fact(
            "hours_worked_per_week",
            FactKind.INTEGER,
            _("Hours worked per week"),
            _("How many hours a week does the client work (0 if none)?"),
        ),
        Fact(
            "is_college_half_time",
            FactKind.BOOLEAN,
            _("In college at least half time"),
            _("Is the client enrolled in college or university at least half time?"),
        ),
        Fact(
            "is_former_foster_youth",
            FactKind.BOOLEAN,
            _("Former foster youth"),
            _("Was the client ever in foster care?"),
        ),
        Fact(
            "foster_care_exit_age",
            FactKind.INTEGER,
            _("Age when foster care ended"),
            _("How old was the client when foster care ended?"),
        ),
        Fact(
            "household_has_elderly_or_disabled",
            FactKind.BOOLEAN,
            _("Someone in the household is 60+ or disabled"),
            _("Is anyone in the household 60 or older, or living with a disability?"),
        ),
        Fact(
            "expected_babies",
            FactKind.INTEGER,
            _("Babies expected"),
            _("How many babies are expected (1 for one baby, 2 for twins)?"),
        ),
        Fact(
            "household_immigration_status",
            FactKind.CHOICE,
            _("Household members' immigration status"),
            _(
                "Only if the client is comfortable answering: does everyone in the household "
                "have U.S. citizenship or a qualifying immigration status?"
            ),
            HouseholdImmigration,
        ),
        # Derived (never asked directly): the income and household size Medi-Cal's MAGI rules
        # count. An unborn child counts in the size; a young adult of 19–20 whom nobody claims
        # as a tax dependent is judged on their own income.
        Fact(
            "magi_monthly_income",
            FactKind.MONEY,
            _("Income Medi-Cal counts"),
            _(
                "What is the household's monthly income before taxes? If the client is 19 or "
                "20: does anyone claim them as a tax dependent, and what is their own income?"
            ),
        ),
        Fact(
            "magi_household_size",
            FactKind.INTEGER,
            _("Household size Medi-Cal counts"),
            _(
                "How many people live in the household, including the client, and how many "
                "babies are expected?"
            ),
        ),
        *[
            Fact(name, FactKind.BOOLEAN, label, _BENEFITS_QUESTION)
            for name, (_b, label) in _BENEFIT_FACTS.items()
        ],
    ]
}


class Operator(models.TextChoices):
    EQ = "eq", _("is")
    NE = "ne", _("is not")
    LT = "lt", _("is under")
    LTE = "lte", _("is at or under")
    GT = "gt", _("is over")
    GTE = "gte", _("is at or over")
    BETWEEN = "between", _("is between (inclusive)")
    IN = "in", _("is one of")
    NOT_IN = "not_in", _("is none of")
    ANY_UNDER = "any_under", _("any is under")
    # A literal percent sign, not a placeholder (msgfmt refused translations with "% " in them):
    # xgettext:no-python-format
    LTE_FPL_PCT = "lte_fpl_pct", _("is at or under this % of the poverty guideline")
    GT_FPL_PCT = "gt_fpl_pct", _("is over this percentage of the poverty guideline")
    LTE_TABLE = "lte_table", _("after disregards, is at or under the program's table")


# The income facts a poverty-guideline test may read, and the household size it pairs with
# (None: the client alone, a household of one).
FPL_INCOME_FACTS = {
    "monthly_gross_income": "household_size",
    "magi_monthly_income": "magi_household_size",
    "client_monthly_income": None,
}
FPL_OPERATORS = frozenset({"lte_fpl_pct", "gt_fpl_pct"})


class IfNotMet(models.TextChoices):
    """What a criterion that is not met does to the result."""

    EXCLUDE = "exclude", _("Not eligible")
    NOTICE = "notice", _("Show a notice; the status stays")
    ASK = "ask", _("Show a notice and ask (need more information at best)")


# Notices a criterion may raise instead of excluding (rules as data pick one by its id).
NOTICES = {
    "calfresh.work_rules": _(
        "Work rules may apply: an adult 18–64 without a child under 14 who works or trains "
        "under 20 hours a week can get CalFresh for 3 months in 3 years unless exempt. Ask "
        "about hours, disability and caregiving."
    ),
    "calfresh.student": _(
        "College students enrolled at least half time need an exemption (for example 20 hours "
        "of work a week, work-study, caring for a young child, a disability or CalWORKs)."
    ),
    "calfresh.immigration": _(
        "Household members without a qualifying immigration status cannot get CalFresh, but "
        "the rest of the household can still qualify; their income still counts."
    ),
    "calfresh.net_income": _(
        "Income is over 200 percent of the poverty guideline, but a household with someone 60+ or "
        "disabled can still qualify under the net-income test (after deductions such as "
        "medical and housing costs): the county decides."
    ),
    "medi_cal.young_adult_income": _(
        "A young adult of 19 or 20 whom nobody claims as a tax dependent is judged on their "
        "own income."
    ),
}


def valid_fpl_value(value) -> bool:
    """A poverty-guideline test's value: a percentage, or {"percent": p, "min_size": n,
    "count_unborn": true} (both keys optional; count_unborn adds a pregnancy's expected
    babies to the household size, as WIC does)."""
    if isinstance(value, dict):
        if set(value) - {"percent", "min_size", "count_unborn"}:
            return False
        size = value.get("min_size", 1)
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 8:
            return False
        if not isinstance(value.get("count_unborn", False), bool):
            return False
        value = value.get("percent")
    return not isinstance(value, bool) and isinstance(value, int | float) and value > 0


def fpl_parts(value) -> tuple:
    """(percent, minimum household size) of a valid poverty-guideline test value."""
    if isinstance(value, dict):
        return value["percent"], value.get("min_size", 1)
    return value, 1


def fpl_counts_unborn(value) -> bool:
    """Whether a poverty-guideline test adds a pregnancy's expected babies to the size."""
    return isinstance(value, dict) and value.get("count_unborn") is True


def table_problem(value) -> str | None:
    """None if ``value`` is a valid income table: {"limits": {"1": 930, ...},
    "each_additional": 36, "earned_disregard": 450, "earned_share_counted": 1}."""
    if not isinstance(value, dict) or not isinstance(value.get("limits"), dict):
        return "limits"
    limits = value["limits"]
    try:
        sizes = sorted(int(k) for k in limits)
    except ValueError:
        return "limits"
    if not sizes or sizes != list(range(1, len(sizes) + 1)):
        return "limits"
    numbers = [*limits.values(), value.get("each_additional", 0), value.get("earned_disregard", 0)]
    share = value.get("earned_share_counted", 1)
    numbers.append(share)
    if any(isinstance(n, bool) or not isinstance(n, int | float) or n < 0 for n in numbers):
        return "numbers"
    if share > 1:
        return "numbers"
    return None


_NUMERIC = {FactKind.INTEGER, FactKind.MONEY, FactKind.PERCENT}
OPERATORS_FOR_KIND: dict[str, set[str]] = {
    FactKind.INTEGER: {"eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "not_in"},
    FactKind.MONEY: {"lt", "lte", "gt", "gte", "between", "lte_fpl_pct", "gt_fpl_pct", "lte_table"},
    FactKind.PERCENT: {"lt", "lte", "gt", "gte", "between"},
    FactKind.BOOLEAN: {"eq"},
    FactKind.CHOICE: {"eq", "ne", "in", "not_in"},
    FactKind.TEXT: {"eq", "ne", "in", "not_in"},
    FactKind.INTEGER_LIST: {"any_under"},
}


def _number(value, kind) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError from exc
    if not number.is_finite() or number < 0:
        raise ValueError
    if kind == FactKind.INTEGER and number != number.to_integral_value():
        raise ValueError
    return number


def _scalar_ok(fact: Fact, value) -> str | None:
    """None if ``value`` is a valid single value for ``fact``, else the problem."""
    if fact.kind in _NUMERIC:
        try:
            _number(value, fact.kind)
        except ValueError:
            return str(
                _("“%(value)s” is not a non-negative %(kind)s.")
                % {"value": value, "kind": FactKind(fact.kind).label}
            )
        return None
    if fact.kind == FactKind.BOOLEAN:
        return None if isinstance(value, bool) else str(_("Use true or false."))
    if fact.kind == FactKind.CHOICE:
        if value not in fact.choices.values:
            return str(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(fact.choices.values)}
            )
        return None
    if fact.kind == FactKind.TEXT:
        return None if isinstance(value, str) and value.strip() else str(_("Enter some text."))
    return None


def criterion_problems(*, fact: str, operator: str, value, guideline_year=None) -> dict:
    """Validation problems of one criterion, as {field: message}; empty when it is valid."""
    spec = FACTS.get(fact)
    if spec is None:
        return {
            "fact": _("Unknown fact “%(fact)s”. Known facts: %(known)s.")
            % {"fact": fact, "known": ", ".join(sorted(FACTS))}
        }
    if operator not in Operator.values:
        return {"operator": _("Unknown operator “%(op)s”.") % {"op": operator}}
    if operator not in OPERATORS_FOR_KIND[spec.kind]:
        return {
            "operator": _(
                "“%(op)s” cannot be used with %(fact)s (a %(kind)s). Use one of: %(ops)s."
            )
            % {
                "op": operator,
                "fact": fact,
                "kind": FactKind(spec.kind).label,
                "ops": ", ".join(sorted(OPERATORS_FOR_KIND[spec.kind])),
            }
        }
    if operator == Operator.LTE_TABLE:
        if fact != "monthly_gross_income":
            return {"fact": _("An income table test needs the monthly_gross_income fact.")}
        if table_problem(value):
            return {
                "value": _(
                    'Give {"limits": {"1": 930, "2": 1526, ...}, "each_additional": 36, '
                    '"earned_disregard": 450, "earned_share_counted": 1} with sizes from 1 up '
                    "and non-negative amounts."
                )
            }
        return {}
    if operator in FPL_OPERATORS:
        if fact not in FPL_INCOME_FACTS:
            return {
                "fact": _("A poverty-guideline test needs one of the income facts: %(facts)s.")
                % {"facts": ", ".join(FPL_INCOME_FACTS)}
            }
        if not valid_fpl_value(value):
            return {
                "value": _(
                    'Give the percentage as a positive number, e.g. 200, or {"percent": 250, '
                    '"min_size": 2} to use at least the two-person guideline.'
                )
            }
        if not guideline_year:
            return {
                "guideline_year": _(
                    "Say which year's poverty guideline this percentage refers to (here or on "
                    "the rule set)."
                )
            }
        return {}
    if operator in (Operator.BETWEEN,):
        if not (isinstance(value, list) and len(value) == 2):
            return {"value": _("Give [lowest, highest], e.g. [16, 24].")}
        for item in value:
            if problem := _scalar_ok(spec, item):
                return {"value": problem}
        if _number(value[0], spec.kind) > _number(value[1], spec.kind):
            return {"value": _("The lowest value is above the highest.")}
        return {}
    if operator in (Operator.IN, Operator.NOT_IN):
        if not (isinstance(value, list) and value):
            return {"value": _('Give a non-empty list, e.g. ["rents", "shelter"].')}
        for item in value:
            if problem := _scalar_ok(spec, item):
                return {"value": problem}
        return {}
    if operator == Operator.ANY_UNDER:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return {"value": _("Give an age as a whole number, e.g. 5.")}
        return {}
    if problem := _scalar_ok(spec, value):
        return {"value": problem}
    return {}
