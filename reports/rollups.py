"""Weekly roll-ups: raw counts per week (Monday to Sunday, local time) for everyone and for each
single slice (client language, age band at sending, ZIP, center, agency, program, need).

Trends read these rows (one indexed query for 26 weeks, whatever the number of referrals), and
so does the dashboard over long windows for everyone (``report_from_rollups``: the rows also
hold the funnel, the outcomes and histograms of response and close times, and a
``digital_program`` slice). They are kept current by the system:
- when a referral is saved, the week it was sent in is recomputed after the transaction commits
  (``referral_saved`` below, through a Celery task: a broker outage is logged, never raised);
- every night (Celery beat) the last ``NIGHTLY_WEEKS`` weeks are recomputed, which also catches
  bulk updates that send no signal (the daily follow-up job's overdue marks).
``live_weekly`` computes the same numbers straight from the referrals; tests hold the two equal.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, TruncDate, TruncWeek
from django.utils import timezone

from referrals.models import Outcome, Referral, ReferralStatus

from .histograms import CLOSE_EDGES, CLOSE_FIELDS, RESPONSE_EDGES, RESPONSE_FIELDS, percentile
from .metrics import DIGITAL_NEED, RESPONSE_HOURS, Percentile, ReportFilters, referrals_in
from .models import Dimension, WeeklyRollup
from .periods import is_whole_weeks

logger = logging.getLogger(__name__)

NIGHTLY_WEEKS = 8
TREND_WEEKS = 26
# (key, lowest age, highest age or None) at the day the referral was sent.
AGE_BANDS = (("16-17", 16, 17), ("18-24", 18, 24), ("25-64", 25, 64), ("65+", 65, None))
YOUNG_ADULTS = "18-24"


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def week_start_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


class AgeAtSend(Func):
    """Whole years from the client's date of birth to the (local) day the referral was sent."""

    output_field = FloatField()
    template = "date_part('year', age(%(expressions)s))"

    def __init__(self, **extra):
        super().__init__(TruncDate("created_at", tzinfo=_tz()), F("client__date_of_birth"), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Dates are ISO text on SQLite: the year difference, less one before the birthday.
        sent_sql, sent_params = compiler.compile(self.source_expressions[0])
        dob_sql, dob_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"(CAST(strftime('%%Y', {sent_sql}) AS INTEGER)"
            f" - CAST(strftime('%%Y', {dob_sql}) AS INTEGER)"
            f" - (strftime('%%m-%%d', {sent_sql}) < strftime('%%m-%%d', {dob_sql})))"
        )
        return sql, (*sent_params, *dob_params, *sent_params, *dob_params)


