"""The program directory for navigators: search and filter programs, read one, refer a client."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from casework.access import centers_of
from casework.selectors import client_search
from referrals.directory import (
    DIRECTORY_PAGE_SIZE,
    directory_page_programs,
    programs_for_directory,
)
from referrals.directory import (
    program_detail as program_detail_data,
)
from referrals.filters_navigator import ProgramDirectoryFilter
from referrals.selectors import paginate


def _navigator_only(user, *, staff_may_read: bool = False) -> None:
    # Partners, managers and outsiders have no directory here: the page does not exist for them.
    # Administrators (Django staff) may read it: they keep the directory (the admin persona's
    # landing page links here); referring a client stays with a center's navigators.
    if staff_may_read and user.is_staff:
        return
    if not centers_of(user).exists():
        raise Http404


@require_GET
def program_list(request):
    _navigator_only(request.user, staff_may_read=True)
    filterset = ProgramDirectoryFilter(request.GET or None, queryset=programs_for_directory())
    page = paginate(filterset.qs, page_number=request.GET.get("page"), per_page=DIRECTORY_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/program_list.html",
        {
            "filter": filterset,
            "page": page,
            "programs": directory_page_programs(page.object_list),
            "querystring": query.urlencode(),
        },
    )


@require_GET
def program_detail(request, pk):
    _navigator_only(request.user, staff_may_read=True)
    context = {**program_detail_data(pk=pk), "can_refer": centers_of(request.user).exists()}
    return render(request, "referrals/program_detail.html", context)


@require_GET
def program_refer(request, pk):
    """Refer: choose the client, then the send form opens with this program chosen."""
    _navigator_only(request.user)
    data = program_detail_data(pk=pk)
    query = (request.GET.get("q") or "").strip()
    search = client_search(user=request.user, query=query, page_number=1) if query else None
    return render(
        request,
        "referrals/program_refer.html",
        {**data, "query": query, "search": search},
    )
