"""Sending a referral from the client page (a suggested program or any program)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.access import client_for_read
from casework.models import Consent
from referrals.client_messages import contact_preference_of
from referrals.forms import ReferralSendForm
from referrals.models import Program
from referrals.services import ReferralActionError, referral_send
from referrals.services.lifecycle import open_referral_to_program

from ._common import url_or_none


def _initial_program(request):
    raw = request.GET.get("program") or request.POST.get("program")
    try:
        return Program.objects.filter(is_active=True).select_related("agency").get(pk=int(raw))
    except (TypeError, ValueError, Program.DoesNotExist):
        return None


def send(request, client_pk):
    # Only the client's own center sends; the navigator's centers are read once per request
    # (here, the navigation) and the checked center is passed down to referral_send.
    client = client_for_read(request, client_pk, own_center=True)
    program = _initial_program(request)
    covered_agency_ids = set(
        Consent.objects.active().filter(client=client).values_list("recipients", flat=True)
    )
    consent_url = url_or_none("casework:consent_create", client.pk)
    missing_consent = bool(program and program.agency_id not in covered_agency_ids)
    duplicate = open_referral_to_program(client=client, program=program) if program else None

    if request.method == "POST":
        form = ReferralSendForm(request.POST, duplicate=duplicate)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = referral_send(
                    actor=request.user,
                    client=client,
                    sending_center=client.center,
                    program=data["program"],
                    need_category=data["need_category"],
                    urgency=data["urgency"],
                    reason=data["reason"],
                    note_to_agency=data["note_to_agency"],
                    duplicate_reason=data.get("duplicate_reason", ""),
                )
            except ReferralActionError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        for error in errors:
                            form.add_error(field if field in form.fields else None, error)
                else:
                    missing_consent = exc.code == "no_consent"
                    for message in exc.messages:
                        form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Referral %(code)s sent to %(agency)s.")
                    % {"code": referral.reference_code, "agency": referral.agency},
                )
                return redirect("referrals:detail", code=referral.reference_code)
    else:
        initial = {}
        if program:
            initial["program"] = program.pk
            if program.need_categories:
                initial["need_category"] = program.need_categories[0]
        form = ReferralSendForm(initial=initial, duplicate=duplicate)

    return render(
        request,
        "referrals/send.html",
        {
            "client": client,
            "form": form,
            "program": program,
            "missing_consent": missing_consent,
            "consent_url": _consent_in_flow_url(consent_url, client, program),
            "duplicate": duplicate,
            "client_url": url_or_none("casework:client_detail", client.pk),
            # Whether the client will get a text or an email about it (referrals.client_messages).
            "contact": contact_preference_of(client),
            "contact_url": url_or_none("referrals:contact_preference", client.pk),
        },
    )


def _consent_in_flow_url(consent_url, client, program) -> str | None:
    """The consent form with the program's agency ticked, coming back here with the program."""
    if not consent_url or program is None:
        return consent_url
    back = f"{reverse('referrals:send', args=[client.pk])}?program={program.pk}"
    return f"{consent_url}?{urlencode({'agency': program.agency_id, 'next': back})}"
