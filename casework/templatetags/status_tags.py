"""Every status tag in the app (referrals, consents) from one place: ``{% status_tag %}``.

A status maps to a tone; each tone's colours live in static/css/casebridge.css
(``.cb-tone--<tone>``), and tests/test_status_colours.py checks each tone's text contrast.
"""

from django import template
from django.utils.html import format_html

register = template.Library()

# (kind, status) -> tone. Statuses not listed show as "neutral".
STATUS_TONES: dict[tuple[str, str], str] = {
    ("referral", "requested"): "info",
    ("referral", "accepted"): "progress",
    ("referral", "in-progress"): "progress",
    ("referral", "completed"): "success",
    ("referral", "rejected"): "danger",
    ("referral", "failed"): "danger",
    ("referral", "cancelled"): "neutral",
    ("referral", "overdue"): "warning",
    ("consent", "active"): "success",
    ("consent", "future"): "info",
    ("consent", "expired"): "neutral",
    ("consent", "revoked"): "danger",
}
TONES = ("info", "progress", "success", "warning", "danger", "neutral")


@register.simple_tag
def status_tag(kind: str, status: str, label) -> str:
    """A USWDS tag for ``status`` in its tone's colours, e.g.
    ``{% status_tag "referral" referral.status referral.get_status_display %}``."""
    tone = STATUS_TONES.get((kind, str(status)), "neutral")
    return format_html(
        '<span class="usa-tag cb-tone cb-tone--{} cb-status cb-status--{}">{}</span>',
        tone,
        status,
        label,
    )
