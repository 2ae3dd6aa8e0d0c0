from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..access import (
    AccessLevel,
    centers_for_request,
    client_for_read,
    get_client_or_404,
    household_member_for_read,
    works_at_center,
)
from ..audit import access_log_clients_listed
from ..forms import (
    ClientForm,
    ClientSearchForm,
    ConsentRevokeForm,
    HouseholdMemberForm,
    NoteForm,
)
from ..panels import render_client_header_items, render_client_panels
from ..security import rate_limit
from ..selectors import client_page_data, client_possible_duplicates, client_search, client_timeline


@rate_limit("search")
def client_list(request):
    """Search the clients of the user's centers; htmx asks for the results table only."""
    form = ClientSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    search = client_search(user=request.user, query=query, page_number=request.GET.get("page"))
    # Each client the result list shows is a read of that client (one INSERT for the page).
    access_log_clients_listed(user=request.user, clients=search.page.object_list)
    context = {
        "form": form,
        "search": search,
        "query": query,
        "multi_center": len(centers_for_request(request)) > 1,
    }
    if request.htmx:
        return render(request, "casework/_client_results.html", context)
    return render(request, "casework/client_list.html", context)


@require_http_methods(["GET", "POST"])
def client_create(request):
    centers = centers_for_request(request)
    if not centers:
        # Only navigators create clients; to anyone else this page does not exist.
        raise Http404
    form = ClientForm(request.POST or None, centers=centers)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        center = form.chosen_center
        duplicates = client_possible_duplicates(
            user=request.user,
            center=center,
            legal_first_name=form.cleaned_data["legal_first_name"],
            legal_last_name=form.cleaned_data["legal_last_name"],
            date_of_birth=form.cleaned_data.get("date_of_birth"),
            phone=form.cleaned_data.get("phone"),
        )
        confirmed = form.cleaned_data.get("confirm_duplicates")
        if duplicates and not confirmed and request.POST.get("duplicates_seen"):
            form.add_error(
                "confirm_duplicates",
                _("Tick this box to create a new client anyway, or open one of the clients above."),
            )
        if not duplicates or confirmed:
            try:
                client = services.client_create(
                    actor=request.user, center=center, **form.service_fields()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Client %(name)s created.") % {"name": client})
                return redirect("casework:client_detail", pk=client.pk)
    return render(
        request,
        "casework/client_form.html",
        {"form": form, "duplicates": duplicates, "creating": True},
    )


@require_http_methods(["GET", "POST"])
def client_update(request, pk):
    client = client_for_read(request, pk, level=AccessLevel.EDIT)
    form = ClientForm(request.POST or None, instance=client, centers=[client.center])
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(actor=request.user, client=client, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("casework:client_detail", pk=client.pk)
    return render(
        request, "casework/client_form.html", {"form": form, "client": client, "creating": False}
    )


def client_detail(request, pk):
    """The client page. Every read is written to the access log."""
    client = client_for_read(request, pk)
    data = client_page_data(client=client)
    timeline = client_timeline(client=client, data=data)
    return render(
        request,
        "casework/client_detail.html",
        {
            "client": client,
            **data,
            **client_header_context(request, client, latest_intake=data["latest_intake"]),
            "timeline": timeline,
            # Long sections stay short here; the history page has every entry.
            "timeline_shown": timeline[:TIMELINE_ON_PAGE],
            "recent_notes": data["notes"][:NOTES_ON_PAGE],
            "panels": render_client_panels(request, client),
            "note_form": NoteForm(),
            "revoke_form": ConsentRevokeForm(),
        },
    )


TIMELINE_ON_PAGE = 15
NOTES_ON_PAGE = 3


def client_header_context(request, client, *, latest_intake) -> dict:
    """The compact header: age, key flags from the latest intake, other apps' header items."""
    flags = []
    if latest_intake is not None:
        if latest_intake.has_working_device is False:
            flags.append(_("No working device"))
        if latest_intake.has_internet_at_home is False:
            flags.append(_("No internet at home"))
    return {
        "age": client.age_on(timezone.localdate()),
        "flags": flags,
        "header_items": render_client_header_items(request, client),
        "can_send": works_at_center(request, client.center_id),
    }


def client_history(request, pk):
    """Every timeline entry of the client (the client page shows the latest few)."""
    client = client_for_read(request, pk)
    data = client_page_data(client=client)
    return render(
        request,
        "casework/client_history.html",
        {"client": client, "timeline": client_timeline(client=client, data=data)},
    )


@require_http_methods(["GET", "POST"])
def household_member_create(request, pk):
    client = client_for_read(request, pk, level=AccessLevel.EDIT)
    form = HouseholdMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.household_member_add(actor=request.user, client=client, **form.cleaned_data)
        messages.success(request, _("Household member added."))
        return redirect(client_url(client, "household"))
    return render(request, "casework/household_form.html", {"form": form, "client": client})


@require_http_methods(["GET", "POST"])
def household_member_update(request, pk, member_pk):
    client, member = household_member_for_read(request, pk, member_pk, level=AccessLevel.EDIT)
    form = HouseholdMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.household_member_update(actor=request.user, member=member, **form.cleaned_data)
        messages.success(request, _("Household member saved."))
        return redirect(client_url(client, "household"))
    return render(
        request,
        "casework/household_form.html",
        {"form": form, "client": client, "member": member},
    )


@require_POST
def household_member_remove(request, pk, member_pk):
    client = get_client_or_404(user=request.user, pk=pk, level=AccessLevel.EDIT)
    member = get_object_or_404(client.household, pk=member_pk)
    services.household_member_remove(actor=request.user, member=member)
    messages.success(request, _("Household member removed."))
    return redirect(client_url(client, "household"))


@require_POST
def note_create(request, pk):
    client = get_client_or_404(user=request.user, pk=pk, level=AccessLevel.EDIT)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(actor=request.user, client=client, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Note added."))
            return redirect(client_url(client, "notes"))
    return render(request, "casework/note_form.html", {"form": form, "client": client})


def client_url(client, anchor: str = "") -> str:
    url = reverse("casework:client_detail", kwargs={"pk": client.pk})
    return f"{url}#{anchor}" if anchor else url
