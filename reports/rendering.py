"""The CSV and the PDF of a presented report (both made from the same suppressed tables)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from casework.exports import safe_csv_writer

from .presentation import Cell, PresentedReport


def csv_number(cell: Cell) -> tuple[object, str, str]:
    """(value, unit, suppressed flag) of a figure as numbers a spreadsheet can use: counts as
    integers, rates as decimal proportions (0.81, not "81%"), times in hours or days with one
    decimal, a blank value and the flag 1 when the figure is hidden."""
    units = {
        "count": _("count"),
        "percent": _("proportion (0-1)"),
        "points": _("proportion (0-1)"),
        "hours": _("hours"),
        "days": _("days"),
    }
    unit = str(units.get(cell.unit, ""))
    if cell.suppressed:
        return "", unit, 1
    value = cell.value
    if cell.unit in ("percent", "points"):
        value = round(value / 100.0, 4)
    elif cell.unit == "count":
        value = int(value)
    else:
        value = round(value, 1)
    return value, unit, 0


def data_dictionary() -> list[tuple[str, str]]:
    """What each column and measure of the CSV means (also in the PDF and docs/metrics.md)."""
    return [
        (_("Section"), _("The table of the report the figure comes from.")),
        (_("Row"), _("The row of that table: a measure, a status, an agency or a week.")),
        (_("Measure"), _("The column of that table: this period, previous period, a group.")),
        (
            _("Value"),
            _(
                "The figure as a number: counts are whole numbers rounded to the nearest 5, "
                "rates are proportions from 0 to 1, times are hours or days. Blank when hidden."
            ),
        ),
        (_("Unit"), _("count, proportion (0-1), hours or days.")),
        (
            _("Suppressed"),
            _("1 when the figure is hidden to keep small numbers private, otherwise 0."),
        ),
        (_("Text"), _("The figure as the report shows it (“<5”, “81%”, “28.0 h”).")),
    ]


def report_csv(presented: PresentedReport) -> bytes:
    """One tidy table: section, row, measure, value (a number), unit, suppressed (0 or 1) and
    the figure as shown; text-only columns (an agency's name) have the text alone."""
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(
        [_("Section"), _("Row"), _("Measure"), _("Value"), _("Unit"), _("Suppressed"), _("Text")]
    )
    about = _("About this report")
    writer.writerow([about, _("Report"), "", "", "", "", presented.title])
    writer.writerow([about, _("Period"), "", "", "", "", presented.period])
    writer.writerow([about, _("Previous period"), "", "", "", "", presented.previous_period])
    for label, value in presented.filters:
        writer.writerow([about, _("Filter"), label, "", "", "", value])
    for table in presented.tables:
        for row in table.rows:
            label = str(row[0])
            for column, value in zip(table.columns[1:], row[1:], strict=True):
                if isinstance(value, Cell):
                    number, unit, flag = csv_number(value)
                    writer.writerow([table.title, label, column, number, unit, flag, str(value)])
                else:
                    writer.writerow([table.title, label, column, "", "", "", str(value)])
    for note in presented.notes():
        writer.writerow([_("Notes"), "", "", "", "", "", note])
    for name, meaning in data_dictionary():
        writer.writerow([_("Data dictionary"), name, "", "", "", "", meaning])
    # UTF-8 with a byte-order mark so spreadsheet programs read the non-Latin names correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


try:  # WeasyPrint's fetcher base class (weasyprint >= 66)
    from weasyprint import URLFetcher as _URLFetcher
except ImportError:  # pragma: no cover
    _URLFetcher = object


class NoFetch(_URLFetcher):
    """The report PDF is self-contained (inline CSS and SVG): it fetches nothing at all."""

    def fetch(self, url, headers=None):
        raise ValueError(f"report PDFs fetch nothing: {url[:80]}")

    def __call__(self, url, *args, **kwargs):  # the older function-style fetcher protocol
        return self.fetch(url)


def report_pdf(presented: PresentedReport, *, generated_at) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "pdf/report.html",
        {"report": presented, "generated_at": generated_at, "dictionary": data_dictionary()},
    )
    return HTML(string=html, base_url=None, url_fetcher=NoFetch()).write_pdf()
