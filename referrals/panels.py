"""What referrals add to casework pages: the client page's referral panel, the client timeline
(every referral and status change with its note) and the navigator dashboard's "awaiting a
response" list. Registered in ReferralsConfig.ready (casework never imports referrals)."""

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import ngettext

from casework.access import centers_for_request, works_at_center
from casework.panels import TimelineEntry, lazy_html

from .models import ReferralEvent
from .selectors import referrals_awaiting_response, referrals_of_client


def referrals_panel(request, client) -> str:
    """The client's referrals, a button to refer, and the disclosure report link."""
    is_navigator = works_at_center(request, client.center_id)
    referrals = _client_referrals(request, client)
    return render_to_string(
        "referrals/_client_panel.html",
        {
            "client": client,
            "referrals": referrals,
            # Open ones first (what a navigator follows up), the closed ones collapsed.
            "open_referrals": [r for r in referrals if r.is_open],
            "closed_referrals": [r for r in referrals if not r.is_open],
            "can_refer": is_navigator,
        },
        request=request,
    )


def _client_referrals(request, client) -> list:
    """The client's referrals, read once per request (the header and the panel both use them)."""
    cache = request.__dict__.setdefault("_cb_client_referrals", {})
    if client.pk not in cache:
        cache[client.pk] = referrals_of_client(user=request.user, client=client)
    return cache[client.pk]


def open_referrals_header_item(request, client) -> str:
    """ "2 open referrals" in the client page's header, linking to the referrals panel."""
    count = sum(1 for r in _client_referrals(request, client) if r.is_open)
    text = ngettext("%(n)s open referral", "%(n)s open referrals", count) % {"n": count}
    return format_html('<a class="usa-link" href="#panel-referrals">{}</a>', text)


def referral_timeline(client) -> list[TimelineEntry]:
    """One entry per referral status change (the first one is "sent"), with its note."""
    events = (
        ReferralEvent.objects.filter(referral__client=client)
        .select_related("referral__program", "referral__agency", "actor", "actor_organization")
        .order_by("-at", "-id")
    )
    # Each entry's HTML is drawn when a page shows it (the client page shows the latest 15).
    return [
        TimelineEntry(
            at=event.at,
            kind="referral",
            html=lazy_html("referrals/_timeline_entry.html", {"event": event}),
        )
        for event in events
    ]


def awaiting_response_panel(request) -> str:
    referrals = referrals_awaiting_response(user=request.user, centers=centers_for_request(request))
    return render_to_string(
        "referrals/_dashboard_awaiting.html", {"referrals": referrals}, request=request
    )
