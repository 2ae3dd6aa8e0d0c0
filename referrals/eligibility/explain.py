"""Reasons as (message id, params), rendered in any language at display time.

A reason is stored as a message id and JSON params, so a referral's snapshot taken in English
can be shown to a Spanish-speaking partner later. Params are plain values or small tagged
objects that the renderer formats in the active language:

    {"money": "2300.00"}                    -> "$2,300"
    {"fact": "health_insurance"}            -> the fact's label ("Health insurance")
    {"fact": "age", "value": 17}            -> the value formatted for that fact ("17")
    {"fact": "housing_status", "values": ["rents", "shelter"]} -> "Rents, In a shelter"
"""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .catalogue import FACTS, NOTICES, FactKind

MESSAGES = {
    # Income against a poverty guideline percentage
    "income_fpl.met": _(
        "Monthly income %(income)s is at or under %(percent)s%% of the %(year)s poverty "
        "guideline for a household of %(size)s: %(threshold)s"
    ),
    "income_fpl.not_met": _(
        "Monthly income %(income)s is over %(percent)s%% of the %(year)s poverty guideline for "
        "a household of %(size)s: %(threshold)s"
    ),
    "income_fpl_unborn.met": _(
        "Monthly income %(income)s is at or under %(percent)s%% of the %(year)s poverty "
        "guideline for a household of %(size)s (counting expected babies): %(threshold)s"
    ),
    "income_fpl_unborn.not_met": _(
        "Monthly income %(income)s is over %(percent)s%% of the %(year)s poverty guideline for "
        "a household of %(size)s (counting expected babies): %(threshold)s"
    ),
    "income_fpl.unknown": _(
        "Needs the household's monthly income and size to compare with %(percent)s%% of the "
        "%(year)s poverty guideline"
    ),
    "income_fpl_min.met": _(
        "Monthly income %(income)s is at or under %(percent)s%% of the %(year)s poverty "
        "guideline for a household of %(size)s, which the program uses for a household of "
        "%(actual_size)s: %(threshold)s"
    ),
    "income_fpl_min.not_met": _(
        "Monthly income %(income)s is over %(percent)s%% of the %(year)s poverty guideline for "
        "a household of %(size)s, which the program uses for a household of %(actual_size)s: "
        "%(threshold)s"
    ),
    "income_fpl_over.met": _(
        "Monthly income %(income)s is over %(percent)s%% of the %(year)s poverty guideline for "
        "a household of %(size)s: %(threshold)s"
    ),
    "income_fpl_over.not_met": _(
        "Monthly income %(income)s is at or under %(percent)s%% of the %(year)s poverty "
        "guideline for a household of %(size)s (%(threshold)s): another program fits better"
    ),
    "income_fpl_over_min.met": _(
        "Monthly income %(income)s is over %(percent)s%% of the %(year)s poverty guideline for "
        "a household of %(size)s, which the program uses for a household of %(actual_size)s: "
        "%(threshold)s"
    ),
    "income_fpl_over_min.not_met": _(
        "Monthly income %(income)s is at or under %(percent)s%% of the %(year)s poverty "
        "guideline for a household of %(size)s, which the program uses for a household of "
        "%(actual_size)s (%(threshold)s): another program fits better"
    ),
    "income_fpl_magi.met": _(
        "Income Medi-Cal counts, %(income)s a month, is at or under %(percent)s%% of the "
        "%(year)s poverty guideline for a household of %(size)s (counting expected babies): "
        "%(threshold)s"
    ),
    "income_fpl_magi.not_met": _(
        "Income Medi-Cal counts, %(income)s a month, is over %(percent)s%% of the %(year)s "
        "poverty guideline for a household of %(size)s (counting expected babies): "
        "%(threshold)s"
    ),
    "income_fpl_own.met": _(
        "The client's own monthly income %(income)s is at or under %(percent)s%% of the "
        "%(year)s poverty guideline for one person: %(threshold)s"
    ),
    "income_fpl_own.not_met": _(
        "The client's own monthly income %(income)s is over %(percent)s%% of the %(year)s "
        "poverty guideline for one person: %(threshold)s"
    ),
    "gt_fpl_pct.unknown": _(
        "Needs the monthly income and household size to compare with %(percent)s%% of the "
        "%(year)s poverty guideline"
    ),
    "income_table.met": _(
        "Countable income %(countable)s (monthly income %(income)s after the earned-income "
        "disregard) is at or under the program's limit for a household of %(size)s: %(limit)s"
    ),
    "income_table.not_met": _(
        "Countable income %(countable)s (monthly income %(income)s after the earned-income "
        "disregard) is over the program's limit for a household of %(size)s: %(limit)s"
    ),
    "income_table.unknown": _(
        "Needs the household's monthly income and size to compare with the program's limits"
    ),
    # Estimated value (an estimate, never a promise)
    "value.snap": _(
        "Estimate for %(size)s people (FY%(fy)s): maximum %(maximum)s − 30%% of net income. Net "
        "income = %(income)s − earned-income deduction %(earned)s − standard deduction "
        "%(standard)s = %(net)s; 30%% is %(contribution)s; %(maximum)s − %(contribution)s = "
        "%(amount)s a month"
    ),
    "value.snap_minimum": _("Households of 1 or 2 get at least the minimum of %(amount)s"),
    "value.floor": _(
        "Rent, utilities, child care and medical costs (not asked here) lower net income and "
        "can raise the amount: the county decides"
    ),
    "value.needs_income": _("An estimate needs the household's monthly income and size"),
    "value.flat.lifeline": _("Federal Lifeline: %(amount)s a month off phone or internet"),
    "value.flat.california_lifeline": _(
        "California LifeLine: up to %(amount)s a month off phone service (can be combined "
        "with federal Lifeline)"
    ),
    "value.percent_off": _("About %(percent)s%% off the electric bill"),
    "value.percent_off_range": _(
        "About %(range)s%% off the electric bill (20%% off gas); %(percent)s%% on average"
    ),
    # Comparisons
    "lt.met": _("%(fact)s is %(actual)s, under %(expected)s"),
    "lt.not_met": _("%(fact)s is %(actual)s, not under %(expected)s"),
    "lte.met": _("%(fact)s is %(actual)s, at or under %(expected)s"),
    "lte.not_met": _("%(fact)s is %(actual)s, over %(expected)s"),
    "gt.met": _("%(fact)s is %(actual)s, over %(expected)s"),
    "gt.not_met": _("%(fact)s is %(actual)s, not over %(expected)s"),
    "gte.met": _("%(fact)s is %(actual)s, at or over %(expected)s"),
    "gte.not_met": _("%(fact)s is %(actual)s, under %(expected)s"),
    "between.met": _("%(fact)s is %(actual)s, between %(low)s and %(high)s"),
    "between.not_met": _("%(fact)s is %(actual)s, outside %(low)s to %(high)s"),
    "eq.met": _("%(fact)s: %(actual)s, as the program requires"),
    "eq.not_met": _("%(fact)s: %(actual)s; the program requires %(expected)s"),
    "ne.met": _("%(fact)s: %(actual)s, not %(expected)s"),
    "ne.not_met": _("%(fact)s: %(actual)s, which the program does not serve"),
    "in.met": _("%(fact)s: %(actual)s, one of %(expected)s"),
    "in.not_met": _("%(fact)s: %(actual)s; the program requires one of %(expected)s"),
    "not_in.met": _("%(fact)s: %(actual)s, not one of %(expected)s"),
    "not_in.not_met": _("%(fact)s: %(actual)s, which the program does not serve"),
    "any_under.met": _("A child is under %(expected)s (children's ages: %(actual)s)"),
    "any_under.not_met": _("No child under %(expected)s (children's ages: %(actual)s)"),
    "any_under.none": _(
        "No children in the household; the program requires a child under %(expected)s"
    ),
    "fact.unknown": _("Not known yet: %(fact)s"),
    # Service area and capacity
    "area.zip.met": _("ZIP %(zip)s is in the program's service area"),
    "area.zip.not_met": _("ZIP %(zip)s is outside the program's service area (%(area)s)"),
    "area.county.met": _("ZIP %(zip)s is in %(county)s County, which the program serves"),
    "area.county.not_met": _("ZIP %(zip)s is outside %(county)s County, which the program serves"),
    "area.unknown": _("The client's ZIP code is not known; the program serves %(area)s"),
    "area.unchecked": _(
        "The program also lists the service area “%(area)s”, which Casebridge cannot check: "
        "confirm with the agency"
    ),
    "capacity.closed": _("The program is closed to new referrals right now"),
    "capacity.waitlist": _("The program has a waitlist"),
    "program.inactive": _("The program is no longer active"),
    "rules.none": _("The program lists no eligibility rules on this date"),
    "rules.not_in_force": _(
        "None of the program's rule sets is in force on %(date)s; check the rules with the program"
    ),
}


