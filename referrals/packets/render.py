"""Renders one copy of a referral packet to PDF bytes (WeasyPrint, templates/pdf/)."""

import functools
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import formats, translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from casework.models import ConsentScope
from casework.models.choices import LANGUAGE_AUTONYMS
from casework.models.intake import Need
from referrals.models import Referral

from .fetcher import StaticOnlyURLFetcher, static_base_url
from .phrases import phrases


@dataclass
class Field:
    key: str  # a phrase key in .phrases
    value: str


@dataclass
class Reason:
    text: str  # the screening's sentence, in the copy's language (referrals.eligibility)
    explanation: str = ""  # the rule's explanation, as the administrator wrote it
    citation: str = ""


# Reasons that say why the client is likely eligible (not what failed or is unknown).
SUPPORTING_OUTCOMES = {"met", "info", ""}


def screening_reasons(snapshot: dict | None, language: str) -> list[Reason]:
    """The reasons stamped on the referral by the screening it was based on (its snapshot),
    rendered in ``language``. Tolerates older snapshots with plain strings or text only."""
    from referrals.eligibility import render_reason

    reasons = []
    for item in (snapshot or {}).get("reasons") or []:
        if isinstance(item, str):
            reasons.append(Reason(text=item))
            continue
        if not isinstance(item, dict) or item.get("outcome", "") not in SUPPORTING_OUTCOMES:
            continue
        text = render_reason(item, language) if item.get("message_id") else item.get("text", "")
        explanation = (item.get("explanation") or "").strip()
        if not text and not explanation:
            continue
        reasons.append(
            Reason(
                text=(text or explanation).strip(),
                explanation=explanation if text else "",
                citation=(item.get("citation") or "").strip(),
            )
        )
    return reasons


def consented_client_fields(referral: Referral) -> list[Field]:
    """Only the client fields the referral's consent covers (name and reference always)."""
    client, consent, intake = referral.client, referral.consent, referral.intake
    fields: list[Field] = []
    if consent.covers(ConsentScope.CONTACT):
        if client.phone:
            fields.append(Field("phone", str(client.phone.as_national)))
        if client.email:
            fields.append(Field("email", client.email))
        address = ", ".join(
            p
            for p in (client.address_line1, client.address_line2, client.city, client.zip_code)
            if p
        )
        if client.address_line1:
            fields.append(Field("address", address))
    if consent.covers(ConsentScope.DEMOGRAPHICS):
        if client.date_of_birth:
            fields.append(Field("date_of_birth", formats.date_format(client.date_of_birth)))
        fields.append(Field("language", LANGUAGE_AUTONYMS.get(client.preferred_language, "")))
        if intake is not None and intake.household_size:
            fields.append(Field("household_size", str(intake.household_size)))
    if consent.covers(ConsentScope.INTAKE) and intake is not None:
        if intake.monthly_gross_income is not None:
            fields.append(Field("monthly_income", f"${intake.monthly_gross_income:,.0f}"))
        needs = [str(Need(n).label) for n in (intake.needs or []) if n in Need.values]
        if needs:
            fields.append(Field("needs", ", ".join(needs)))
    return fields


def packet_context(*, referral: Referral, language: str, copy: str) -> dict:
    program = referral.program
    t = phrases()  # in the active language: render_packet_html overrides it
    locations = list(program.locations.all())
    reasons = screening_reasons(referral.screening_snapshot, language)
    # The screening's sentences quote intake answers (income, household size): without consent
    # to share intake answers only the rules' own explanations are shown.
    withheld = bool(reasons) and not referral.consent.covers(ConsentScope.INTAKE)
    if withheld:
        reasons = [Reason(text=r.explanation) for r in reasons if r.explanation]
    return {
        "referral": referral,
        "program": program,
        "agency": referral.agency,
        "locations": locations,
        "navigator": referral.sent_by,
        "center": referral.sending_center,
        "client": referral.client,
        "reasons": reasons,
        "reasons_withheld": withheld,
        "client_fields": [
            {"label": t[f.key], "value": f.value} for f in consented_client_fields(referral)
        ],
        "copy": copy,
        "lang": language,
        "t": t,
        "copy_label": t["copy_client"] if copy == "client" else t["copy_agency"],
        "sent_on": formats.date_format(referral.created_at.date()),
    }


def render_packet_html(*, referral: Referral, language: str, copy: str) -> str:
    with translation.override(language):
        context = packet_context(referral=referral, language=language, copy=copy)
        return render_to_string("pdf/packet.html", context)


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
