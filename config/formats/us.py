"""US conventions for every interface language: month-first dates and $1,900.50-style numbers.

Casebridge serves residents of one US city: forms take dates as MM/DD/YYYY in every language
and amounts are US dollars. Django's own es/vi/hi formats are day-first with other separators,
which put 11/10/2026 (October 11) beside 10/11/2026 (November 10) on one page. Each language's
``formats`` module re-exports this one (FORMAT_MODULE_PATH = ["config.formats"]); only what
differs from Django's locale formats is set, so month and day names stay translated.
"""

SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
DATE_INPUT_FORMATS = ["%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"]
DATETIME_INPUT_FORMATS = [
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
