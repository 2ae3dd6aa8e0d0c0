"""Casework reads that depend on who is asking. Each one scopes through casework.access and
does its own select_related / prefetch_related, so no caller can create an N+1."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import partial

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property

from .access import center_ids_of, clients_visible_count, clients_visible_to
from .intake_flag import client_has_intake
from .models import (
    Client,
    Consent,
    ConsentScope,
    HouseholdMember,
    IntakeInterview,
    Note,
    Organization,
)
from .models.clients import normalize_name
from .validation import is_row_id

PAGE_SIZE = 25
# A name matches when rapidfuzz scores it at least this (0..100) on SQLite; on PostgreSQL the
# pg_trgm word-similarity operator decides (threshold 0.6, so an index can answer it).
FUZZ_THRESHOLD = 75

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y", "%m.%d.%Y", "%d %b %Y", "%b %d %Y")


def parse_date(text: str) -> datetime.date | None:
    """A date in one of the forms people type (1985-03-14, 03/14/1985, 3/14/85), or None."""
    text = " ".join((text or "").replace(",", " ").split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def phone_digits(text: str) -> str:
    """The digits of a phone number as stored (E.164 without '+'), US country code assumed."""
    digits = re.sub(r"\D", "", text or "")
    if len(digits) == 10:
        digits = "1" + digits
    return digits


@dataclass
class ClientSearch:
    """What a search was understood as, and one page of results."""

    query: str
    kind: str  # "all", "name", "date_of_birth", "phone"
    page: Page
    total: int = 0
    date_of_birth: datetime.date | None = None
    ellipsis: str = Paginator.ELLIPSIS

    @property
    def page_links(self) -> list:
        """Page numbers to link, with ``ellipsis`` where pages are left out."""
        return list(
            self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        )


class CountedPaginator(Paginator):
    """A paginator whose total comes from ``count()``, a cheaper query for the same rows."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


class WindowCountPaginator(Paginator):
    """A paginator for a queryset annotated ``total=Window(Count("pk"))``: the page's query
    also brings the total, so a page costs one scan of the matching rows instead of two (a
    count, then the page). A name search at county scale: 14 ms instead of 25. Only a page past
    the end (no rows, so no total) is counted apart, then answered as Django's paginator
    answers it (the last page)."""

    def get_page(self, number):
        try:
            wanted = int(number) if number is not None else 1
        except (TypeError, ValueError):
            wanted = 1
        if wanted >= 1:
            bottom = (wanted - 1) * self.per_page
            rows = list(self.object_list[bottom : bottom + self.per_page])
            if rows or wanted == 1:  # no rows on the first page: nothing matches
                self.__dict__["count"] = rows[0].total if rows else 0  # cached_property's value
                return self._get_page(rows, wanted, self)
        return super().get_page(number)


def _list_qs(qs: QuerySet[Client]) -> QuerySet[Client]:
    """What a row in a client list shows: center and last intake date, in the same query.

    A subquery rather than Max(): count() can then drop it instead of grouping every row."""
    last_intake = (
        IntakeInterview.objects.filter(client=OuterRef("pk"))
        .order_by("-interview_date", "-id")
        .values("interview_date")[:1]
    )
    return qs.select_related("center").annotate(last_intake_on=Subquery(last_intake))


def client_search(
    *, user, query: str = "", page_number=1, per_page: int = PAGE_SIZE
) -> ClientSearch:
    """Clients visible to ``user`` matching ``query``: a date of birth, a phone number or a name
    (typos tolerated). Queries issued do not depend on the number of clients."""
    query = (query or "").strip()[:200]
    dob = parse_date(query) if query else None
    letters = re.search(r"[^\W\d_]", query)
    digits = re.sub(r"\D", "", query)

    if not query:
        kind = "all"
        total = clients_visible_count(user=user)
        walk = _name_walk_pays(total=total, page_number=page_number, per_page=per_page)
        qs = _list_qs(clients_visible_to(user=user, probe=walk)).order_by(
            "legal_last_name", "legal_first_name", "id"
        )
        paginator = CountedPaginator(qs, per_page, count=lambda: total)
    elif dob is not None:
        kind = "date_of_birth"
        qs = _list_qs(clients_visible_to(user=user).filter(date_of_birth=dob)).order_by(
            "legal_last_name", "legal_first_name", "id"
        )
        paginator = Paginator(qs, per_page)
    elif not letters and len(digits) >= 4:
        kind = "phone"
        matching = clients_visible_to(user=user).filter(phone__contains=phone_digits(query))
        qs = _list_qs(matching).order_by("legal_last_name", "legal_first_name", "id")
        paginator = Paginator(qs, per_page)
    else:
        kind = "name"
        paginator = _name_paginator(clients_visible_to(user=user), normalize_name(query), per_page)

    page = paginator.get_page(page_number)
    if kind == "name" and connection.vendor != "postgresql":
        # The page holds ids in rank order; load those rows in one query and keep the order.
        rows = _list_qs(Client.objects.filter(pk__in=list(page.object_list))).in_bulk()
        page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return ClientSearch(query=query, kind=kind, page=page, total=paginator.count, date_of_birth=dob)


