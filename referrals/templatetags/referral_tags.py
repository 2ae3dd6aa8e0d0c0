from django import template

from casework.models.consent import ConsentScope
from casework.models.intake import Need

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
