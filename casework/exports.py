"""CSV output that spreadsheet programs cannot be tricked into running (formula injection).

Every CSV writer in Casebridge goes through ``safe_csv_writer``: a text cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe, so Excel,
LibreOffice and Google Sheets show it as text instead of evaluating it (OWASP "CSV Injection").
Numbers stay numbers: an int, float or Decimal, or text that is only a number ("-3", "+5",
"1,250", "12.5"), is written as is.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(\.[0-9]+)?")


def csv_safe(value):
    """The cell as it should be written: neutralised if it is text a spreadsheet would run."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([csv_safe(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def safe_csv_writer(out, **kwargs) -> _SafeWriter:
    """``csv.writer(out, **kwargs)`` whose every cell passes through ``csv_safe``."""
    return _SafeWriter(csv.writer(out, **kwargs))
