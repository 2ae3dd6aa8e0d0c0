"""Renders one copy of a referral packet to PDF bytes (WeasyPrint, templates/pdf/)."""

import functools
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import formats, translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from casework.models import ConsentScope
from referrals.models import Referral

from .fetcher import StaticOnlyURLFetcher, static_base_url
from .phrases import phrases


@dataclass
class Reason:
    text: str  # the screening's sentence, in the copy's language (referrals.eligibility)
    explanation: str = ""  # the rule's explanation, as the administrator wrote it
    citation: str = ""
    outcome: str = ""


# The client fields a packet can show (labels in .i18n); the consent decides which it does.
PACKET_FIELDS = (
    "phone",
    "email",
    "address",
    "date_of_birth",
    "language",
    "household_size",
    "monthly_income",
    "needs",
)


# Which reasons each status quotes: a likely-eligible screening says what was met; one that
# needs information adds what is not known yet; a not-eligible one adds what was not met.
OUTCOMES_QUOTED = {
    "likely": {"met", "info", ""},
    "open": {"met", "info", ""},
    "need_info": {"met", "info", "unknown", ""},
    "not_eligible": {"met", "info", "unknown", "not_met", ""},
    "none": {"met", "info", ""},
}


def _quoted(item, status: str) -> bool:
    return not isinstance(item, dict) or item.get("outcome", "") in OUTCOMES_QUOTED[status]


def _reason(item, language: str) -> Reason | None:
    from referrals.eligibility import render_reason

    if isinstance(item, str):
        return Reason(text=item)
    if not isinstance(item, dict):
        return None
    text = render_reason(item, language) if item.get("message_id") else item.get("text", "")
    explanation = (item.get("explanation") or "").strip()
    if not text and not explanation:
        return None
    return Reason(
        text=(text or explanation).strip(),
        explanation=explanation if text else "",
        citation=(item.get("citation") or "").strip(),
        outcome=item.get("outcome", ""),
    )


def screening_reasons(snapshot: dict | None, language: str) -> list[Reason]:
    """Every reason stamped on the referral by the screening it was based on (its snapshot),
    in ``language``, as its status quotes them (``OUTCOMES_QUOTED``). Tolerates older
    snapshots with plain strings or text only."""
    status = screening_status(snapshot)
    items = (snapshot or {}).get("reasons") or []
    reasons = [_reason(item, language) for item in items if _quoted(item, status)]
    return [r for r in reasons if r is not None]


def screening_status(snapshot: dict | None) -> str:
    """What the stamped screening said: likely / need_info / not_eligible / open (a program
    with no eligibility rules) / none (the referral carries no screening)."""
    snapshot = snapshot or {}
    status = snapshot.get("status") or ""
    message_ids = {
        r.get("message_id") for r in snapshot.get("reasons") or [] if isinstance(r, dict)
    }
    if status == "likely_eligible":
        return "open" if "rules.none" in message_ids else "likely"
    if status == "need_more_info":
        return "need_info"
    if status == "not_eligible":
        return "not_eligible"
    return "none"


def agency_reasons(disclosure, language: str) -> tuple[list[Reason], bool, list]:
    """The reasons the consent covers; for the others, the rule's explanation alone.
    Returns the reasons, whether any were withheld, and the disclosure's reasons quoted."""
    shown, withheld, quoted = [], False, []
    status = screening_status(disclosure.snapshot)
    for item in disclosure.reasons:
        if not _quoted(item.reason, status):
            continue
        quoted.append(item)
        if item.covered:
            reason = _reason(item.reason, language)
        else:
            withheld = True
            explanation = (
                (item.reason.get("explanation") or "").strip()
                if isinstance(item.reason, dict)
                else ""
            )
            reason = Reason(text=explanation) if explanation else None
        if reason is not None and reason.text not in {r.text for r in shown}:
            shown.append(reason)
    return shown, withheld, quoted


def estimated_value(snapshot: dict | None, language: str) -> tuple[str, list[str]]:
    """The screening's estimated monthly value ("$123" or "") and its working, in
    ``language``; empty when the snapshot has none."""
    from referrals.eligibility import render_reason
    from referrals.eligibility.explain import format_money

    snapshot = snapshot or {}
    working = [
        render_reason(item, language)
        for item in snapshot.get("value_working") or []
        if isinstance(item, dict) and item.get("message_id")
    ]
    amount = snapshot.get("estimated_monthly_value")
    return (format_money(amount) if amount not in (None, "") else ""), working


def packet_disclosure(referral: Referral):
    """What the consent releases, restricted to what a packet shows."""
    from referrals.disclosure import referral_disclosure

    return referral_disclosure(referral=referral).only(PACKET_FIELDS)


def packet_context(*, referral: Referral, language: str, copy: str) -> dict:
    program = referral.program
    t = phrases()  # in the active language: render_packet_html overrides it
    locations = list(program.locations.all())
    disclosure = packet_disclosure(referral)
    # Screening sentences quote the client's answers (income, ZIP, insurance...): both copies
    # (the client shows theirs to the program) quote those the consent covers, and the rule's
    # own explanation for the others.
    reasons, withheld, quoted = agency_reasons(disclosure, language)
    status = screening_status(referral.screening_snapshot)
    value, value_working = estimated_value(referral.screening_snapshot, language)
    # The working quotes the household's income and size: shown only when the consent covers both.
    value_shown = bool(value_working) and {ConsentScope.INTAKE, ConsentScope.DEMOGRAPHICS} <= set(
        disclosure.scopes
    )
    if not value_shown:
        value, value_working = "", []
    return {
        "referral": referral,
        "program": program,
        "agency": referral.agency,
        "locations": locations,
        "navigator": referral.sent_by,
        "center": referral.sending_center,
        "client": referral.client,
        "client_name": disclosure.name,
        "reasons": reasons,
        "reasons_withheld": withheld,
        "estimated_value": value,
        "value_working": value_working,
        "screening_status": status,
        "screening_sentence": t[f"screened_{status}_{copy}"],
        "client_fields": [{"label": t[i.key], "value": i.value} for i in disclosure.items],
        "disclosed_keys": disclosure.keys(reasons=quoted)
        + (["estimated_value"] if value_shown else []),
        "copy": copy,
        "lang": language,
        "t": t,
        "copy_label": t["copy_client"] if copy == "client" else t["copy_agency"],
        "sent_on": formats.date_format(referral.created_at.date()),
    }


def render_packet_html(*, referral: Referral, language: str, copy: str) -> str:
    return render_packet(referral=referral, language=language, copy=copy)[0]


def render_packet(*, referral: Referral, language: str, copy: str) -> tuple[str, list[str]]:
    """The copy's HTML and the disclosure keys it shows (what a download discloses)."""
    with translation.override(language):
        context = packet_context(referral=referral, language=language, copy=copy)
        return render_to_string("pdf/packet.html", context), context["disclosed_keys"]


@functools.cache
def _font_config() -> FontConfiguration:
    # One per process: building fontconfig's view of the Noto fonts is a third of a render.
    return FontConfiguration()


def render_pdf(html: str) -> bytes:
    """HTML -> tagged PDF; the document's lang and <title> become /Lang and /Title."""
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyURLFetcher())
    return document.write_pdf(pdf_tags=True, font_config=_font_config())


def render_packet_pdf(*, referral: Referral, language: str, copy: str) -> bytes:
    return render_pdf(render_packet_html(referral=referral, language=language, copy=copy))
