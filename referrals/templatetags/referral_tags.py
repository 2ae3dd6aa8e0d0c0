from django import template
from django.utils import translation
from django.utils.html import conditional_escape, format_html

from casework.models.consent import ConsentScope
from casework.models.intake import Need
from referrals.models.directory import LocalizedText

register = template.Library()


@register.filter
def need_label(value: str) -> str:
    return str(dict(Need.choices).get(value, value))


@register.filter
def scope_label(value: str) -> str:
    return str(dict(ConsentScope.choices).get(value, value))


@register.filter
def reason_text(reason) -> str:
    """A screening reason from a referral's snapshot, in the reader's language if possible."""
    if not isinstance(reason, dict):
        return str(reason)
    try:
        from referrals.eligibility import render_reason

        return render_reason(reason)
    except (
        ImportError,
        KeyError,
        TypeError,
        ValueError,
    ):  # an old or partial snapshot: fall back to the stored English text
        return reason.get("text") or reason.get("explanation") or ""


@register.filter
def event_code_label(event) -> str:
    """An event's code as words: a rejection reason or an outcome."""
    from referrals.models import Outcome, ReferralStatus, RejectionReason

    choices = RejectionReason if event.to_status == ReferralStatus.REJECTED else Outcome
    return str(dict(choices.choices).get(event.code, event.code))


@register.simple_tag
def localized(obj, field: str, language: str | None = None):
    """Directory content (a program's name, what to bring, a location's hours...) in
    ``language`` (default: the page's), falling back to English. Use with ``as`` and show it
    through ``|marked``: ``{% localized program "name" client.preferred_language as name %}``."""
    return obj.localized(field, language or translation.get_language())


@register.filter
def marked(value) -> str:
    """A LocalizedText, wrapped in ``<span lang="..">`` when it is not in the page's language
    (an English fallback on a Hindi page), so screen readers switch voice."""
    if not isinstance(value, LocalizedText):
        return value
    page = (translation.get_language() or "en").split("-")[0]
    if value.text and value.language != page:
        return format_html('<span lang="{}">{}</span>', value.language, value.text)
    return value.text


@register.simple_tag
def program_name(program, language: str | None = None) -> str:
    """A program's name in ``language`` (the client's) where the directory has it, else in
    English; text not in the page's language carries its own lang. A translated name is
    followed by the English one, which the navigator and the agency know the program by.

    A tag, not an included template: suggestion lists show it on every card."""
    shown = localized(program, "name", language)
    name = conditional_escape(marked(shown))
    if shown.language not in ("en", translation.get_language()):
        return format_html('{} <span class="cb-muted" lang="en">({})</span>', name, program.name)
    return name
