"""The navigator's referral worklist, nudging an overdue agency, and the dashboard's updates."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.access import centers_of
from referrals.access import get_referral_or_404
from referrals.client_confirm import referrals_needing_follow_up
from referrals.filters_navigator import WorklistFilter
from referrals.models import ReferralStatus
from referrals.selectors import paginate, referral_status_counts
from referrals.services import ReferralActionError
from referrals.services.nudges import navigator_visit_record, referral_nudge
from referrals.worklist import (
    WORKLIST_PAGE_SIZE,
    updates_since,
    worklist_choices,
    worklist_referrals,
)

FOLLOW_UP_SHOWN = 20


@require_GET
def worklist(request):
    if not centers_of(request.user).exists():
        raise Http404
    base = worklist_referrals(user=request.user)
    agencies, programs = worklist_choices(user=request.user)
    filterset = WorklistFilter(
        request.GET or None,
        queryset=base,
        agencies=agencies,
        programs=programs,
        user=request.user,
    )
    counts = referral_status_counts(queryset=base)
    page = paginate(filterset.qs, page_number=request.GET.get("page"), per_page=WORKLIST_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/worklist.html",
        {
            "filter": filterset,
            "page": page,
            "counts": counts,
            "status_counts": [
                {"value": s.value, "label": s.label, "count": counts[s.value]}
                for s in ReferralStatus
            ],
            "querystring": query.urlencode(),
            # Client answers that disagree with the agency, or could not reach it.
            "follow_up": list(referrals_needing_follow_up(user=request.user)[:FOLLOW_UP_SHOWN]),
            "next_url": request.get_full_path(),
        },
    )


@require_POST
def nudge(request, code):
    referral = get_referral_or_404(user=request.user, reference_code=code)
    try:
        referral_nudge(referral=referral, actor=request.user)
    except ReferralActionError as exc:
        if exc.code == "forbidden":
            raise Http404 from exc
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Reminder sent to %(agency)s about %(code)s.")
            % {"agency": referral.agency, "code": referral.reference_code},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "referrals:worklist")


def updates_panel(request) -> str:
    """Dashboard: what the agencies did since the navigator's last visit (registered in apps)."""
    since = navigator_visit_record(actor=request.user)
    events = updates_since(user=request.user, since=since)
    return render_to_string(
        "referrals/_dashboard_updates.html",
        {"events": events, "since": since},
        request=request,
    )