MESSAGES.update({f"notice.{key}": text for key, text in NOTICES.items()})


def format_money(amount) -> str:
    value = Decimal(str(amount))
    if value == value.to_integral_value():
        return f"${int(value):,}"
    return f"${value:,.2f}"


def format_value(fact_name: str, value) -> str:
    """One fact value as a person would read it, in the active language."""
    spec = FACTS.get(fact_name)
    if value is None:
        return gettext("unknown")
    if spec is None:
        return str(value)
    if spec.kind == FactKind.MONEY:
        return format_money(value)
    if spec.kind == FactKind.PERCENT:
        return f"{Decimal(str(value)).normalize():f}%"
    if spec.kind == FactKind.BOOLEAN:
        return gettext("yes") if value else gettext("no")
    if spec.kind == FactKind.CHOICE:
        try:
            return str(spec.choices(value).label)
        except ValueError:
            return str(value)
    if spec.kind == FactKind.INTEGER_LIST:
        return ", ".join(str(v) for v in value) if value else gettext("none")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _render_param(param):
    if isinstance(param, dict):
        if "money" in param:
            return format_money(param["money"])
        fact_name = param.get("fact")
        if "values" in param:
            return ", ".join(format_value(fact_name, v) for v in param["values"])
        if "value" in param:
            return format_value(fact_name, param["value"])
        if fact_name:
            spec = FACTS.get(fact_name)
            return str(spec.label) if spec else fact_name
    return param


def render(message_id: str, params: dict, language: str | None = None) -> str:
    """The reason's sentence in ``language`` (default: the active language)."""
    template = MESSAGES.get(message_id)
    if template is None:  # a snapshot from a newer release: show what we can
        return message_id
    with translation.override(language) if language else _noop():
        if not params:  # fixed sentences (notices) may contain a plain "%"
            return str(template)
        values = {key: _render_param(value) for key, value in params.items()}
        return str(template) % values


def render_question(fact_name: str, language: str | None = None) -> str:
    spec = FACTS.get(fact_name)
    if spec is None:
        return fact_name
    with translation.override(language) if language else _noop():
        return str(spec.question)


class _noop:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
