from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ..access import agencies_for_request, centers_for_request, is_program_manager_for_request
from ..panels import render_dashboard_panels
from ..selectors import clients_recent_for, clients_without_intake

# Where users who are not navigators start; the apps that own these pages may not exist yet.
# Each asks the request's memberships (read once per request, as the navigation does).
OTHER_HOMES = [
    (lambda request: bool(agencies_for_request(request)), "referrals:inbox"),
    (is_program_manager_for_request, "reports:dashboard"),
]


def _admin_links(request) -> list[dict]:
    """An administrator's way on: the admin, and the program directory (the navigators' page
    when it exists, else the admin's program list)."""
    if not request.user.is_staff:
        return []
    links = []
    for label, names in (
        (_("Administration"), ["admin:index"]),
        (_("Program directory"), ["referrals:program_list", "admin:referrals_program_changelist"]),
    ):
        for name in names:
            try:
                links.append({"label": label, "url": reverse(name)})
                break
            except NoReverseMatch:
                continue
    return links


def _home_for(request) -> str | None:
    for applies, url_name in OTHER_HOMES:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        if applies(request):
            return url
    return None


def dashboard(request):
    """A navigator's start page; partners and managers go to their own start page."""
    centers = centers_for_request(request)
    if not centers:
        home = _home_for(request)
        if home:
            return redirect(home)
        return render(
            request, "casework/dashboard_no_center.html", {"admin_links": _admin_links(request)}
        )
    without_intake, without_intake_total = clients_without_intake(user=request.user)
    return render(
        request,
        "casework/dashboard.html",
        {
            "centers": centers,
            "multi_center": len(centers) > 1,
            "recent_clients": clients_recent_for(user=request.user),
            "without_intake": without_intake,
            "without_intake_total": without_intake_total,
            "panels": render_dashboard_panels(request),
        },
    )
