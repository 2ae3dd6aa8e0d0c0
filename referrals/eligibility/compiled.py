"""The rules, compiled once per process and reused until they change.

Loading 1,000 programs with their rule sets and criteria through the ORM costs far more than
evaluating them, so the engine keeps a compiled copy (plain objects, numbers pre-parsed) and
checks it is current with ONE cheap query per screening: the newest history id of programs,
rule sets, criteria and poverty guidelines (django-simple-history writes a row on every save
and delete, from any process) and their row counts. Saves in this process also drop the copy
at once (signals), and it never lives longer than MAX_AGE seconds, as a backstop for bulk
updates that bypass both (QuerySet.update / bulk_create: call ``invalidate()`` after those).
"""

import json
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models.signals import post_delete, post_save

from casework.models import Organization
from referrals.models import Criterion, PovertyGuideline, Program, RuleSet

from .catalogue import Operator

MAX_AGE = 300.0


@dataclass(slots=True)
class CompiledCriterion:
    pk: int
    fact: str
    operator: str
    value: object
    guideline_year: int | None
    any_of_group: str
    explanation: str
    citation: str
    number: Decimal | None = None  # value pre-parsed for numeric comparisons
    numbers: tuple | None = None  # between bounds / in-list as Decimals
    key: tuple = ()  # (fact, operator, value): equal tests are evaluated once per screening


@dataclass(slots=True)
class CompiledRuleSet:
    pk: int
    version: int
    effective_from: object
    effective_to: object
    guideline_year: int | None
    units: list  # [(key, [CompiledCriterion, ...])] in position order

    def covers(self, day) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(slots=True)
class CompiledProgram:
    program: Program
    rule_sets: list  # newest first
    needs: frozenset
    area_key: tuple = ()
    _by_day: dict = field(default_factory=dict)

    def rule_set_on(self, day):
        try:
            return self._by_day[day]
        except KeyError:
            pass
        found = None
        for rule_set in self.rule_sets:
            if rule_set.covers(day):
                found = rule_set
                break
        if len(self._by_day) > 64:  # screenings use few dates; keep the memo small
            self._by_day.clear()
        self._by_day[day] = found
        return found


@dataclass
class Directory:
    programs: dict = field(default_factory=dict)  # pk -> CompiledProgram, in name order
    guidelines: dict = field(default_factory=dict)
    stamp: tuple = ()
    loaded_at: float = 0.0


_lock = threading.Lock()
_current: Directory | None = None


def invalidate(**_kwargs) -> None:
    global _current
    _current = None


# Organization: programs show their agency's name, so a renamed agency reloads them too.
for _model in (Program, RuleSet, Criterion, PovertyGuideline, Organization):
    post_save.connect(invalidate, sender=_model, dispatch_uid=f"eligibility-{_model.__name__}")
    post_delete.connect(invalidate, sender=_model, dispatch_uid=f"eligibility-{_model.__name__}-d")


_stamp_sql: str | None = None


def _stamp() -> tuple:
    global _stamp_sql
    if _stamp_sql is None:
        parts = []
        for model in (Program, RuleSet, Criterion, PovertyGuideline):
            history = model.history.model._meta.db_table
            parts.append(f"(SELECT MAX(history_id) FROM {history})")
            parts.append(f"(SELECT COUNT(*) FROM {model._meta.db_table})")
        _stamp_sql = "SELECT " + ", ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql)
        return tuple(cursor.fetchone())


def _compile_criterion(c: Criterion) -> CompiledCriterion:
    compiled = CompiledCriterion(
        pk=c.pk,
        fact=c.fact,
        operator=c.operator,
        value=c.value,
        guideline_year=c.guideline_year,
        any_of_group=c.any_of_group,
        explanation=c.explanation,
        citation=c.citation,
        key=(c.fact, c.operator, json.dumps(c.value, sort_keys=True), c.guideline_year),
    )
    value = c.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        compiled.number = Decimal(str(value))
    elif isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        compiled.numbers = tuple(Decimal(str(v)) for v in value)
    if c.operator == Operator.IN and compiled.numbers is not None:
        compiled.numbers = frozenset(compiled.numbers)
    return compiled


def _load(stamp: tuple) -> Directory:
    guidelines: dict[int, dict[int, int]] = {}
    for year, size, amount in PovertyGuideline.objects.values_list(
        "year", "household_size", "annual_amount"
    ):
        guidelines.setdefault(year, {})[size] = amount
    criteria_of: dict[int, list] = {}
    for c in Criterion.objects.order_by("rule_set_id", "position", "id"):
        criteria_of.setdefault(c.rule_set_id, []).append(_compile_criterion(c))
    rule_sets_of: dict[int, list] = {}
    # Drafts (e.g. criteria proposed by an HSDS import) wait for an administrator's approval.
    rule_sets = RuleSet.objects.filter(is_draft=False)
    for rs in rule_sets.order_by("program_id", "-effective_from", "-version"):
        units: dict[str, list] = {}
        for c in criteria_of.get(rs.pk, []):
            units.setdefault(c.any_of_group or f"#{c.pk}", []).append(c)
        rule_sets_of.setdefault(rs.program_id, []).append(
            CompiledRuleSet(
                pk=rs.pk,
                version=rs.version,
                effective_from=rs.effective_from,
                effective_to=rs.effective_to,
                guideline_year=rs.guideline_year,
                units=list(units.items()),
            )
        )
    programs = {}
    for program in Program.objects.select_related("agency").order_by("name", "id"):
        programs[program.pk] = CompiledProgram(
            program=program,
            rule_sets=rule_sets_of.get(program.pk, []),
            needs=frozenset(program.need_categories or ()),
            area_key=(
                "area",
                program.service_area_county,
                tuple(program.service_area_zips or ()),
            ),
        )
    return Directory(
        programs=programs, guidelines=guidelines, stamp=stamp, loaded_at=time.monotonic()
    )


def current_directory() -> Directory:
    """The compiled directory, reloaded when any program, rule or guideline changed."""
    global _current
    stamp = _stamp()
    directory = _current
    if (
        directory is not None
        and directory.stamp == stamp
        and time.monotonic() - directory.loaded_at < MAX_AGE
    ):
        return directory
    with _lock:
        directory = _load(stamp)
        _current = directory
    return directory