def age_band_expression():
    whens = [
        When(_age__gte=low, then=Value(key))
        for key, low, _high in sorted(AGE_BANDS, key=lambda b: -b[1])
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def with_age_band(qs):
    return qs.annotate(_age=AgeAtSend()).annotate(_age_band=age_band_expression())


DIMENSION_FIELDS = {
    Dimension.ALL: None,
    Dimension.LANGUAGE: "client__preferred_language",
    Dimension.AGE_BAND: "_age_band",
    Dimension.ZIP: "client__zip_code",
    Dimension.CENTER: "sending_center_id",
    Dimension.AGENCY: "agency_id",
    Dimension.PROGRAM: "program_id",
    Dimension.NEED: "need_category",
    Dimension.DIGITAL_PROGRAM: "program_id",  # device and connectivity referrals only
}


def _counts() -> dict:
    responded = Q(first_response_at__isnull=False)
    return {
        "sent": Count("pk"),
        "responded": Count("pk", filter=responded),
        "accepted_ever": Count("pk", filter=responded & ~Q(status=ReferralStatus.REJECTED)),
        "closed": Count("pk", filter=Q(closed_at__isnull=False)),
        "got_help": Count("pk", filter=Q(closed_at__isnull=False, outcome=Outcome.GOT_HELP)),
        "overdue": Count("pk", filter=Q(overdue_at__isnull=False)),
        **(
            {"response_hours_p50": Percentile(RESPONSE_HOURS, 0.5)}
            if connection.vendor == "postgresql"
            else {}
        ),
    }


def _rollup_counts() -> dict:
    """What a roll-up row holds beyond the trend's counts: the funnel, the outcomes, and the
    histograms of response and close times (``reports.histograms``)."""
    from .metrics import CLOSE_HOURS, FUNNEL_STATUSES, OUTCOME_KEYS, client_answer_counts

    closed = Q(closed_at__isnull=False)
    extra = {key: Count("pk", filter=Q(status=status)) for key, status in FUNNEL_STATUSES}
    for outcome in OUTCOME_KEYS:
        if outcome != Outcome.GOT_HELP:
            extra[f"outcome_{outcome or 'none'}"] = Count("pk", filter=closed & Q(outcome=outcome))
    # Compared as timestamps (created_at + N hours): cheaper than working out each duration.
    for edge, name in zip(RESPONSE_EDGES, RESPONSE_FIELDS, strict=True):
        extra[name] = Count(
            "pk", filter=Q(first_response_at__lt=F("created_at") + datetime.timedelta(hours=edge))
        )
    for edge, name in zip(CLOSE_EDGES, CLOSE_FIELDS, strict=True):
        extra[name] = Count(
            "pk", filter=Q(closed_at__lt=F("created_at") + datetime.timedelta(hours=edge))
        )
    extra["client_asked"] = Count("pk", filter=Q(client_confirm_sent_at__isnull=False))
    extra["client_said_got_help"] = Count("pk", filter=Q(client_outcome="got_help"))
    answers = client_answer_counts()
    del answers["got_help"]  # a trend count already
    extra.update(answers)
    extra["response_hours_max"] = Max(RESPONSE_HOURS)
    extra["close_hours_max"] = Max(CLOSE_HOURS)
    return extra


# The slices whose rows hold every figure (what the dashboard's long windows read: everyone,
# digital inclusion and young adults, the scorecard's agencies, the digital programs). The
# others hold the trend's counts only (the funnel, outcomes and histograms stay 0), which
# keeps a week's recompute about half as long.
FULL_DIMENSIONS = frozenset(
    {
        Dimension.ALL,
        Dimension.NEED,
        Dimension.AGE_BAND,
        Dimension.AGENCY,
        Dimension.DIGITAL_PROGRAM,
    }
)

# The figures of a roll-up row (written by ``rollup_weeks``), and those that add up over weeks.
ROLLUP_FIELDS = tuple(
    f.name
    for f in WeeklyRollup._meta.concrete_fields
    if f.name not in ("id", "week_start", "dimension", "key", "computed_at")
)
MAX_FIELDS = ("response_hours_max", "close_hours_max")
SUMMED_FIELDS = tuple(f for f in ROLLUP_FIELDS if f not in ("response_hours_p50", *MAX_FIELDS))


def _medians_sqlite(qs, group_expression) -> dict:
    """SQLite has no percentile_cont: the medians per group from the window-function SQL."""
    from .metrics import _percentiles_sqlite

    found = _percentiles_sqlite(
        qs.annotate(_grp=group_expression), RESPONSE_HOURS, group="_grp", ps=(0.5,)
    )
    return {k: v[0] for k, v in found.items()}


COUNT_FIELDS = ("sent", "responded", "accepted_ever", "closed", "got_help", "overdue")


@dataclass
class WeekPoint:
    week_start: datetime.date
    sent: int = 0
    responded: int = 0
    accepted_ever: int = 0
    closed: int = 0
    got_help: int = 0
    overdue: int = 0
    response_hours_p50: float | None = None


def _sliced(qs, dimension: str):
    """The referrals a dimension counts, annotated with their week (``_week``) and slice value
    (``_key``)."""
    field = DIMENSION_FIELDS[Dimension(dimension)]
    if dimension == Dimension.AGE_BAND:
        qs = with_age_band(qs)
    if dimension == Dimension.DIGITAL_PROGRAM:
        qs = qs.filter(need_category=DIGITAL_NEED)
    key = Value("") if field is None else Cast(F(field), CharField())
    week = TruncWeek("created_at", tzinfo=_tz(), output_field=DateField())
    return qs.annotate(_week=week, _key=key)


def _grouped_query(qs, dimension: str, *, full: bool = False):
    """One row per week and slice value with its counts (``full``: everything a roll-up row
    holds), unordered."""
    return (
        _sliced(qs, dimension)
        .values("_week", "_key")
        .annotate(**_counts(), **(_rollup_counts() if full else {}))
    )


def _grouped(qs, dimension: str, *, full: bool = False):
    """Counts per week and slice value (``full``: everything a roll-up row holds)."""
    rows = list(_grouped_query(qs, dimension, full=full).order_by("_week", "_key"))
    if connection.vendor != "postgresql":
        medians = _medians_sqlite(
            _sliced(qs, dimension),
            Concat(Cast(F("_week"), CharField()), Value("|"), F("_key"), output_field=CharField()),
        )
        for r in rows:
            r["response_hours_p50"] = medians.get(f"{r['_week']}|{r['_key']}")
    return rows


def _weeks_bounds(first: datetime.date, last: datetime.date):
    begin = datetime.datetime.combine(first, datetime.time.min, tzinfo=_tz())
    after = datetime.datetime.combine(
        last + datetime.timedelta(days=7), datetime.time.min, tzinfo=_tz()
    )
    return begin, after


def rollup_weeks(weeks) -> int:
    """Recompute every roll-up row of the given weeks (Mondays); returns the rows written."""
    weeks = sorted({week_start_of(w) for w in weeks})
    if not weeks:
        return 0
    begin, after = _weeks_bounds(weeks[0], weeks[-1])
    base = Referral.objects.filter(created_at__gte=begin, created_at__lt=after).order_by()
    now = timezone.now()
    with transaction.atomic():
        WeeklyRollup.objects.filter(week_start__in=weeks).delete()
        if connection.vendor == "postgresql":
            return _insert_rollups_in_database(base, weeks, now)
        return len(WeeklyRollup.objects.bulk_create(_rollups(base, weeks, now), batch_size=2000))


def _rollups(base, weeks: list[datetime.date], now) -> list[WeeklyRollup]:
    """The roll-up rows of ``weeks``, built in Python from the grouped counts (SQLite, whose
    medians are worked out here too)."""
    wanted = set(weeks)
    rows = []
    for dimension in Dimension.values:
        for r in _grouped(base, dimension, full=dimension in FULL_DIMENSIONS):
            if r["_week"] not in wanted:
                continue
            rows.append(
                WeeklyRollup(
                    week_start=r["_week"],
                    dimension=dimension,
                    key=r["_key"] or "",
                    computed_at=now,
                    **{f: r[f] for f in ROLLUP_FIELDS if f in r},
                )
            )
    return rows


def _insert_rollups_in_database(base, weeks: list[datetime.date], now) -> int:
    """The same rows as ``_rollups``, written by PostgreSQL itself: one ``INSERT … SELECT``
    of each dimension's grouped counts, so no row passes through Python. A week of the big
    county is about 1,500 rows of 50 figures; building and sending them from Python took as
    long as counting them (1.1 of 2.2 s a week, issue 15). A figure the dimension does not
    count gets the field's default, as in ``_rollups``."""
    qn = connection.ops.quote_name
    fields = {f.name: f for f in WeeklyRollup._meta.concrete_fields}
    written = 0
    with connection.cursor() as cursor:
        for dimension in Dimension.values:
            grouped = _grouped_query(base, dimension, full=dimension in FULL_DIMENSIONS)
            counted = set(grouped.query.annotations)
            sql, params = grouped.query.sql_with_params()
            columns, values, value_params = (
                [fields[name].column for name in ("week_start", "dimension", "key", "computed_at")],
                [
                    'g."_week"::date',
                    "%s",
                    "COALESCE(g.\"_key\", '')",
                    "%s",
                ],
                [dimension, now],
            )
            for name in ROLLUP_FIELDS:
                columns.append(fields[name].column)
                if name in counted:
                    values.append(f"g.{qn(name)}")
                else:
                    values.append("%s")
                    value_params.append(fields[name].get_default())
            cursor.execute(
                f"INSERT INTO {qn(WeeklyRollup._meta.db_table)} "
                f"({', '.join(qn(c) for c in columns)}) "
                f"SELECT {', '.join(values)} FROM ({sql}) g "
                'WHERE g."_week"::date = ANY(%s::date[])',
                [*value_params, *params, weeks],
            )
            written += cursor.rowcount
    return written


def rollup_recent(*, weeks: int = NIGHTLY_WEEKS, today: datetime.date | None = None) -> int:
    """The nightly job: the last ``weeks`` weeks, this one included (every week the first time,
    when there are no roll-ups yet)."""
    if not WeeklyRollup.objects.exists():
        return rollup_all()
    this_week = week_start_of(today or timezone.localdate())
    return rollup_weeks(this_week - datetime.timedelta(weeks=i) for i in range(weeks))


def rollup_all() -> int:
    """Every week that has referrals (a first fill, or after a data repair)."""
    first = Referral.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        return 0
    start = week_start_of(timezone.localdate(first))
    this_week = week_start_of(timezone.localdate())
    written = 0
    while start <= this_week:
        end = min(start + datetime.timedelta(weeks=25), this_week)
        written += rollup_weeks(
            start + datetime.timedelta(weeks=i) for i in range((end - start).days // 7 + 1)
        )
        start = end + datetime.timedelta(weeks=1)
    return written


# --- Keeping them current ----------------------------------------------------------------------


# How long after a referral changes its week's roll-ups are recomputed: every change in that
# time shares one recompute (a week of a big county is about a second of database work, and a
# partner working through old referrals touches many weeks). The long-window reports that read
# the roll-ups lag by at most this much; shorter windows are computed live.
COALESCE_SECONDS = settings.REPORTS_ROLLUP_DELAY_SECONDS


def pending_key(week: str) -> str:
    return f"reports:rollup-pending:{week}"


def _enqueue(weeks: list[str]) -> None:
    """One recompute per week per minute however many referrals of it change: the first
    change marks the week pending and queues the task a minute later; the task clears the mark
    when it starts, so a change after that queues a new one. A broker or cache outage is
    logged, never raised (the nightly job catches up)."""
    from django.core.cache import cache

    from casework import jobs

    from .tasks import rollup_weeks_task

    try:
        fresh = [w for w in weeks if cache.add(pending_key(w), 1, COALESCE_SECONDS * 5)]
    except Exception:
        logger.warning("could not mark weeks %s for their roll-up", weeks, exc_info=True)
        return
    if fresh:
        jobs.enqueue(rollup_weeks_task, fresh, countdown=COALESCE_SECONDS)


def referral_saved(sender, instance, **kwargs) -> None:
    """post_save of a referral: its week is recomputed once the transaction has committed."""
    if instance.created_at is None:
        return
    from .cached import bump_data_version

    week = week_start_of(timezone.localtime(instance.created_at).date()).isoformat()
    transaction.on_commit(lambda: _enqueue([week]))
    transaction.on_commit(bump_data_version)  # the cached dashboards are out of date


# --- Reading -----------------------------------------------------------------------------------


def trend_weeks(last_week: datetime.date, weeks: int = TREND_WEEKS) -> list[datetime.date]:
    last = week_start_of(last_week)
    return [last - datetime.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def single_slice(filters: ReportFilters) -> tuple[str, str] | None:
    """(dimension, key) when the filters pick at most one slice (the roll-ups hold those)."""
    picked = [
        (Dimension.CENTER, filters.center_id),
        (Dimension.AGENCY, filters.agency_id),
        (Dimension.PROGRAM, filters.program_id),
        (Dimension.NEED, filters.need),
        (Dimension.LANGUAGE, filters.language),
        (Dimension.ZIP, filters.zip_code),
        (Dimension.AGE_BAND, getattr(filters, "age_band", "")),
    ]
    picked = [(d, str(v)) for d, v in picked if v]
    if not picked:
        return (Dimension.ALL.value, "")
    if len(picked) == 1:
        return (picked[0][0].value, picked[0][1])
    return None


def weekly_trend(filters: ReportFilters, weeks: int = TREND_WEEKS) -> list[WeekPoint]:
    """The ``weeks`` weeks ending with the week of ``filters.end``: from the roll-ups (one query)
    for everyone or a single slice, else computed live (one grouped query)."""
    wanted = trend_weeks(filters.end, weeks)
    picked = single_slice(filters)
    if picked is None:
        return live_weekly(filters, wanted)
    dimension, key = picked
    rows = WeeklyRollup.objects.filter(
        dimension=dimension, key=key, week_start__gte=wanted[0], week_start__lte=wanted[-1]
    ).values("week_start", "response_hours_p50", *COUNT_FIELDS)
    found = {r["week_start"]: r for r in rows}
    points = []
    for week in wanted:
        r = found.get(week)
        point = WeekPoint(week_start=week)
        if r:
            for f in COUNT_FIELDS:
                setattr(point, f, r[f])
            point.response_hours_p50 = r["response_hours_p50"]
        points.append(point)
    return points


def live_weekly(filters: ReportFilters, wanted: list[datetime.date]) -> list[WeekPoint]:
    """The same weekly numbers computed from the referrals themselves."""
    span = ReportFilters(
        start=wanted[0],
        end=wanted[-1] + datetime.timedelta(days=6),
        center_id=filters.center_id,
        agency_id=filters.agency_id,
        program_id=filters.program_id,
        need=filters.need,
        language=filters.language,
        zip_code=filters.zip_code,
        age_band=getattr(filters, "age_band", ""),
    )
    found = {r["_week"]: r for r in _grouped(referrals_in(span), Dimension.ALL)}
    points = []
    for week in wanted:
        r = found.get(week)
        point = WeekPoint(week_start=week)
        if r:
            for f in COUNT_FIELDS:
                setattr(point, f, r[f])
            point.response_hours_p50 = r["response_hours_p50"]
        points.append(point)
    return points


# --- The city's priorities, each against everyone else -----------------------------------------


def _group_points(qs, condition: Q) -> tuple[WeekPoint, WeekPoint]:
    """(referrals matching ``condition``, the others) in one grouped query."""
    rows = (
        qs.annotate(_in=Case(When(condition, then=Value(1)), default=Value(0)))
        .values("_in")
        .annotate(**_counts())
        .order_by()
    )
    found = {r["_in"]: r for r in rows}
    if connection.vendor != "postgresql":
        medians = _medians_sqlite(qs, Case(When(condition, then=Value(1)), default=Value(0)))
        for flag, r in found.items():
            r["response_hours_p50"] = medians.get(flag)
    out = []
    for flag in (1, 0):
        point = WeekPoint(week_start=None)
        r = found.get(flag)
        if r:
            for f in COUNT_FIELDS:
                setattr(point, f, r[f])
            point.response_hours_p50 = r["response_hours_p50"]
        out.append(point)
    return out[0], out[1]


def priority_groups(filters: ReportFilters) -> dict[str, tuple[WeekPoint, WeekPoint]]:
    """Young adults (18-24 when referred) and digital inclusion (device and connectivity
    referrals), each with everyone else, over the report's period and slices."""
    from .metrics import DIGITAL_NEED

    qs = referrals_in(filters)
    return {
        "young_adults": _group_points(
            qs if filters.age_band else with_age_band(qs), Q(_age_band=YOUNG_ADULTS)
        ),
        "digital": _group_points(qs, Q(need_category=DIGITAL_NEED)),
    }


# --- The dashboard over long windows, from the roll-ups -----------------------------------------

# Whole-week windows of at least this many weeks (the 4-week default and a single week stay
# live, with exact medians).
LONG_WINDOW_WEEKS = 5


def answers_from_rollups(filters: ReportFilters) -> bool:
    """Whether the dashboard for ``filters`` is added up from the roll-ups: everyone (no slice),
    and both the period and the previous one whole weeks, ``LONG_WINDOW_WEEKS`` or more."""
    if single_slice(filters) != (Dimension.ALL.value, ""):
        return False
    previous = filters.previous()
    return (
        filters.days >= 7 * LONG_WINDOW_WEEKS
        and is_whole_weeks(filters.start, filters.end)
        and is_whole_weeks(previous.start, previous.end)
    )


def _added_up() -> dict:
    return {
        **{f: Sum(f) for f in SUMMED_FIELDS},
        **{f: Max(f) for f in MAX_FIELDS},
    }


def _times(row: dict, edges, fields, total: int, longest, ps=(0.5, 0.9)) -> list[float | None]:
    below = [row[f] or 0 for f in fields]
    return [percentile(below, edges, total, longest, p) for p in ps]


def _summary_of(row: dict | None):
    from .metrics import FUNNEL_STATUSES, OUTCOME_KEYS, Summary

    if row is None:
        return Summary(outcomes=dict.fromkeys(OUTCOME_KEYS, 0))
    summary = Summary(
        sent=row["sent"],
        responded=row["responded"],
        accepted_ever=row["accepted_ever"],
        closed=row["closed"],
        overdue=row["overdue"],
        outcomes={
            o: row["got_help"] if o == Outcome.GOT_HELP else row[f"outcome_{o or 'none'}"]
            for o in OUTCOME_KEYS
        },
    )
    for key, _status in FUNNEL_STATUSES:
        setattr(summary, key, row[key])
    summary.response_hours_p50, summary.response_hours_p90 = _times(
        row, RESPONSE_EDGES, RESPONSE_FIELDS, row["responded"], row["response_hours_max"]
    )
    close = _times(row, CLOSE_EDGES, CLOSE_FIELDS, row["closed"], row["close_hours_max"])
    summary.close_days_p50, summary.close_days_p90 = (
        None if hours is None else hours / 24.0 for hours in close
    )
    return summary


def _point_of(row: dict | None) -> WeekPoint:
    point = WeekPoint(week_start=None)
    if row:
        for f in COUNT_FIELDS:
            setattr(point, f, row[f])
        point.response_hours_p50 = _times(
            row,
            RESPONSE_EDGES,
            RESPONSE_FIELDS,
            row["responded"],
            row["response_hours_max"],
            (0.5,),
        )[0]
    return point


def _without(everyone: dict | None, group: dict | None) -> dict | None:
    """Everyone but the group: counts subtract (the longest time stays everyone's, an upper
    bound for the rest)."""
    if everyone is None:
        return None
    if group is None:
        return everyone
    rest = {f: (everyone[f] or 0) - (group[f] or 0) for f in SUMMED_FIELDS}
    rest.update({f: everyone[f] for f in MAX_FIELDS})
    return rest


# The totals the dashboard reads: everyone, digital inclusion, young adults.
_GROUP_KEYS = {
    "all": (Dimension.ALL.value, ""),
    "digital": (Dimension.NEED.value, DIGITAL_NEED),
    "young": (Dimension.AGE_BAND.value, YOUNG_ADULTS),
}


def report_from_rollups(filters: ReportFilters, *, required: bool = False):
    """The dashboard's figures for a long window added up from the roll-ups, in six queries
    whatever the number of referrals (totals of both periods, the scorecard and its agencies'
    names, the digital programs and their names, the trend). Counts and rates equal the live
    computation; medians and 90th percentiles come from the summed histograms
    (``reports.histograms``). None when no roll-ups cover the period yet (unless
    ``required``): the caller computes it live."""
    from casework.models import Organization
    from referrals.models import Program

    from .metrics import CLIENT_ANSWER_FIELDS, AgencyRow, ClientConfirmation, ProgramRow, Report

    previous = filters.previous()
    picked = Q()
    for dimension, key in _GROUP_KEYS.values():
        picked |= Q(dimension=dimension, key=key)
    totals = (
        WeeklyRollup.objects.filter(
            picked, week_start__gte=previous.start, week_start__lte=filters.end
        )
        .annotate(
            _current=Case(When(week_start__gte=filters.start, then=Value(1)), default=Value(0))
        )
        .values("dimension", "key", "_current")
        .annotate(**_added_up())
        .order_by()
    )
    name_of = {slice_: name for name, slice_ in _GROUP_KEYS.items()}
    found = {(name_of[(r["dimension"], r["key"])], r["_current"]): r for r in totals}
    if ("all", 1) not in found and not required:
        return None

    in_period = {"week_start__gte": filters.start, "week_start__lte": filters.end}
    # Summed per agency, then named in a second query sorted by the database (its collation):
    # a name subquery inside the grouped query would run once per week and agency.
    agencies = {
        r["_id"]: r
        for r in WeeklyRollup.objects.filter(dimension=Dimension.AGENCY, **in_period)
        .annotate(_id=Cast("key", BigIntegerField()))
        .values("_id")
        .annotate(
            **{f: Sum(f) for f in ("sent", "responded", "accepted_ever", "completed", "overdue")},
            **{f: Sum(f) for f in CLIENT_ANSWER_FIELDS},
            **{f: Sum(f) for f in RESPONSE_FIELDS},
            response_hours_max=Max("response_hours_max"),
        )
        .order_by()
    }
    names = list(
        Organization.objects.filter(pk__in=agencies)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    scorecard = [
        AgencyRow(
            agency_id=pk,
            agency_name=name,
            received=r["sent"],
            responded=r["responded"],
            accepted_ever=r["accepted_ever"],
            completed=r["completed"],
            overdue=r["overdue"],
            response_hours_p50=_times(
                r, RESPONSE_EDGES, RESPONSE_FIELDS, r["responded"], r["response_hours_max"], (0.5,)
            )[0],
            **{field: r[field] for field in CLIENT_ANSWER_FIELDS},
        )
        for pk, name in names
        for r in (agencies[pk],)
    ]
    # Most referrals first, then by name (the order above: a stable sort keeps it).
    scorecard.sort(key=lambda row: -row.received)
    programs = {
        r["_id"]: r
        for r in WeeklyRollup.objects.filter(dimension=Dimension.DIGITAL_PROGRAM, **in_period)
        .annotate(_id=Cast("key", BigIntegerField()))
        .values("_id")
        .annotate(**{f: Sum(f) for f in ("sent", "accepted_ever", "completed", "got_help")})
        .order_by()
    }
    digital_programs = [
        ProgramRow(
            program_id=pk,
            program_name=name,
            agency_name=agency_name,
            sent=programs[pk]["sent"],
            accepted_ever=programs[pk]["accepted_ever"],
            completed=programs[pk]["completed"],
            got_help=programs[pk]["got_help"],
        )
        for pk, name, agency_name in Program.objects.filter(pk__in=programs)
        .order_by("name", "pk")
        .values_list("pk", "name", "agency__name")
    ]
    digital_programs.sort(key=lambda row: -row.sent)

    def total(name: str, current: bool) -> dict | None:
        return found.get((name, int(current)))

    everyone = total("all", True)

    def confirmation(row: dict | None) -> ClientConfirmation:
        row = row or {}
        return ClientConfirmation(
            asked=row.get("client_asked") or 0,
            answered=row.get("client_answered") or 0,
            said_got_help=row.get("client_said_got_help") or 0,
            agency_got_help=row.get("got_help") or 0,
            confirmed=row.get("client_confirmed") or 0,
        )

    return Report(
        client_confirmation=(confirmation(everyone), confirmation(total("all", False))),
        filters=filters,
        current=_summary_of(everyone),
        previous=_summary_of(total("all", False)),
        scorecard=scorecard,
        digital=_summary_of(total("digital", True)),
        digital_previous=_summary_of(total("digital", False)),
        digital_programs=digital_programs,
        trend=weekly_trend(filters),
        priorities={
            "young_adults": (
                _point_of(total("young", True)),
                _point_of(_without(everyone, total("young", True))),
            ),
            "digital": (
                _point_of(total("digital", True)),
                _point_of(_without(everyone, total("digital", True))),
            ),
        },
    )
