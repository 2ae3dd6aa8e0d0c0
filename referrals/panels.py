"""What referrals add to casework pages: the client page's referral panel, the client timeline
(every referral and status change with its note) and the navigator dashboard's "awaiting a
response" list. Registered in ReferralsConfig.ready (casework never imports referrals)."""

from django.template.loader import render_to_string

from casework.access import centers_of
from casework.panels import TimelineEntry

from .models import ReferralEvent
from .selectors import referrals_awaiting_response, referrals_of_client


def referrals_panel(request, client) -> str:
    """The client's referrals, a button to refer, and the disclosure report link."""
    is_navigator = centers_of(request.user).filter(pk=client.center_id).exists()
    return render_to_string(
        "referrals/_client_panel.html",
        {
            "client": client,
            "referrals": referrals_of_client(user=request.user, client=client),
            "can_refer": is_navigator,
        },
        request=request,
    )


def referral_timeline(client) -> list[TimelineEntry]:
    """One entry per referral status change (the first one is "sent"), with its note."""
    events = (
        ReferralEvent.objects.filter(referral__client=client)
        .select_related("referral__program", "referral__agency", "actor", "actor_organization")
        .order_by("-at", "-id")
    )
    entries = []
    for event in events:
        html = render_to_string("referrals/_timeline_entry.html", {"event": event})
        entries.append(TimelineEntry(at=event.at, kind="referral", html=html))
    return entries


def awaiting_response_panel(request) -> str:
    referrals = referrals_awaiting_response(user=request.user)
    return render_to_string(
        "referrals/_dashboard_awaiting.html", {"referrals": referrals}, request=request
    )
