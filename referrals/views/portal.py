"""The partner agency inbox."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from casework.access import agencies_for_request
from referrals.filters import InboxFilter
from referrals.models import Program, ReferralStatus
from referrals.selectors import (
    INBOX_JOINS,
    INBOX_PAGE_SIZE,
    paginate_ids_first,
    referral_inbox,
    referral_status_counts,
)


@require_GET
def inbox(request):
    agencies = agencies_for_request(request)
    if not agencies:
        raise Http404
    base = referral_inbox(user=request.user)
    programs = Program.objects.filter(agency__in=agencies).order_by("name")
    filterset = InboxFilter(request.GET or None, queryset=base, programs=programs, request=request)
    # One aggregate: the status tabs, and how many match the filters (the paginator's count).
    counts = referral_status_counts(queryset=base, matching=filterset.condition())
    page = paginate_ids_first(
        filterset.qs,
        page_number=request.GET.get("page"),
        per_page=INBOX_PAGE_SIZE,
        count=counts["matching"],
        joins=INBOX_JOINS,
    )
    query = request.GET.copy()
    query.pop("page", None)
    status_tabs = [
        {"value": s.value, "label": s.label, "count": counts[s.value]} for s in ReferralStatus
    ]
    return render(
        request,
        "referrals/inbox.html",
        {
            "agencies": agencies,
            "filter": filterset,
            "page": page,
            "counts": counts,
            "status_tabs": status_tabs,
            "querystring": query.urlencode(),
        },
    )
