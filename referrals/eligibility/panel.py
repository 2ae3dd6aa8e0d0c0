"""The client page's "Program suggestions" panel and its "what if" re-screening.

The panel screens the client's latest intake against every active program; the "what if"
form re-screens with another income or household size and saves nothing. Both do a fixed
number of queries, whatever the number of programs.

The ranked results are computed once per change and kept in Django's cache (issue 15), for
the panel and the suggestions page alike (the panel shows the page's first rows): the key
holds the intake's and the client's last change, the program catalogue's version (the
compiled directory's stamp: programs, rule sets, criteria, poverty guidelines) and the day
(ages and effective dates move with it), so any of those changing screens again.
"""

import dataclasses
import hashlib
import logging
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from casework.access import works_at_center
from casework.cache import cache_call
from casework.models import IntakeInterview

from . import compiled
from .catalogue import FACTS, FactKind
from .engine import screen_intake
from .facts import parse_fact
from .results import EligibilityStatus

log = logging.getLogger(__name__)

MAX_HOUSEHOLD = 30
SUGGESTIONS_CACHE_SECONDS = 24 * 60 * 60
# The client page shows this many programs per section; the full page shows them all.
PANEL_LIMIT = 3
# The suggestions page: this many programs per group, each group's "See all" link opening it in
# full (a county catalogue of 1,000 programs drew a 1.6 MB page in 2.4 s after every intake).
PAGE_LIMIT = 10
# "Open to everyone": the screening status of that name (when the engine has it), or a
# program without any eligibility rules.
OPEN_TO_EVERYONE = "open_to_everyone"


def _section_of(result) -> str:
    """Where a result goes in the ranked list (see ``SECTIONS``)."""
    status = str(result.status)
    if status == EligibilityStatus.NOT_ELIGIBLE:
        return "not_eligible"
    if result.matches_need:
        return "need"
    if status == OPEN_TO_EVERYONE or result.rule_set_id is None:
        return "open"
    if status == EligibilityStatus.NEED_MORE_INFO:
        return "need_more_info"
    return "likely_eligible"


def _sections():
    # Ranked: stated need first, then likely eligible, need more information, open to
    # everyone; not eligible last (collapsed, with its reasons).
    return [
        ("need", _("Matches a stated need")),
        ("likely_eligible", EligibilityStatus.LIKELY_ELIGIBLE.label),
        ("need_more_info", EligibilityStatus.NEED_MORE_INFO.label),
        ("open", _("Open to everyone")),
        ("not_eligible", EligibilityStatus.NOT_ELIGIBLE.label),
    ]


def _rank_key(result):
    """Within a section: open before closed, in the client's area, likely eligible first."""
    status_rank = {"likely_eligible": 0, OPEN_TO_EVERYONE: 1, "need_more_info": 2}
    return (
        result.is_closed,
        result.in_area is False,
        status_rank.get(str(result.status), 3),
        result.program.name.lower(),
        result.program.pk,
    )


def section_keys() -> list[str]:
    return [key for key, _label in _sections()]


def ranked_sections(results, *, limit: int | None, full_section: str = "") -> list[dict]:
    """The screening results in ranked sections, each cut to ``limit`` programs except
    ``full_section``, shown whole."""
    by_section: dict[str, list] = {key: [] for key, _label in _sections()}
    for result in results:
        by_section[_section_of(result)].append(result)
    sections = []
    for key, label in _sections():
        items = sorted(by_section[key], key=_rank_key)
        shown = items[:limit] if limit and key != full_section else items
        sections.append(
            {
                "status": key,
                "label": label,
                "results": shown,
                "total": len(items),
                "hidden": len(items) - len(shown),
            }
        )
    attach_locations([r.program for s in sections for r in s["results"]])
    return sections


def attach_locations(programs) -> None:
    """Sets ``program.first_location`` (address and hours) on each program, in one query."""
    from referrals.models import ServiceAtLocation

    ids = {p.pk for p in programs}
    first: dict[int, object] = {}
    if ids:
        links = (
            ServiceAtLocation.objects.filter(program_id__in=ids)
            .select_related("location")
            .order_by("location__name", "location_id")
        )
        for link in links:
            first.setdefault(link.program_id, link.location)
    for program in programs:
        program.first_location = first.get(program.pk)


