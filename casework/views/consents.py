from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import services
from ..access import AccessLevel, client_for_read, get_client_or_404
from ..forms import FIND_AGENCIES, AgencySearchForm, ConsentForm, ConsentRevokeForm
from .clients import client_url


@require_http_methods(["GET", "POST"])
def consent_create(request, pk):
    client = client_for_read(request, pk, level=AccessLevel.EDIT)
    # From the send form: the program's agency ticked, and back to the form after saving.
    next_url = _safe_next(request)
    source = request.POST if request.method == "POST" else request.GET
    agency_query = AgencySearchForm(source).query()
    if request.method == "POST" and FIND_AGENCIES in request.POST:
        # The "Search" button (without JavaScript): the same form again, with the matches.
        form = ConsentForm.kept(request.POST, agency_query=agency_query)
    else:
        initial = {}
        agency = (request.GET.get("agency") or "").strip()
        if agency:
            initial["recipients"] = [agency]  # drawn only if it is an active partner agency
        form = ConsentForm(request.POST or None, initial=initial, agency_query=agency_query)
        if request.method == "POST" and form.is_valid():
            try:
                services.consent_record(actor=request.user, client=client, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Consent recorded."))
                return redirect(next_url or client_url(client, "consents"))
    return render(
        request,
        "casework/consent_form.html",
        {
            "form": form,
            "client": client,
            "next_url": next_url,
            "agency_query": agency_query,
            "searched": FIND_AGENCIES in request.POST,
        },
    )


@require_GET
def consent_agency_options(request, pk):
    """The consent form's agency list for a search typed so far (htmx, as the navigator types):
    the ticked agencies (``recipients``) and the matches. Shows nothing about the client, so
    access is the consent form's without a read in the access log for every keystroke."""
    client = get_client_or_404(user=request.user, pk=pk, level=AccessLevel.EDIT)
    form = ConsentForm(
        initial={"recipients": request.GET.getlist("recipients")},
        agency_query=AgencySearchForm(request.GET).query(),
    )
    return render(request, "casework/_consent_agency_update.html", {"form": form, "client": client})


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_POST
def consent_revoke(request, pk, consent_pk):
    client = get_client_or_404(user=request.user, pk=pk, level=AccessLevel.EDIT)
    consent = get_object_or_404(client.consents, pk=consent_pk)
    form = ConsentRevokeForm(request.POST)
    if form.is_valid():
        try:
            services.consent_revoke(
                actor=request.user, consent=consent, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Consent revoked. The agencies it named can no longer see this client."),
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(client_url(client, "consents"))
