"""Reads of the program directory for navigators: the filtered list and one program's page.
Each does a fixed number of queries, whatever the number of programs, locations or rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from .eligibility.panel import attach_locations
from .models import Criterion, Location, Program, RuleSet

DIRECTORY_PAGE_SIZE = 25


def programs_for_directory() -> QuerySet[Program]:
    return Program.objects.filter(is_active=True).select_related("agency").order_by("name", "id")


def directory_page_programs(programs) -> list[Program]:
    """The programs of one directory page, each with its first location (one query)."""
    programs = list(programs)
    attach_locations(programs)
    return programs


@dataclass
class PlainRule:
    """One eligibility rule in plain words; ``any_of`` lists alternatives ("one of these")."""

    text: str = ""
    any_of: list[str] = field(default_factory=list)


def program_detail(*, pk) -> dict:
    """One active program: its locations and the rules in force today, in plain words."""
    try:
        program = (
            Program.objects.filter(is_active=True)
            .select_related("agency")
            .prefetch_related(
                Prefetch("locations", queryset=Location.objects.order_by("name", "id")),
                Prefetch(
                    "rule_sets",
                    queryset=RuleSet.objects.order_by("-effective_from").prefetch_related(
                        Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id"))
                    ),
                ),
            )
            .get(pk=int(pk))
        )
    except (TypeError, ValueError, Program.DoesNotExist) as exc:
        raise Http404 from exc
    today = timezone.localdate()
    rule_set = next((rs for rs in program.rule_sets.all() if rs.covers(today)), None)
    rules: list[PlainRule] = []
    groups: dict[str, PlainRule] = {}
    for criterion in rule_set.criteria.all() if rule_set else []:
        if criterion.any_of_group:
            group = groups.get(criterion.any_of_group)
            if group is None:
                group = groups[criterion.any_of_group] = PlainRule()
                rules.append(group)
            group.any_of.append(criterion.explanation)
        else:
            rules.append(PlainRule(text=criterion.explanation))
    documents = [line.strip() for line in program.required_documents.splitlines() if line.strip()]
    return {
        "program": program,
        "locations": list(program.locations.all()),
        "rule_set": rule_set,
        "rules": rules,
        "documents": documents,
    }