# Further facts the "what if" form can change (blank = keep the intake's answer).
WHAT_IF_FACTS = (
    "client_monthly_income",
    "is_tax_dependent",
    "hours_worked_per_week",
    "is_college_half_time",
    "is_former_foster_youth",
    "foster_care_exit_age",
    "household_has_elderly_or_disabled",
    "is_pregnant",
    "expected_babies",
    "household_immigration_status",
)


def latest_intake(client) -> IntakeInterview | None:
    return IntakeInterview.objects.filter(client=client).order_by("-interview_date", "-id").first()


def parse_what_if(params) -> tuple[dict, list[str]]:
    """Overrides from the "what if" form (income, household size) and any input errors."""
    overrides, errors = {}, []
    income = (params.get("monthly_gross_income") or "").strip().replace("$", "").replace(",", "")
    if income:
        try:
            if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,2})?", income):
                raise InvalidOperation  # ASCII digits only: Decimal() takes "٣" and "1e9"
            value = Decimal(income)
            if not value.is_finite() or value < 0 or value > Decimal("10000000"):
                raise InvalidOperation
            overrides["monthly_gross_income"] = value.quantize(Decimal("0.01"))
        except InvalidOperation:
            errors.append(_("Enter the monthly income as an amount in dollars, like 2300."))
    size = (params.get("household_size") or "").strip()
    if size:
        # [0-9], not isdigit(): "²" passes isdigit() and then fails int().
        if re.fullmatch(r"[0-9]{1,3}", size) and 1 <= int(size) <= MAX_HOUSEHOLD:
            overrides["household_size"] = int(size)
        else:
            errors.append(
                _("Enter the household size as a whole number from 1 to %(max)s.")
                % {"max": MAX_HOUSEHOLD}
            )
    for name in WHAT_IF_FACTS:
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        try:
            value = parse_fact(name, raw)
            if value is None or (FACTS[name].kind == FactKind.INTEGER and not 0 <= value <= 168):
                raise ValueError
        except ValueError:
            errors.append(
                _("“%(value)s” is not a valid answer for %(fact)s.")
                % {"value": raw, "fact": FACTS[name].label}
            )
            continue
        overrides[name] = value
    return overrides, errors


def what_if_fields(screened, overrides) -> list[dict]:
    """The extra "what if" inputs, each showing the value in force (override or intake)."""
    fields = []
    for name in WHAT_IF_FACTS:
        spec = FACTS[name]
        value = overrides.get(name, getattr(screened, name, None))
        if spec.kind == FactKind.BOOLEAN:
            current = "" if value is None else ("yes" if value else "no")
            choices = [("yes", _("Yes")), ("no", _("No"))]
        elif spec.kind == FactKind.CHOICE:
            current = value or ""
            choices = [(c.value, c.label) for c in spec.choices]
        else:
            current = "" if value is None else f"{value}"
            choices = None
        fields.append({"name": name, "label": spec.label, "value": current, "choices": choices})
    return fields


def _stamp_of(value) -> str:
    return "-" if value is None else f"{value.timestamp():.6f}"


def suggestions_cache_key(*, client, intake, directory, on, limit) -> str:
    """Changes whenever what the panel shows could: the intake (its answers, household and
    needs), the client (age, ZIP), the program catalogue, the day, the panel's length."""
    catalogue = hashlib.sha256(repr(directory.stamp).encode()).hexdigest()[:16]
    intake_part = f"{intake.pk}@{_stamp_of(intake.updated_at)}" if intake else "none"
    return (
        f"suggestions:v1:{client.pk}@{_stamp_of(client.updated_at)}:{intake_part}:"
        f"{catalogue}:{on.isoformat()}:{limit}"
    )


def _cut(sections: list[dict], limit: int | None, full_section: str) -> list[dict]:
    """``sections`` (ranked, each already cut to a limit at least ``limit``) cut to ``limit``,
    except ``full_section``: the first rows of a longer ranking are the shorter one's."""
    if not limit:
        return sections
    cut = []
    for section in sections:
        shown = section["results"]
        if section["status"] != full_section:
            shown = shown[:limit]
        cut.append({**section, "results": shown, "hidden": section["total"] - len(shown)})
    return cut


