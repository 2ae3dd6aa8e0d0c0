"""The CSV and the PDF of a presented report (both made from the same suppressed tables)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from casework.exports import safe_csv_writer

from .presentation import PresentedReport


def report_csv(presented: PresentedReport) -> bytes:
    """One tidy table: section, row, measure, value (suppressed figures read "<5")."""
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow([_("Section"), _("Row"), _("Measure"), _("Value")])
    about = _("About this report")
    writer.writerow([about, _("Report"), "", presented.title])
    writer.writerow([about, _("Period"), "", presented.period])
    writer.writerow([about, _("Previous period"), "", presented.previous_period])
    for label, value in presented.filters:
        writer.writerow([about, _("Filter"), label, value])
    for table in presented.tables:
        for row in table.rows:
            label = str(row[0])
            for column, value in zip(table.columns[1:], row[1:], strict=True):
                writer.writerow([table.title, label, column, str(value)])
    for note in presented.notes():
        writer.writerow([_("Notes"), "", "", note])
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

    html = render_to_string("pdf/report.html", {"report": presented, "generated_at": generated_at})
    return HTML(string=html, base_url=None, url_fetcher=NoFetch()).write_pdf()
