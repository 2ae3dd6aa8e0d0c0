"""The "what if" re-screening on the client page: another income or household size, same
client, nothing saved. htmx swaps in the results; without JavaScript it is a page of its own."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from casework.access import latest_intake_for_read
from referrals.eligibility.panel import (
    PAGE_LIMIT,
    PANEL_LIMIT,
    parse_what_if,
    section_keys,
    suggestions_context,
)


@require_GET
def screening_whatif(request, client_pk):
    # Reading the intake's answers is a read of the client record.
    client, intake = latest_intake_for_read(request, client_pk)
    overrides, errors = parse_what_if(request.GET)
    partial = bool(request.headers.get("HX-Request"))
    # The page of its own lists PAGE_LIMIT programs per group, and one group whole when asked
    # (its "See all" link); an unknown group is ignored.
    section = request.GET.get("section", "")
    context = suggestions_context(
        request=request,
        client=client,
        intake=intake,
        overrides=overrides,
        errors=errors,
        limit=PANEL_LIMIT if partial else PAGE_LIMIT,
        full_section=section if section in section_keys() else "",
    )
    if partial:
        return render(request, "referrals/_suggestions_results.html", context)
    return render(request, "referrals/screening_whatif.html", context)
