"""No input gives a 500, and nothing is stored on rejection (issue 9; docs/validation.md).

Hypothesis drives every form (POST) and every GET filter, as each persona, with text built
from what broke the product before: NUL bytes, superscript and other non-ASCII digits, dates
at year 1 and 9999, 100,000 characters, bidi controls, formula-looking text. After each
request: no 5xx; a rejected request (form shown again, 400, or an error message) changed no
table; and nothing out of range is in the database, whatever was accepted.

Bounded for CI: a few examples per endpoint and persona, no deadline, derandomized (the
"ci" profile, loaded when CI is set); ``HYPOTHESIS_PROFILE=dev`` explores more.
"""

import os
from urllib.parse import quote

import pytest
from django.contrib.messages import constants, get_messages
from django.db.models.functions import Length
from django.test import Client as DjangoClient
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from casework.models import (
    Client,
    Consent,
    HouseholdMember,
    IntakeInterview,
    Membership,
    Note,
    Organization,
)
from casework.validation import BIDI_CONTROLS, DATE_LIMITS, TEXT_LIMITS
from referrals.models import Referral, ReferralEvent
from reports.models import ReportRun
from tests.referrals.referral_helpers import program_x, send

settings.register_profile(
    "ci",
    max_examples=4,
    deadline=None,
    derandomize=True,
    # Report the failing input as found: shrinking a many-request example takes minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

NASTY = [
    "",
    "\x00",
    "a\x00b",
    "²",
    "3, ⁷",
    "٣",
    "３",
    "१२",
    "0001-01-01",
    "9999-12-31",
    "12/31/9999",
    "1/1/1",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999",
    "x" * 100_000,
    "\u202eevil\u202c",
    '=HYPERLINK("http://evil.example")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))

PERSONAS = ["navigator_a", "navigator_b", "partner_x", "partner_y", "manager", "outsider"]


def tracked_counts() -> tuple[int, ...]:
    models = [
        Client,
        HouseholdMember,
        Note,
        IntakeInterview,
        Consent,
        Referral,
        ReferralEvent,
        ReportRun,
        Membership,
        Organization,
    ]
    histories = [Client, HouseholdMember, IntakeInterview, Consent, Referral]
    return tuple(m.objects.count() for m in models) + tuple(
        m.history.model.objects.count() for m in histories
    )


def nothing_out_of_range() -> None:
    """Whatever was accepted, the stored data is within docs/validation.md."""
    birth_from = DATE_LIMITS["birth"].earliest
    record_from = DATE_LIMITS["interview"].earliest
    assert not Client.objects.filter(date_of_birth__lt=birth_from).exists()
    assert not HouseholdMember.objects.filter(date_of_birth__lt=birth_from).exists()
    assert not IntakeInterview.objects.filter(interview_date__lt=record_from).exists()
    assert not Consent.objects.filter(given_on__lt=record_from).exists()
    assert not Consent.objects.filter(expires_on__year__gt=2100).exists()
    long_notes = Note.objects.annotate(n=Length("body")).filter(n__gt=TEXT_LIMITS["note"])
    assert not long_notes.exists()
    long_reasons = Referral.objects.annotate(n=Length("reason")).filter(n__gt=TEXT_LIMITS["reason"])
    assert not long_reasons.exists()
    for first, last in Client.objects.values_list("legal_first_name", "legal_last_name"):
        assert not set(first + last) & set(BIDI_CONTROLS)


@pytest.fixture
def world(personas, client_a):
    """Every object the endpoints need, and a signed-in browser per persona."""
    referral = send(personas, client_a, program=program_x(personas))
    consent = client_a.consents.first()
    browsers = {}
    for name in PERSONAS:
        browser = DjangoClient()
        browser.force_login(
            getattr(personas, name), backend="django.contrib.auth.backends.ModelBackend"
        )
        browsers[name] = browser
    return {
        "personas": personas,
        "client": client_a,
        "referral": referral,
        "consent": consent,
        "browsers": browsers,
        "program": referral.program,
    }


def _short(data) -> str:
    text = repr(data)
    return text if len(text) < 300 else text[:300] + "…"


def _request(browser, method, url, data):
    # Only this request's messages count: drop any left unread by an earlier redirect.
    browser.cookies.pop("messages", None)
    before = tracked_counts() if method == "post" else None
    response = getattr(browser, method)(url, data)
    assert response.status_code < 500, (method, url, _short(data))
    if method == "get":
        return response  # filters store nothing
    errors = [m for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]
    if response.status_code in (200, 400, 404) or errors:
        assert tracked_counts() == before, (url, _short(data))
    else:
        nothing_out_of_range()
    return response


def drive(world, method, url_of, fields, data):
    """One example: the same input from every persona."""
    for name in PERSONAS:
        _request(
            world["browsers"][name], method, url_of(world), dict(zip(fields, data, strict=True))
        )


def fields_strategy(n):
    return st.tuples(*[text] * n)


def client_url(name):
    return lambda w: reverse(name, args=[w["client"].pk])


POST_FORMS = {
    "client_create": (
        lambda w: reverse("casework:client_create"),
        ["legal_first_name", "legal_last_name", "date_of_birth", "zip_code", "phone", "email"],
    ),
    "client_update": (
        client_url("casework:client_update"),
        ["legal_first_name", "legal_last_name", "preferred_name", "date_of_birth", "zip_code"],
    ),
    "household_member_create": (
        client_url("casework:household_member_create"),
        ["relationship", "name", "date_of_birth", "age"],
    ),
    "note_create": (client_url("casework:note_create"), ["body"]),
    "intake_create": (
        client_url("casework:intake_create"),
        [
            "interview_date",
            "household_size",
            "children_ages",
            "monthly_gross_income",
            "summary",
            "navigator",
        ],
    ),
    "consent_create": (
        client_url("casework:consent_create"),
        ["given_on", "expires_on", "method", "scopes", "recipients", "agency_q"],
    ),
    "consent_agency_search": (  # the "Search" button: the form drawn again, nothing stored
        client_url("casework:consent_create"),
        ["given_on", "expires_on", "method", "scopes", "recipients", "agency_q", "find_agencies"],
    ),
    "consent_revoke": (
        lambda w: reverse("casework:consent_revoke", args=[w["client"].pk, w["consent"].pk]),
        ["note"],
    ),
    "referral_send": (
        lambda w: reverse("referrals:send", args=[w["client"].pk]),
        ["program", "need_category", "urgency", "reason", "note_to_agency"],
    ),
    "referral_reject": (
        lambda w: reverse("referrals:act", args=[w["referral"].reference_code, "reject"]),
        ["note", "code"],
    ),
    "report_run_create": (lambda w: reverse("reports:run_create"), ["week"]),
    "language_update": (lambda w: reverse("language_update"), ["language", "next"]),
}

GET_FILTERS = {
    "client_search": (lambda w: reverse("casework:client_list"), ["q", "page"]),
    "inbox": (
        lambda w: reverse("referrals:inbox"),
        ["q", "status", "program", "urgency", "overdue", "page"],
    ),
    "consent_agency_options": (
        client_url("casework:consent_agency_options"),
        ["agency_q", "recipients"],
    ),
    "what_if": (
        lambda w: reverse("referrals:screening_whatif", args=[w["client"].pk]),
        ["monthly_gross_income", "household_size"],
    ),
    "disclosures": (
        lambda w: reverse("referrals:client_disclosures", args=[w["client"].pk]),
        ["page"],
    ),
    "report_dashboard": (
        lambda w: reverse("reports:dashboard"),
        ["start", "end", "center", "agency", "program", "need", "language", "zip_code"],
    ),
    "report_csv": (
        lambda w: reverse("reports:dashboard_csv"),
        ["start", "end", "agency", "zip_code"],
    ),
}


def _code_urls(code: str) -> list[str]:
    quoted = quote(code, safe="") or "empty"
    return [
        reverse(route, args=["X"]).replace("/X", "/" + quoted, 1)
        for route in ("referrals:detail", "referrals:packet_status", "referrals:packet_download")
    ]


@pytest.mark.django_db
@given(data=st.data())
def test_no_input_gives_a_500_or_stores_a_rejected_input(world, data):
    """One example sends fresh input to every form, filter and referral URL, as every persona
    (one test rather than one per form: the setup is the slow part)."""
    for form, (url_of, fields) in sorted(POST_FORMS.items()):
        values = data.draw(fields_strategy(len(fields)), label=form)
        drive(world, "post", url_of, fields, values)
    for view, (url_of, fields) in sorted(GET_FILTERS.items()):
        values = data.draw(fields_strategy(len(fields)), label=view)
        drive(world, "get", url_of, fields, values)
    code = data.draw(text, label="referral code")
    for name in PERSONAS:
        for url in _code_urls(code):
            assert world["browsers"][name].get(url).status_code < 500, (url, _short(code))
