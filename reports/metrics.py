"""Outcome metrics, computed by database aggregation only (no referral row reaches Python).

Definitions (what each number means; the report's glossary repeats them):
- A referral belongs to a period by the moment it was **sent** (``created_at``), in local time
  (settings.TIME_ZONE); a period is whole days, ``start`` to ``end`` inclusive.
- **Funnel**: referrals sent, and how many are now in each status.
- **Responded**: the agency accepted or rejected it (``first_response_at`` is set).
  **Accepted** (for rates): responded and not rejected, i.e. it reached "accepted" at some
  point even if it is now in progress, completed, failed or cancelled.
- **Acceptance rate** = accepted / responded. **Completion rate** = completed / accepted.
- **Time to first response** = first_response_at - created_at, in hours (median, 90th
  percentile, continuous/interpolated, like PostgreSQL's ``percentile_cont``).
- **Time to close** = closed_at - created_at, in days, over closed referrals.
- **Overdue**: the referral went overdue (no response within 5 business days: ``overdue_at``
  set by the daily follow-up job).
- **Outcome mix**: closed referrals by recorded outcome (none for declined or cancelled ones).
- **Digital inclusion**: referrals whose need is digital access (devices and connectivity).

Percentiles: on PostgreSQL a real ``percentile_cont`` aggregate; on SQLite (development and the
default test run) the same interpolation computed in SQL with window functions.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Count, F, FloatField, Func, Min, Q, QuerySet, Value
from django.db.models.aggregates import Aggregate

from casework.models.intake import Need
from referrals.models import Outcome, Referral, ReferralStatus

from .periods import add_months, is_whole_months, months_between

DIGITAL_NEED = Need.DIGITAL_ACCESS.value
NOT_RECORDED = ""  # outcome key for closed referrals without a recorded outcome

# (key on Summary, status value) in funnel order.
FUNNEL_STATUSES = (
    ("requested", ReferralStatus.REQUESTED),
    ("accepted", ReferralStatus.ACCEPTED),
    ("in_progress", ReferralStatus.IN_PROGRESS),
    ("completed", ReferralStatus.COMPLETED),
    ("failed", ReferralStatus.FAILED),
    ("rejected", ReferralStatus.REJECTED),
    ("cancelled", ReferralStatus.CANCELLED),
)
OUTCOME_KEYS = (*Outcome.values, NOT_RECORDED)


# --- SQL building blocks -------------------------------------------------------------------


class Percentile(Aggregate):
    """``percentile_cont(p) WITHIN GROUP (ORDER BY expr)`` (PostgreSQL; NULLs are ignored)."""

    function = "percentile_cont"
    name = "Percentile"
    template = "percentile_cont(%(p)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, p: float, **extra):
        if not 0 <= float(p) <= 1:
            raise ValueError("p must be between 0 and 1")
        super().__init__(expression, p=float(p), **extra)


class Percentiles(Percentile):
    """Several percentiles from one sort: ``percentile_cont(ARRAY[...]) WITHIN GROUP (...)``,
    returning a list in the order given."""

    name = "Percentiles"
    output_field = ArrayField(FloatField())

    def __init__(self, expression, ps, **extra):
        values = [float(p) for p in ps]
        if not all(0 <= p <= 1 for p in values):
            raise ValueError("p must be between 0 and 1")
        array = "ARRAY[" + ", ".join(repr(p) for p in values) + "]::double precision[]"
        Aggregate.__init__(self, expression, p=array, **extra)


class ElapsedHours(Func):
    """Hours from ``start`` to ``end`` as a float; NULL when either is NULL."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(f"ElapsedHours is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            # date_part is double precision; EXTRACT returns numeric (much slower to sort).
            template="(date_part('epoch', %(expressions)s) / 3600.0)",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores UTC datetimes as ISO text on SQLite; julianday() parses it.
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


RESPONSE_HOURS = ElapsedHours(F("first_response_at"), F("created_at"))
CLOSE_HOURS = ElapsedHours(F("closed_at"), F("created_at"))