def _ranked_once(*, client, intake, screened, limit, full_section="") -> tuple[list[dict], bool]:
    """``ranked_sections`` of a screening of every program and whether any is a demo one,
    from the cache when nothing it depends on changed.

    One screening per change, whichever page asks first: the ranking is kept cut to the
    suggestions page's length (``PAGE_LIMIT`` per section), and the client page's panel shows
    its first rows, so an intake saved (which opens the suggestions page) and the client page
    seen afterwards screen once. A section asked for whole ("See all") is kept on its own."""
    on = timezone.localdate()
    directory = compiled.current_directory()
    kept = limit if full_section or not limit or limit > PAGE_LIMIT else PAGE_LIMIT
    key = suggestions_cache_key(
        client=client, intake=intake, directory=directory, on=on, limit=f"{kept}:{full_section}"
    )
    cached = cache_call(cache.get, key, what="suggestions cache")
    if cached is not None:
        sections, any_demo = cached
        programs = directory.programs
        if all(r.program in programs for s in sections for r in s["results"]):
            labels = dict(_sections())
            sections = [
                {
                    **section,
                    "label": labels[section["status"]],
                    "results": [
                        dataclasses.replace(r, program=programs[r.program].program)
                        for r in section["results"]
                    ],
                }
                for section in _cut(sections, limit, full_section)
            ]
            attach_locations([r.program for s in sections for r in s["results"]])
            return sections, any_demo
    results = screen_intake(intake=screened, on=on)
    sections = ranked_sections(results, limit=kept, full_section=full_section)
    any_demo = any(r.program.is_demo for r in results)
    # Stored with program ids (the programs come back from the compiled directory).
    stored = [
        {
            **{k: v for k, v in section.items() if k != "label"},
            "results": [dataclasses.replace(r, program=r.program.pk) for r in section["results"]],
        }
        for section in sections
    ]
    cache_call(
        cache.set, key, (stored, any_demo), SUGGESTIONS_CACHE_SECONDS, what="suggestions cache"
    )
    return _cut(sections, limit, full_section), any_demo


def suggestions_context(
    *, request, client, intake, overrides=None, errors=(), limit=PANEL_LIMIT, full_section=""
) -> dict:
    screened = intake or IntakeInterview(client=client)  # no intake yet: facts from the client
    if overrides:  # a "what if" is never cached
        results = screen_intake(intake=screened, overrides=overrides)
        groups = ranked_sections(results, limit=limit, full_section=full_section)
        any_demo = any(r.program.is_demo for r in results)
    else:
        groups, any_demo = _ranked_once(
            client=client, intake=intake, screened=screened, limit=limit, full_section=full_section
        )
    income = (overrides or {}).get("monthly_gross_income", screened.monthly_gross_income)
    size = (overrides or {}).get("household_size", screened.household_size)
    return {
        "client": client,
        "intake": intake,
        "groups": groups,
        "any_demo": any_demo,
        "compact": limit == PANEL_LIMIT,  # the client page's panel (and its htmx what-if)
        "full_page_query": urlencode(
            {key: value for key, value in (overrides or {}).items() if value is not None}
        ),
        "what_if": bool(overrides),
        "errors": list(errors),
        "income_value": "" if income is None else f"{income:f}",
        "size_value": "" if size is None else size,
        "what_if_fields": what_if_fields(screened, overrides or {}),
        "can_refer": works_at_center(request, client.center_id),
    }


def suggestions_panel(request, client) -> str:
    """Registered as the client page's "suggestions" panel (referrals.apps).

    The panel's HTML is cached too, under the suggestions' own key (which changes with the
    intake, the client, the directory and the day) and the language and whether the user may
    refer: the same inputs draw the same HTML, and drawing a dozen program cards cost a
    quarter of the client page's time."""
    intake = latest_intake(client)
    key = ":".join(
        (
            suggestions_cache_key(
                client=client,
                intake=intake,
                directory=compiled.current_directory(),
                on=timezone.localdate(),
                limit=f"{PANEL_LIMIT}:",
            ),
            "html",
            get_language() or "",
            "refer" if works_at_center(request, client.center_id) else "read",
        )
    )
    html = cache_call(cache.get, key, what="suggestions cache")
    if html is None:
        context = suggestions_context(request=request, client=client, intake=intake)
        html = render_to_string("referrals/_suggestions_panel.html", context, request=request)
        cache_call(cache.set, key, html, SUGGESTIONS_CACHE_SECONDS, what="suggestions cache")
    return html