NAME_WALK_MAX_ROWS = 10_000


def _name_walk_pays(*, total: int, page_number, per_page: int) -> bool:
    """Whether the unsearched list's page is cheaper read by walking the county's name index
    (``client_name_order``) with a probe of the grant per client than by joining the user's
    every grant and sorting them: the walk visits about (rows before the page's end) × (the
    county's clients / the user's) rows and stops. The biggest center's first page: 4 ms
    instead of 190; a small center, or a deep page, keeps the join. PostgreSQL only (its
    row estimate of the table is free); SQLite keeps the join."""
    if connection.vendor != "postgresql":
        return False
    try:
        page = max(1, int(page_number))
    except (TypeError, ValueError):
        page = 1
    county = max(_clients_in_county(), float(total))
    return total > 0 and page * per_page * county / total <= NAME_WALK_MAX_ROWS


def _clients_in_county() -> float:
    """PostgreSQL's estimate of the client table's rows (kept by ANALYZE; no scan)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Client._meta.db_table]
        )
        row = cursor.fetchone()
    return float(row[0]) if row else 0.0


def _name_paginator(visible: QuerySet[Client], needle: str, per_page: int) -> Paginator:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        qs = (
            _list_qs(visible)
            .annotate(similarity=TrigramWordSimilarity(needle, "search_name"))
            # `%>` uses the GIN trigram index (migration 0002); it matches when the word
            # similarity reaches pg_trgm.word_similarity_threshold (0.6 by default). One condition
            # only: OR-ing a LIKE made the planner scan every row (0.5 s at 200k clients).
            .filter(
                Q(search_name__trigram_word_similar=needle)
                if len(needle) >= 3
                else Q(search_name__startswith=needle)
            )
            .annotate(total=Window(Count("pk")))
            .order_by("-similarity", "legal_last_name", "legal_first_name", "id")
        )
        return WindowCountPaginator(qs, per_page)

    # SQLite (development and the default test run): rank in Python over (id, name) pairs,
    # fetched in one query.
    from rapidfuzz import fuzz

    scored = []
    for pk, name in visible.values_list("pk", "search_name"):
        score = 100.0 if needle in name else fuzz.partial_token_sort_ratio(needle, name)
        if score >= FUZZ_THRESHOLD:
            scored.append((-score, name, pk))
    scored.sort()
    return Paginator([pk for _score, _name, pk in scored], per_page)


def client_possible_duplicates(
    *,
    user,
    center: Organization,
    legal_first_name: str,
    legal_last_name: str,
    date_of_birth: datetime.date | None,
    phone: str | None,
    exclude_pk: int | None = None,
) -> list[Client]:
    """Clients of ``center`` (visible to ``user``) with the same normalized legal name and date
    of birth, or the same phone number."""
    match = Q()
    if date_of_birth:
        match |= Q(date_of_birth=date_of_birth)
    if phone:
        match |= Q(phone=str(phone))
    if not match:
        return []
    candidates = clients_visible_to(user=user).filter(center=center).filter(match)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    wanted = normalize_name(f"{legal_first_name} {legal_last_name}")
    found = []
    for client in candidates.select_related("center").order_by("id")[:50]:
        same_name = (
            date_of_birth
            and client.date_of_birth == date_of_birth
            and normalize_name(f"{client.legal_first_name} {client.legal_last_name}") == wanted
        )
        same_phone = phone and str(client.phone) == str(phone)
        if same_name or same_phone:
            client.duplicate_reason = "name_dob" if same_name else "phone"
            found.append(client)
    return found


# Dashboard ---------------------------------------------------------------------------------

RECENT_LIMIT = 10
# How many of the user's latest rows of each kind "recently worked on" reads.
RECENT_WINDOW = 500


def _recent_work_sources():
    """What counts as working on a client: (model, client field, time field, user field)."""
    return [
        (Client.history.model, "id", "history_date", "history_user"),
        (IntakeInterview.history.model, "client", "history_date", "history_user"),
        (IntakeInterview, "client", "created_at", "navigator"),
        (HouseholdMember.history.model, "client", "history_date", "history_user"),
        (Consent.history.model, "client", "history_date", "history_user"),
        (Note, "client", "created_at", "author"),
    ]


def _recent_work_sql(sources) -> str:
    """One statement: of each source, the user's latest ``RECENT_WINDOW`` rows (a walk of its
    ``(user, time)`` index, migration 0018); of all of them, the clients by their latest row.
    Written as SQL because the ORM cannot group over a union of limited queries."""
    qn = connection.ops.quote_name
    parts = []
    for i, (model, client_field, time_field, user_field) in enumerate(sources):
        opts = model._meta
        client, at, by = (
            qn(opts.get_field(f).column) for f in (client_field, time_field, user_field)
        )
        parts.append(
            f"SELECT client_id, at FROM (SELECT {client} AS client_id, {at} AS at "
            f"FROM {qn(opts.db_table)} WHERE {by} = %s ORDER BY {at} DESC LIMIT %s) AS s{i}"
        )
    return (
        f"SELECT client_id FROM ({' UNION ALL '.join(parts)}) AS work "
        "GROUP BY client_id ORDER BY MAX(at) DESC, client_id DESC LIMIT %s"
    )


def clients_recent_for(*, user, limit: int = RECENT_LIMIT) -> list[Client]:
    """Clients the user created, changed, interviewed, recorded consent or household for, or
    wrote a note on, most recent first.

    Three queries whatever the user's history: the clients of the user's latest rows of each
    kind, ranked (``_recent_work_sql``); which of those the user may still open; the rows of
    the first ``limit`` of them. Neither the size of the center nor the user's years of work
    change the cost (a navigator with 25,000 rows of each of three kinds: 155 ms before, 27 now).

    It ranks ``5 × limit`` candidates, for clients the user can no longer open. A client's
    latest row is in its kind's window whenever any of its rows of that kind is, so the list
    is exact as long as each window names that many clients; someone who made
    ``RECENT_WINDOW`` changes of one kind to fewer clients than that since sees the older
    clients of that kind only through their other rows."""
    sources = _recent_work_sources()
    with connection.cursor() as cursor:
        cursor.execute(
            _recent_work_sql(sources), [*[user.pk, RECENT_WINDOW] * len(sources), 5 * limit]
        )
        ranked = [row[0] for row in cursor.fetchall()]
    if not ranked:
        return []
    # Which candidates the user may still open, as ids, then the list's rows for the first
    # ``limit`` of those only: building every candidate with its center and parsed phone cost
    # more than both queries (issue 15).
    visible = set(clients_visible_to(user=user, among=ranked).values_list("pk", flat=True))
    shown = [pk for pk in ranked if pk in visible][:limit]
    rows = _list_qs(Client.objects.filter(pk__in=shown)).in_bulk()
    return [rows[pk] for pk in shown]


def clients_without_intake(*, user, limit: int = RECENT_LIMIT) -> tuple[list[Client], int]:
    """Clients of the user's centers with no intake interview yet, newest first, and how many.

    On PostgreSQL one walk of a partial index that holds only the clients without an intake
    (``casework.intake_flag``: the flag a trigger keeps on each client), newest first, the
    grant checked for each; the total rides along on the same walk (a window count) instead of
    a second query. The county's biggest center: 0.1 ms instead of 16 for a walk of its 20,000
    clients with a probe of the intakes for each (which SQLite still does)."""
    no_intake = (
        Client.objects.filter(center__in=center_ids_of(user))
        .filter(~client_has_intake())
        .values("pk")
    )
    rows = list(
        clients_visible_to(user=user, among=no_intake)
        .select_related("center")
        .annotate(total=Window(Count("pk")))
        .order_by("-id")[:limit]
    )
    return rows, rows[0].total if rows else 0


# Client page -------------------------------------------------------------------------------


def client_page_data(*, client: Client) -> dict:
    """Everything the client page shows besides the timeline, in a fixed number of queries."""
    today = timezone.localdate()
    consents = list(
        client.consents.select_related("recorded_by", "revoked_by").prefetch_related(
            Prefetch("recipients", queryset=Organization.objects.order_by("name"))
        )
    )
    intakes = list(client.intakes.select_related("navigator"))
    scope_labels = dict(ConsentScope.choices)
    for consent in consents:
        consent.scope_labels = [scope_labels.get(s, s) for s in consent.scopes or []]
    return {
        "household": list(client.household.all()),
        "intakes": intakes,
        "latest_intake": intakes[0] if intakes else None,
        "consents": consents,
        "active_consents": [c for c in consents if c.is_active_on(today)],
        "notes": list(client.notes.select_related("author")),
    }


def partner_agencies() -> QuerySet[Organization]:
    return Organization.objects.filter(kind="partner_agency", is_active=True).order_by("name")


AGENCY_MATCH_LIMIT = 20


@dataclass
class AgencyMatches:
    query: str
    agencies: list[Organization]
    more: bool  # more agencies match than are listed


def partner_agencies_matching(*, query: str, limit: int = AGENCY_MATCH_LIMIT) -> AgencyMatches:
    """Active partner agencies whose name contains ``query`` (any case), by name, at most
    ``limit`` of them (one query, whatever the directory's size); none for an empty query."""
    query = " ".join(query.split())
    if not query:
        return AgencyMatches(query="", agencies=[], more=False)
    found = list(partner_agencies().filter(name__icontains=query).only("pk", "name")[: limit + 1])
    return AgencyMatches(query=query, agencies=found[:limit], more=len(found) > limit)


def partner_agencies_named(ids) -> list[Organization]:
    """The active partner agencies among ``ids`` (other ids are dropped), by name."""
    wanted = {int(i) for i in ids if is_row_id(i)}
    if not wanted:
        return []
    return list(partner_agencies().filter(pk__in=wanted).only("pk", "name"))


# Timeline ----------------------------------------------------------------------------------


@dataclass
class TimelineItem:
    at: datetime.datetime
    kind: str  # intake, note, consent, consent_revoked, change, or a source's own kind
    obj: object = None
    html: str = ""


@dataclass
class Answer:
    label: str
    value: str
    not_asked: bool


# The intake questions in the order the form asks them.
INTAKE_QUESTIONS = [
    "household_size",
    "children_ages",
    "monthly_gross_income",
    "client_monthly_income",
    "is_tax_dependent",
    "income_sources",
    "employment_status",
    "hours_worked_per_week",
    "household_has_elderly_or_disabled",
    "housing_status",
    "health_insurance",
    "is_student",
    "is_veteran",
    "has_disability",
    "is_pregnant",
    "expected_babies",
    "is_college_half_time",
    "is_former_foster_youth",
    "foster_care_exit_age",
    "has_internet_at_home",
    "has_working_device",
    "benefits_received",
    "needs",
    "immigration_status",
    "household_immigration_status",
]


def intake_answers(intake: IntakeInterview) -> list[Answer]:
    """Each intake question with its answer in words; unanswered ones say "not asked"."""
    from django.utils.translation import gettext as _

    from .history import FIELD_LABELS, _display

    answers = []
    for name in INTAKE_QUESTIONS:
        f = IntakeInterview._meta.get_field(name)
        value = getattr(intake, name)
        not_asked = _not_asked(value)
        label = str(FIELD_LABELS.get(name, f.verbose_name))
        shown = _("Not asked") if not_asked else _display(f, value, {})
        answers.append(
            Answer(label=label[:1].upper() + label[1:], value=shown, not_asked=not_asked)
        )
    return answers


def _not_asked(value) -> bool:
    return value is None or value == ""


def not_asked_count(intake: IntakeInterview) -> int:
    """How many intake questions have no answer (``intake_answers``' "not asked" ones)."""
    return sum(1 for name in INTAKE_QUESTIONS if _not_asked(getattr(intake, name)))


def client_timeline(*, client: Client, data: dict) -> list[TimelineItem]:
    """Intakes, notes, consents, readable changes and entries from other apps, newest first."""
    from .history import client_history
    from .panels import timeline_entries_from_sources

    items = []
    for intake in data["intakes"]:
        # Drawn only for the entries a page shows (the client page shows the latest 15).
        intake.answers = SimpleLazyObject(partial(intake_answers, intake))
        intake.not_asked_count = not_asked_count(intake)  # a number: plural forms need one
        items.append(TimelineItem(at=intake.created_at, kind="intake", obj=intake))
    for note in data["notes"]:
        items.append(TimelineItem(at=note.created_at, kind="note", obj=note))
    for consent in data["consents"]:
        items.append(TimelineItem(at=consent.recorded_at, kind="consent", obj=consent))
        if consent.revoked_at:
            items.append(TimelineItem(at=consent.revoked_at, kind="consent_revoked", obj=consent))
    for entry in client_history(client):
        items.append(TimelineItem(at=entry.at, kind="change", obj=entry))
    for entry in timeline_entries_from_sources(client):
        items.append(TimelineItem(at=entry.at, kind=entry.kind, html=entry.html))
    items.sort(key=lambda item: item.at, reverse=True)
    return items