def _percentiles_sqlite(
    queryset: QuerySet, value, group=None, ps=(0.5, 0.9)
) -> dict[object, list[float | None]]:
    """Interpolated percentiles per group in one SQL statement (window functions), for SQLite.

    Same definition as percentile_cont: position = p * (n - 1) over the ascending values,
    linear interpolation between the two neighbouring values.
    """
    base = (
        queryset.order_by()
        .annotate(_v=value, _g=F(group) if group else Value(0))
        .filter(_v__isnull=False)
        .values("_g", "_v")
    )
    inner_sql, params = base.query.sql_with_params()
    picks = []
    for p in ps:
        pos = f"((n - 1) * {float(p)!r})"
        lo = f"CAST({pos} AS INTEGER)"
        frac = f"({pos} - {lo})"
        picks.append(
            f"SUM(CASE WHEN i = {lo} THEN v * (1 - {frac}) "
            f"WHEN i = {lo} + 1 THEN v * {frac} ELSE 0 END)"
        )
    sql = (
        "WITH ranked AS ("
        ' SELECT base."_g" AS g, base."_v" AS v,'
        ' ROW_NUMBER() OVER (PARTITION BY base."_g" ORDER BY base."_v") - 1 AS i,'
        ' COUNT(*) OVER (PARTITION BY base."_g") AS n'
        f" FROM ({inner_sql}) AS base"
        f") SELECT g, {', '.join(picks)} FROM ranked GROUP BY g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: list(row[1:]) for row in cursor.fetchall()}


def _uses_percentile_aggregate() -> bool:
    return connection.vendor == "postgresql"


# --- Filters and periods -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """A period (whole local days, both ends inclusive) and optional slices."""

    start: datetime.date
    end: datetime.date
    center_id: int | None = None
    agency_id: int | None = None
    program_id: int | None = None
    need: str = ""
    language: str = ""
    zip_code: str = ""
    age_band: str = ""  # "16-17", "18-24", "25-64", "65+": the client's age when it was sent

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> ReportFilters:
        """The period of equal length just before this one, with the same slices (the same
        number of calendar months before a period of whole months)."""
        if is_whole_months(self.start, self.end):
            start = add_months(self.start, -months_between(self.start, self.end))
        else:
            start = self.start - datetime.timedelta(days=self.days)
        return ReportFilters(
            start=start,
            end=self.start - datetime.timedelta(days=1),
            center_id=self.center_id,
            agency_id=self.agency_id,
            program_id=self.program_id,
            need=self.need,
            language=self.language,
            zip_code=self.zip_code,
            age_band=self.age_band,
        )

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start of first day, start of the day after the last) as aware local datetimes."""
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        begin = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return begin, after


def referrals_in(filters: ReportFilters) -> QuerySet[Referral]:
    begin, after = filters.bounds()
    qs = Referral.objects.filter(created_at__gte=begin, created_at__lt=after).order_by()
    if filters.center_id:
        qs = qs.filter(sending_center_id=filters.center_id)
    if filters.agency_id:
        qs = qs.filter(agency_id=filters.agency_id)
    if filters.program_id:
        qs = qs.filter(program_id=filters.program_id)
    if filters.need:
        qs = qs.filter(need_category=filters.need)
    if filters.language:
        qs = qs.filter(client__preferred_language=filters.language)
    if filters.zip_code:
        qs = qs.filter(client__zip_code=filters.zip_code)
    if filters.age_band:
        from .rollups import with_age_band

        qs = with_age_band(qs).filter(_age_band=filters.age_band)
    return qs


# --- Results -------------------------------------------------------------------------------


@dataclass
class Summary:
    """Raw numbers for one slice of one period (never shown unsuppressed: see presentation)."""

    sent: int = 0
    requested: int = 0
    accepted: int = 0
    in_progress: int = 0
    completed: int = 0
    failed: int = 0
    rejected: int = 0
    cancelled: int = 0
    responded: int = 0
    accepted_ever: int = 0
    closed: int = 0
    overdue: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    response_hours_p50: float | None = None
    response_hours_p90: float | None = None
    close_days_p50: float | None = None
    close_days_p90: float | None = None


@dataclass
class AgencyRow:
    agency_id: int
    agency_name: str
    received: int
    responded: int
    accepted_ever: int
    completed: int
    overdue: int
    response_hours_p50: float | None = None
    # Next to the agency's outcomes, the clients' (issue 13): closed "got help" by the agency,
    # of those confirmed by the client; answers given, and those contradicting the agency.
    got_help: int = 0
    client_confirmed: int = 0
    client_answered: int = 0
    client_disagreed: int = 0


@dataclass
class ProgramRow:
    program_id: int
    program_name: str
    agency_name: str
    sent: int
    accepted_ever: int
    completed: int
    got_help: int


@dataclass
class Report:
    filters: ReportFilters
    current: Summary
    previous: Summary
    scorecard: list[AgencyRow]
    digital: Summary
    digital_previous: Summary
    digital_programs: list[ProgramRow]
    trend: list = field(default_factory=list)  # rollups.WeekPoint, oldest week first
    priorities: dict = field(default_factory=dict)  # name -> (in the group, everyone else)
    # (this period, previous period) of ClientConfirmation; see client_confirmation().
    client_confirmation: tuple = ()


# --- Queries -------------------------------------------------------------------------------


def _summary_aggregates(prefix: str, where: Q | None) -> dict:
    def count(condition: Q | None = None):
        parts = [q for q in (where, condition) if q is not None]
        if not parts:
            return Count("pk")
        combined = parts[0]
        for q in parts[1:]:
            combined &= q
        return Count("pk", filter=combined)

    responded = Q(first_response_at__isnull=False)
    closed = Q(closed_at__isnull=False)
    aggs = {
        f"{prefix}sent": count(),
        f"{prefix}responded": count(responded),
        f"{prefix}accepted_ever": count(responded & ~Q(status=ReferralStatus.REJECTED)),
        f"{prefix}closed": count(closed),
        f"{prefix}overdue": count(Q(overdue_at__isnull=False)),
    }
    for key, status in FUNNEL_STATUSES:
        aggs[f"{prefix}{key}"] = count(Q(status=status))
    for outcome in OUTCOME_KEYS:
        aggs[f"{prefix}outcome_{outcome or 'none'}"] = count(closed & Q(outcome=outcome))
    if _uses_percentile_aggregate():
        extra = {"filter": where} if where is not None else {}
        # One sort per measure for both percentiles.
        aggs[f"{prefix}response_ps"] = Percentiles(RESPONSE_HOURS, (0.5, 0.9), **extra)
        aggs[f"{prefix}close_ps"] = Percentiles(CLOSE_HOURS, (0.5, 0.9), **extra)
    return aggs


def _summary_from(row: dict, prefix: str) -> Summary:
    summary = Summary(
        sent=row[f"{prefix}sent"],
        responded=row[f"{prefix}responded"],
        accepted_ever=row[f"{prefix}accepted_ever"],
        closed=row[f"{prefix}closed"],
        overdue=row[f"{prefix}overdue"],
        outcomes={o: row[f"{prefix}outcome_{o or 'none'}"] for o in OUTCOME_KEYS},
    )
    for key, _status in FUNNEL_STATUSES:
        setattr(summary, key, row[f"{prefix}{key}"])
    if f"{prefix}response_ps" in row:
        # percentile_cont over no rows is NULL, not an array of NULLs
        response = row[f"{prefix}response_ps"] or [None, None]
        close = row[f"{prefix}close_ps"] or [None, None]
        summary.response_hours_p50, summary.response_hours_p90 = response
        summary.close_days_p50, summary.close_days_p90 = (_days(v) for v in close)
    return summary


def _days(hours: float | None) -> float | None:
    return None if hours is None else hours / 24.0


def _fill_percentiles_sqlite(summary: Summary, queryset: QuerySet) -> None:
    response = _percentiles_sqlite(queryset, RESPONSE_HOURS).get(0, [None, None])
    close = _percentiles_sqlite(queryset, CLOSE_HOURS).get(0, [None, None])
    summary.response_hours_p50, summary.response_hours_p90 = response
    summary.close_days_p50, summary.close_days_p90 = (_days(v) for v in close)


def summaries(filters: ReportFilters) -> tuple[Summary, Summary]:
    """(all referrals, digital-inclusion referrals) for the filters, in one aggregate query
    (plus, on SQLite only, the percentile statements)."""
    qs = referrals_in(filters)
    digital = Q(need_category=DIGITAL_NEED)
    row = qs.aggregate(**_summary_aggregates("", None), **_summary_aggregates("d_", digital))
    overall, digital_summary = _summary_from(row, ""), _summary_from(row, "d_")
    if not _uses_percentile_aggregate():
        _fill_percentiles_sqlite(overall, qs)
        _fill_percentiles_sqlite(digital_summary, qs.filter(digital))
    return overall, digital_summary


CLIENT_ANSWER_FIELDS = ("got_help", "client_confirmed", "client_answered", "client_disagreed")


def client_answer_counts() -> dict:
    """The agency's "got help" closes and the clients' answers beside them, as aggregates (the
    live scorecard and the weekly roll-ups use the same definitions)."""
    from referrals.client_confirm import CLIENT_DISAGREES

    got_help = Q(closed_at__isnull=False, outcome=Outcome.GOT_HELP)
    return {
        "got_help": Count("pk", filter=got_help),
        "client_confirmed": Count("pk", filter=got_help & Q(client_outcome="got_help")),
        "client_answered": Count("pk", filter=~Q(client_outcome="")),
        "client_disagreed": Count("pk", filter=CLIENT_DISAGREES),
    }


def partner_scorecard(filters: ReportFilters) -> list[AgencyRow]:
    """Per receiving agency, one grouped query (plus one percentile statement on SQLite)."""
    qs = referrals_in(filters)
    responded = Q(first_response_at__isnull=False)
    annotations = {
        "received": Count("pk"),
        "responded": Count("pk", filter=responded),
        "accepted_ever": Count("pk", filter=responded & ~Q(status=ReferralStatus.REJECTED)),
        "completed": Count("pk", filter=Q(status=ReferralStatus.COMPLETED)),
        "overdue": Count("pk", filter=Q(overdue_at__isnull=False)),
        **client_answer_counts(),
    }
    if _uses_percentile_aggregate():
        annotations["response_p50"] = Percentile(RESPONSE_HOURS, 0.5)
    # Grouped by id alone (the name rides along as Min): a narrower sort key, twice as fast.
    rows = (
        qs.values("agency_id")
        .annotate(agency_name=Min("agency__name"), **annotations)
        .order_by("-received", "agency_name", "agency_id")
    )
    result = [
        AgencyRow(
            agency_id=r["agency_id"],
            agency_name=r["agency_name"],
            received=r["received"],
            responded=r["responded"],
            accepted_ever=r["accepted_ever"],
            completed=r["completed"],
            overdue=r["overdue"],
            response_hours_p50=r.get("response_p50"),
            **{field: r[field] for field in CLIENT_ANSWER_FIELDS},
        )
        for r in rows
    ]
    if not _uses_percentile_aggregate() and result:
        medians = _percentiles_sqlite(qs, RESPONSE_HOURS, group="agency_id", ps=(0.5,))
        for row in result:
            row.response_hours_p50 = medians.get(row.agency_id, [None])[0]
    return result


def digital_programs(filters: ReportFilters) -> list[ProgramRow]:
    """Digital-inclusion referrals per program (device donation, low-cost internet, ...)."""
    rows = (
        referrals_in(filters)
        .filter(need_category=DIGITAL_NEED)
        .values("program_id")
        .annotate(
            program_name=Min("program__name"),
            agency_name=Min("agency__name"),
            sent=Count("pk"),
            accepted_ever=Count(
                "pk",
                filter=Q(first_response_at__isnull=False) & ~Q(status=ReferralStatus.REJECTED),
            ),
            completed=Count("pk", filter=Q(status=ReferralStatus.COMPLETED)),
            got_help=Count("pk", filter=Q(outcome=Outcome.GOT_HELP)),
        )
        .order_by("-sent", "program_name", "program_id")
    )
    return [
        ProgramRow(
            program_id=r["program_id"],
            program_name=r["program_name"],
            agency_name=r["agency_name"],
            sent=r["sent"],
            accepted_ever=r["accepted_ever"],
            completed=r["completed"],
            got_help=r["got_help"],
        )
        for r in rows
    ]


def build_report(filters: ReportFilters, *, from_rollups: bool | None = None) -> Report:
    """Every metric for the filters and the previous period of equal length.

    A long window for everyone (whole weeks, ``rollups.LONG_WINDOW_WEEKS`` or more) is added
    up from the weekly roll-ups: 4 queries whatever the number of referrals, medians from the
    roll-ups' histograms (``from_rollups`` forces one way or the other; by default a window
    with no roll-ups yet is computed live); the clients' confirmations come from them too.
    Otherwise, PostgreSQL: 8 queries whatever the number of referrals, agencies or programs
    (the trend is one query on the weekly roll-ups, the priority groups one grouped query each,
    the clients' confirmations one query for both periods).
    """
    from .rollups import answers_from_rollups, priority_groups, report_from_rollups, weekly_trend

    if from_rollups is None:
        from_rollups = answers_from_rollups(filters)
        required = False
    else:
        required = True
    if from_rollups:
        report = report_from_rollups(filters, required=required)
        if report is not None:
            return report
    current, digital = summaries(filters)
    previous, digital_previous = summaries(filters.previous())
    return Report(
        trend=weekly_trend(filters),
        priorities=priority_groups(filters),
        filters=filters,
        current=current,
        previous=previous,
        scorecard=partner_scorecard(filters),
        digital=digital,
        digital_previous=digital_previous,
        digital_programs=digital_programs(filters),
        client_confirmation=client_confirmation(filters),
    )


# --- Confirmed by the client (issue 13) ------------------------------------------------------


@dataclass
class ClientConfirmation:
    """What clients said when asked whether they got help (referrals/client_confirm.py).

    - **asked**: referrals whose client was sent the confirmation message;
    - **answered**: of those, the client answered; **said_got_help**: the client said so;
    - **agency_got_help**: closed with the agency's outcome "got help";
      **confirmed**: of those, the client also said they got help.
    **Confirmed by the client** = confirmed / agency_got_help.
    """

    asked: int = 0
    answered: int = 0
    said_got_help: int = 0
    agency_got_help: int = 0
    confirmed: int = 0


def client_confirmation(filters: ReportFilters) -> tuple[ClientConfirmation, ClientConfirmation]:
    """(this period, previous period), in one aggregate query over both periods."""
    import dataclasses

    previous = filters.previous()
    begin, _after = filters.bounds()
    both = referrals_in(dataclasses.replace(filters, start=previous.start))
    client_said_help = Q(client_outcome="got_help")
    agency_help = Q(closed_at__isnull=False, outcome=Outcome.GOT_HELP)
    measures = {
        "asked": Q(client_confirm_sent_at__isnull=False),
        "answered": ~Q(client_outcome=""),
        "said_got_help": client_said_help,
        "agency_got_help": agency_help,
        "confirmed": agency_help & client_said_help,
    }
    aggs = {}
    for period, in_period in (
        ("cur", Q(created_at__gte=begin)),
        ("prev", Q(created_at__lt=begin)),
    ):
        for name, condition in measures.items():
            aggs[f"{period}_{name}"] = Count("pk", filter=in_period & condition)
    row = both.aggregate(**aggs)
    return tuple(
        ClientConfirmation(**{name: row[f"{period}_{name}"] for name in measures})
        for period in ("cur", "prev")
    )
