"""What a manager may see of a Report: suppressed, formatted tables and charts.

The page, the CSV and the PDF all render these tables, so suppression happens in one place.

Suppression rules (settings.REPORT_MIN_COUNT, "MIN" below, 5 by default):
1. A count below MIN (0 included) shows as "<MIN".
2. Secondary suppression: where counts add up to a shown total (funnel statuses to referrals
   sent, outcomes to closed referrals, agencies' referrals received and digital programs'
   referrals to the total), a single suppressed cell could be recovered by subtraction, so the
   smallest other cell is suppressed too.
3. A rate (acceptance, completion) is shown only when both the count it measures and the count
   it leaves out are at least MIN (numerator >= MIN and denominator - numerator >= MIN);
   otherwise neither "<MIN" accepted nor "<MIN" not accepted could be worked out from it.
4. A time measure (median, 90th percentile) is shown only when it is based on at least MIN
   referrals.
5. A change against the previous period is shown only when both figures are shown.
6. Counts that would let a suppressed cell be derived (responded, accepted) are not shown;
   only the rates built from them, under rule 3.
7. Differencing (docs/metrics.md): a count of MIN or more is rounded to the nearest multiple of
   settings.REPORT_ROUNDING_BASE (5; 7 shows as 5, 8 as 10) and a rate is computed from the
   rounded counts, so two reports that differ by a few referrals (the same slice over
   overlapping periods, or neighbouring slices) show figures from which no exact count below
   MIN can be worked out. Periods are whole weeks or whole months (``reports.periods``).
No client name, id or any per-referral value is part of a report: only these aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import Language, Organization
from casework.models.intake import Need
from referrals.models import Outcome, Program

from .metrics import FUNNEL_STATUSES, NOT_RECORDED, OUTCOME_KEYS, Report, Summary

DASH = "—"


def min_count() -> int:
    return int(getattr(settings, "REPORT_MIN_COUNT", 5))


@dataclass
class Cell:
    """A displayed figure: the text a manager sees and, if shown, the number behind it."""

    value: float | None
    text: str
    unit: str = ""  # for the CSV: "count", "proportion", "hours", "days", "points"

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return self.text


def rounding_base() -> int:
    return int(getattr(settings, "REPORT_ROUNDING_BASE", 5))


def rounded(n: int) -> int:
    """``n`` to the nearest multiple of the rounding base, halves up (7 -> 5, 8 -> 10)."""
    base = rounding_base()
    return base * ((n + base // 2) // base) if base > 1 else n


def suppressed_text() -> str:
    return f"<{min_count()}"


def count_cell(n: int, *, force_suppress: bool = False) -> Cell:
    if force_suppress or n < min_count():
        return Cell(None, suppressed_text(), "count")
    shown = max(rounded(n), min_count())  # never "0" or below the threshold after rounding
    return Cell(shown, f"{shown:,}", "count")


def partition_cells(values: list[int], total: int) -> list[Cell]:
    """Counts adding up to ``total``, with rule 2 (secondary suppression) applied."""
    cells = [count_cell(v) for v in values]
    if total >= min_count():
        hidden = [i for i, c in enumerate(cells) if c.suppressed]
        shown = [i for i, c in enumerate(cells) if not c.suppressed]
        if len(hidden) == 1 and shown:
            smallest = min(shown, key=lambda i: values[i])
            cells[smallest] = count_cell(values[smallest], force_suppress=True)
    return cells


def rate_cell(numerator: int, denominator: int) -> Cell:
    m = min_count()
    if denominator <= 0 or numerator < m or denominator - numerator < m:
        return Cell(None, DASH, "percent")
    # From the rounded counts (rule 7): an exact ratio would undo the rounding.
    pct = 100.0 * rounded(numerator) / rounded(denominator)
    return Cell(pct, f"{pct:.0f}%", "percent")


def time_cell(value: float | None, based_on: int, unit: str) -> Cell:
    kind = "hours" if unit == _("h") else "days"
    if value is None or based_on < min_count():
        return Cell(None, DASH, kind)
    return Cell(value, f"{value:.1f} {unit}", kind)


def change_cell(current: Cell, previous: Cell, unit: str = "") -> Cell:
    kind = "points" if current.unit == "percent" else current.unit
    if current.suppressed or previous.suppressed:
        return Cell(None, DASH, kind)
    diff = current.value - previous.value
    if isinstance(current.value, int) and isinstance(previous.value, int):
        text = f"{diff:+,}" if diff else "0"
    else:
        text = f"{diff:+.1f}" if round(diff, 1) else "0"
    text = text.replace("-", "−")  # a real minus sign
    return Cell(diff, f"{text} {unit}".strip(), kind)


# --- Tables and charts ---------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    cell: Cell
    y: int = 0
    width: float = 0.0  # percent of the plot width
    px: float = 0.0  # bar length in SVG units
    text_x: float = 0.0  # where the figure is written, after the bar


@dataclass
class Chart:
    id: str
    title: str
    bars: list[Bar]
    row_height: int = 28
    label_width: int = 220  # SVG units left of the bars
    plot_width: int = 330

    def __post_init__(self):
        # A suppressed figure gets no bar: its length would give the hidden count away.
        shown = [b.cell.value for b in self.bars if not b.cell.suppressed]
        top = max(shown) if shown else 0
        for i, bar in enumerate(self.bars):
            bar.y = i * self.row_height
            bar.width = 0.0 if bar.cell.suppressed or not top else 100.0 * bar.cell.value / top
            bar.px = round(self.plot_width * bar.width / 100.0, 1)
            bar.text_x = round(self.label_width + bar.px + 6, 1)

    @property
    def label_x(self) -> int:
        return self.label_width - 8

    @property
    def view_width(self) -> int:
        return self.label_width + self.plot_width + 90

    @property
    def height(self) -> int:
        return len(self.bars) * self.row_height


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[object]]  # first column a label, then Cells
    caption: str = ""
    chart: Chart | None = None
    numeric_from: int = 1  # columns from here on are right-aligned figures


@dataclass
class PresentedReport:
    title: str
    period: str
    previous_period: str
    filters: list[tuple[str, str]]
    tables: list[Table] = field(default_factory=list)

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)

    def notes(self) -> list[str]:
        m = min_count()
        return [
            _("Counts below %(m)s are shown as “<%(m)s”.") % {"m": m},
            _(
                "To keep small numbers private, reports cover whole weeks (Monday to Sunday) "
                "or whole calendar months, counts of %(m)s or more are rounded to the nearest "
                "%(base)s, and rates are worked out from the rounded counts."
            )
            % {"m": m, "base": rounding_base()},
            _(
                "Where a single hidden count could be worked out from a total, the next "
                "smallest count is hidden too."
            ),
            _(
                "A rate is shown only when at least %(m)s referrals are counted in it and at "
                "least %(m)s are not; a time only when at least %(m)s referrals have one."
            )
            % {"m": m},
            _(
                "Acceptance rate: accepted ÷ responded (accepted or declined). Completion "
                "rate: completed ÷ accepted. Times run from when the referral was sent."
            ),
            _(
                "Overdue: no response within 5 business days. Digital inclusion: referrals "
                "for a device or an internet connection."
            ),
        ]


def _labels_outcome() -> dict[str, str]:
    labels = dict(Outcome.choices)
    labels[NOT_RECORDED] = _("No outcome (declined or cancelled)")
    return {k: str(labels[k]) for k in OUTCOME_KEYS}


def _funnel_labels() -> dict[str, str]:
    return {
        "requested": _("Awaiting response"),
        "accepted": _("Accepted"),
        "in_progress": _("In progress"),
        "completed": _("Completed"),
        "failed": _("Failed"),
        "rejected": _("Declined"),
        "cancelled": _("Cancelled"),
    }


def _compare_rows(pairs: list[tuple[str, Cell, Cell, str]]) -> list[list[object]]:
    return [[label, cur, prev, change_cell(cur, prev, unit)] for label, cur, prev, unit in pairs]


def _key_figures(cur: Summary, prev: Summary) -> list[tuple[str, Cell, Cell, str]]:
    h, d = _("h"), _("days")
    return [
        (_("Referrals sent"), count_cell(cur.sent), count_cell(prev.sent), ""),
        (
            _("Acceptance rate"),
            rate_cell(cur.accepted_ever, cur.responded),
            rate_cell(prev.accepted_ever, prev.responded),
            _("pts"),
        ),
        (
            _("Time to first response, median"),
            time_cell(cur.response_hours_p50, cur.responded, h),
            time_cell(prev.response_hours_p50, prev.responded, h),
            h,
        ),
        (
            _("Time to first response, 90th percentile"),
            time_cell(cur.response_hours_p90, cur.responded, h),
            time_cell(prev.response_hours_p90, prev.responded, h),
            h,
        ),
        (
            _("Time to close, median"),
            time_cell(cur.close_days_p50, cur.closed, d),
            time_cell(prev.close_days_p50, prev.closed, d),
            d,
        ),
        (
            _("Time to close, 90th percentile"),
            time_cell(cur.close_days_p90, cur.closed, d),
            time_cell(prev.close_days_p90, prev.closed, d),
            d,
        ),
        (_("Overdue"), count_cell(cur.overdue), count_cell(prev.overdue), ""),
    ]


def _funnel_table(table_id: str, title: str, cur: Summary, prev: Summary) -> Table:
    labels = _funnel_labels()
    keys = [k for k, _s in FUNNEL_STATUSES]
    cur_cells = partition_cells([getattr(cur, k) for k in keys], cur.sent)
    prev_cells = partition_cells([getattr(prev, k) for k in keys], prev.sent)
    pairs = [(_("Sent (all)"), count_cell(cur.sent), count_cell(prev.sent), "")]
    pairs += [(labels[k], c, p, "") for k, c, p in zip(keys, cur_cells, prev_cells, strict=True)]
    rows = _compare_rows(pairs)
    chart = Chart(
        id=f"{table_id}-chart",
        title=title,
        bars=[Bar(label=row[0], cell=row[1]) for row in rows],
    )
    return Table(
        id=table_id,
        title=title,
        columns=[_("Status"), _("This period"), _("Previous period"), _("Change")],
        rows=rows,
        chart=chart,
    )


def _outcome_table(table_id: str, title: str, cur: Summary, prev: Summary) -> Table:
    labels = _labels_outcome()
    cur_cells = partition_cells([cur.outcomes[k] for k in OUTCOME_KEYS], cur.closed)
    prev_cells = partition_cells([prev.outcomes[k] for k in OUTCOME_KEYS], prev.closed)
    pairs = [(_("Closed (all)"), count_cell(cur.closed), count_cell(prev.closed), "")]
    pairs += [
        (labels[k], c, p, "") for k, c, p in zip(OUTCOME_KEYS, cur_cells, prev_cells, strict=True)
    ]
    rows = _compare_rows(pairs)
    chart = Chart(
        id=f"{table_id}-chart",
        title=title,
        bars=[Bar(label=row[0], cell=row[1]) for row in rows[1:]],
    )
    return Table(
        id=table_id,
        title=title,
        columns=[_("Outcome"), _("This period"), _("Previous period"), _("Change")],
        rows=rows,
        chart=chart,
    )


def _scorecard_table(report: Report) -> Table:
    rows_in = report.scorecard
    received = partition_cells([r.received for r in rows_in], report.current.sent)
    rows = [
        [
            r.agency_name,
            received[i],
            time_cell(r.response_hours_p50, r.responded, _("h")),
            rate_cell(r.accepted_ever, r.responded),
            rate_cell(r.completed, r.accepted_ever),
            count_cell(r.overdue),
            rate_cell(r.client_confirmed, r.got_help),
            rate_cell(r.client_disagreed, r.client_answered),
        ]
        for i, r in enumerate(rows_in)
    ]
    return Table(
        id="scorecard",
        title=_("Partner scorecard"),
        columns=[
            _("Agency"),
            _("Referrals received"),
            _("Median time to first response"),
            _("Acceptance rate"),
            _("Completion rate"),
            _("Overdue"),
            _("Confirmed by the client"),
            _("Client disagrees"),
        ],
        rows=rows,
        caption=_(
            "Agencies that received referrals in the period, most referrals first. Confirmed "
            "by the client: of the referrals the agency closed with “got help”, the share whose "
            "client said so too. Client disagrees: of the clients' answers, the share that "
            "contradicts the agency's outcome."
        ),
    )


def _digital_tables(report: Report) -> list[Table]:
    cur, prev = report.digital, report.digital_previous
    h = _("h")
    pairs = [
        (_("Digital-inclusion referrals sent"), count_cell(cur.sent), count_cell(prev.sent), ""),
        (
            _("Acceptance rate"),
            rate_cell(cur.accepted_ever, cur.responded),
            rate_cell(prev.accepted_ever, prev.responded),
            _("pts"),
        ),
        (_("Completed"), count_cell(cur.completed), count_cell(prev.completed), ""),
        (
            _("Got help"),
            count_cell(cur.outcomes[Outcome.GOT_HELP]),
            count_cell(prev.outcomes[Outcome.GOT_HELP]),
            "",
        ),
        (
            _("Time to first response, median"),
            time_cell(cur.response_hours_p50, cur.responded, h),
            time_cell(prev.response_hours_p50, prev.responded, h),
            h,
        ),
        (_("Overdue"), count_cell(cur.overdue), count_cell(prev.overdue), ""),
    ]
    summary = Table(
        id="digital",
        title=_("Digital inclusion: devices and connectivity"),
        columns=[_("Measure"), _("This period"), _("Previous period"), _("Change")],
        rows=_compare_rows(pairs),
    )
    outcomes = _outcome_table(
        "digital-outcomes", _("Digital inclusion: outcomes of closed referrals"), cur, prev
    )
    programs = report.digital_programs
    sent = partition_cells([p.sent for p in programs], cur.sent)
    by_program = Table(
        id="digital-programs",
        title=_("Digital inclusion by program"),
        columns=[_("Program"), _("Agency"), _("Referrals sent"), _("Completed"), _("Got help")],
        rows=[
            [
                p.program_name,
                p.agency_name,
                sent[i],
                count_cell(p.completed),
                count_cell(p.got_help),
            ]
            for i, p in enumerate(programs)
        ],
        numeric_from=2,
    )
    return [summary, outcomes, by_program]


def _trend_table(report: Report) -> Table:
    """The last 26 weeks, one row per week (the chart draws referrals sent)."""
    h = _("h")
    rows = []
    for point in report.trend:
        rows.append(
            [
                _("Week of %(day)s") % {"day": date_format(point.week_start, "SHORT_DATE_FORMAT")},
                count_cell(point.sent),
                rate_cell(point.accepted_ever, point.responded),
                time_cell(point.response_hours_p50, point.responded, h),
                rate_cell(point.got_help, point.closed),
                count_cell(point.overdue),
            ]
        )
    chart = Chart(
        id="trend-chart",
        title=_("Referrals sent per week, last 26 weeks"),
        bars=[Bar(label=str(row[0]), cell=row[1]) for row in rows],
        row_height=22,
        label_width=160,
    )
    return Table(
        id="trend",
        title=_("Trend over the last 26 weeks"),
        columns=[
            _("Week"),
            _("Referrals sent"),
            _("Acceptance rate"),
            _("Median time to first response"),
            _("Closed with “got help”"),
            _("Overdue"),
        ],
        rows=rows,
        caption=_(
            "Weeks run Monday to Sunday; the last one is the report's last week. "
            "“Got help” is the share of closed referrals."
        ),
        chart=chart,
    )


def _priority_rows(group, rest) -> list[list[object]]:
    """Measures of a priority group and of everyone else. The two counts add up to the total,
    so a hidden one hides the other too (secondary suppression)."""
    h = _("h")
    total = group.sent + rest.sent
    sent = partition_cells([group.sent, rest.sent], total)
    overdue = partition_cells([group.overdue, rest.overdue], group.overdue + rest.overdue)
    return [
        [_("Referrals sent"), sent[0], sent[1]],
        [
            _("Acceptance rate"),
            rate_cell(group.accepted_ever, group.responded),
            rate_cell(rest.accepted_ever, rest.responded),
        ],
        [
            _("Median time to first response"),
            time_cell(group.response_hours_p50, group.responded, h),
            time_cell(rest.response_hours_p50, rest.responded, h),
        ],
        [
            _("Closed with “got help”"),
            rate_cell(group.got_help, group.closed),
            rate_cell(rest.got_help, rest.closed),
        ],
        [_("Overdue"), overdue[0], overdue[1]],
    ]


def _priority_tables(report: Report) -> list[Table]:
    if not report.priorities:
        return []
    young, young_rest = report.priorities["young_adults"]
    digital, digital_rest = report.priorities["digital"]
    return [
        Table(
            id="young-adults",
            title=_("Young adults (18–24) compared with everyone else"),
            columns=[_("Measure"), _("Young adults (18–24)"), _("Everyone else")],
            rows=_priority_rows(young, young_rest),
            caption=_("Age when the referral was sent."),
        ),
        Table(
            id="digital-compared",
            title=_("Digital inclusion compared with all other needs"),
            columns=[_("Measure"), _("Devices and connectivity"), _("All other needs")],
            rows=_priority_rows(digital, digital_rest),
        ),
    ]


def _period_text(start, end) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


def filter_labels(filters) -> list[tuple[str, str]]:
    """Human labels of the active slices (names looked up in one query each, only if set)."""
    labels = []
    if filters.center_id:
        name = Organization.objects.filter(pk=filters.center_id).values_list("name", flat=True)
        labels.append((_("Community center"), next(iter(name), "?")))
    if filters.agency_id:
        name = Organization.objects.filter(pk=filters.agency_id).values_list("name", flat=True)
        labels.append((_("Agency"), next(iter(name), "?")))
    if filters.program_id:
        name = Program.objects.filter(pk=filters.program_id).values_list("name", flat=True)
        labels.append((_("Program"), next(iter(name), "?")))
    if filters.need:
        labels.append((_("Need"), str(dict(Need.choices).get(filters.need, filters.need))))
    if filters.language:
        labels.append(
            (
                _("Client language"),
                str(dict(Language.choices).get(filters.language, filters.language)),
            )
        )
    if filters.zip_code:
        labels.append((_("ZIP code"), filters.zip_code))
    if filters.age_band:
        labels.append((_("Client age"), filters.age_band.replace("-", "–")))
    return labels


REPORT_TITLE = gettext_lazy("Referral outcomes")


def present(
    report: Report,
    *,
    title: str | None = None,
    labels: list[tuple[str, str]] | None = None,
    tables: bool = True,
) -> PresentedReport:
    """The report as a page, a CSV and a PDF draw it. ``tables=False``: the heading only (the
    dashboard draws the tables inside its cached fragment, with ``present_tables``)."""
    f = report.filters
    prev = f.previous()
    presented = PresentedReport(
        title=title or str(REPORT_TITLE),
        period=_period_text(f.start, f.end),
        previous_period=_period_text(prev.start, prev.end),
        filters=filter_labels(f) if labels is None else labels,
    )
    if tables:
        presented.tables = present_tables(report)
    return presented


def present_tables(report: Report) -> list[Table]:
    key = Table(
        id="key-figures",
        title=_("Key figures"),
        columns=[_("Measure"), _("This period"), _("Previous period"), _("Change")],
        rows=_compare_rows(_key_figures(report.current, report.previous)),
    )
    trend = [_trend_table(report)] if report.trend else []
    return [
        *_priority_tables(report),
        key,
        *trend,
        _funnel_table("funnel", _("Referral funnel"), report.current, report.previous),
        _outcome_table(
            "outcomes", _("Outcomes of closed referrals"), report.current, report.previous
        ),
        _scorecard_table(report),
        *_digital_tables(report),
        *_client_confirmation_tables(report),
    ]


def _client_confirmation_tables(report: Report) -> list[Table]:
    """Confirmed by the client (issue 13): what clients said when asked whether they got help."""
    if not report.client_confirmation:
        return []
    cur, prev = report.client_confirmation
    pairs = [
        (
            _("Clients asked whether they got help"),
            count_cell(cur.asked),
            count_cell(prev.asked),
            "",
        ),
        (_("Clients who answered"), count_cell(cur.answered), count_cell(prev.answered), ""),
        (
            _("Clients who said they got help"),
            count_cell(cur.said_got_help),
            count_cell(prev.said_got_help),
            "",
        ),
        (
            _('Confirmed by the client (share of the agencies\' "got help")'),
            rate_cell(cur.confirmed, cur.agency_got_help),
            rate_cell(prev.confirmed, prev.agency_got_help),
            _("pts"),
        ),
    ]
    return [
        Table(
            id="client-confirmation",
            title=_("Confirmed by the client"),
            columns=[_("Measure"), _("This period"), _("Previous period"), _("Change")],
            rows=_compare_rows(pairs),
        )
    ]
