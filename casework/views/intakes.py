from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..access import AccessLevel, client_for_read, intake_for_read
from ..forms import IntakeForm
from ..models import IntakeInterview
from .clients import client_url


@require_http_methods(["GET", "POST"])
def intake_create(request, pk):
    client = client_for_read(request, pk, level=AccessLevel.EDIT)
    form = IntakeForm(
        request.POST or None,
        instance=IntakeInterview(client=client),
        client=client,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_create(actor=request.user, client=client, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Intake interview saved."))
            return redirect(_after_intake_url(client))
    return render(request, "casework/intake_form.html", {"form": form, "client": client})


@require_http_methods(["GET", "POST"])
def intake_update(request, pk, intake_pk):
    client, intake = intake_for_read(request, pk, intake_pk, level=AccessLevel.EDIT)
    form = IntakeForm(request.POST or None, instance=intake, client=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_update(actor=request.user, intake=intake, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Intake interview saved."))
            return redirect(_after_intake_url(client))
    return render(
        request, "casework/intake_form.html", {"form": form, "client": client, "intake": intake}
    )


def _after_intake_url(client) -> str:
    """Saving an intake lands on the new suggestions (the referrals app's page of them), with the
    confirmation at the top; without that app, on the client page's suggestions."""
    try:
        return reverse("referrals:screening_whatif", args=[client.pk])
    except NoReverseMatch:
        return client_url(client, "suggestions")
