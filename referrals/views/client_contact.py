"""Messages to clients: the navigator's contact-preference page, the SMS provider's inbound
webhook (stop words), the client's one-page confirmation form (no sign-in), and the
navigator's "followed up" action on a client answer."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from phonenumber_field.formfields import PhoneNumberField

from casework.access import client_for_read
from casework.security import UNSAFE, rate_limit
from referrals.access import ReferralSide, referral_for_write
from referrals.client_confirm import (
    ConfirmError,
    ConfirmProblem,
    client_confirm_link_resolve,
    client_follow_up_done,
    client_outcome_record,
)
from referrals.client_messages import (
    ContactPreferenceError,
    contact_preference_history,
    contact_preference_of,
    contact_preference_set,
    contact_preference_stop,
    contact_preferences_stop_by_text,
)
from referrals.forms import uswds_classes
from referrals.models import ClientMessage, ClientOutcome, ContactChannel
from referrals.sms import get_backend

from .answer import _private


class ContactPreferenceForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("How the client wants messages"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
    )
    phone = PhoneNumberField(
        label=gettext_lazy("Mobile number"),
        region="US",
        required=False,
        help_text=gettext_lazy("For text messages. For example (408) 555-0123."),
    )
    email = forms.EmailField(label=gettext_lazy("Email address"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        uswds_classes({k: f for k, f in self.fields.items() if k != "channel"})
        self.fields["channel"].widget.attrs["class"] = "usa-radio__input"

    def clean(self):
        data = super().clean()
        channel = data.get("channel")
        if channel == ContactChannel.SMS and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter the mobile number the client agreed to."))
        if channel == ContactChannel.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter the email address the client agreed to."))
        return data


@require_http_methods(["GET", "POST"])
def contact_preference(request, client_pk):
    """Whether the client agreed to texts or emails about their referrals (its own consent)."""
    # The client's own center only; shows their number and address, so the read is logged.
    client = client_for_read(request, client_pk, own_center=True)
    preference = contact_preference_of(client)
    if preference is not None:
        initial = {
            "channel": preference.channel,
            "phone": preference.phone or client.phone,
            "email": preference.email or client.email,
        }
    else:
        initial = {"channel": ContactChannel.SMS, "phone": client.phone, "email": client.email}
    form = ContactPreferenceForm(initial=initial)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            contact_preference_stop(client=client, actor=request.user)
            messages.success(request, _("Messages to the client are off."))
            return redirect("referrals:contact_preference", client_pk=client.pk)
        form = ContactPreferenceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                contact_preference_set(
                    client=client,
                    actor=request.user,
                    channel=data["channel"],
                    phone=str(data.get("phone") or ""),
                    email=data.get("email") or "",
                )
            except ContactPreferenceError as exc:
                for field, errors in exc.error_dict.items():
                    for error in errors:
                        form.add_error(field, error)
            else:
                messages.success(request, _("The client's contact preference is saved."))
                return redirect("referrals:contact_preference", client_pk=client.pk)
        status = 400
    return render(
        request,
        "referrals/contact_preference.html",
        {
            "client": client,
            "preference": preference,
            "form": form,
            "history": contact_preference_history(client),
            "sent": ClientMessage.objects.filter(client=client)
            .select_related("referral")
            .order_by("-created_at", "-id")[:20],
        },
        status=status,
    )


@login_not_required
@csrf_exempt  # the provider signs the request instead (referrals/sms.py)
@require_POST
@rate_limit("sms_inbound", methods=UNSAFE)
def sms_inbound(request):
    """The SMS provider's webhook for texts the clients send: a stop word turns messages off."""
    received = get_backend().inbound(request)
    if received is None:
        raise Http404
    phone, text = received
    contact_preferences_stop_by_text(phone=phone, text=text)
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?><Response/>', content_type="text/xml"
    )


def _confirm_invalid(request, problem: ConfirmProblem, language=None):
    status = 404 if problem == ConfirmProblem.UNKNOWN else 410
    with translation.override(language or translation.get_language()):
        response = render(
            request,
            "referrals/client_confirm_invalid.html",
            {"message": ConfirmError(problem).message},
            status=status,
        )
    return _private(response)


@login_not_required
@require_http_methods(["GET", "POST"])
@rate_limit("referral_link", methods=UNSAFE)
def client_confirm(request, code, token):
    """The client's one-page form: did you get help? Plain HTML, works without JavaScript."""
    try:
        link = client_confirm_link_resolve(code=code, token=token)
    except ConfirmError as exc:
        return _confirm_invalid(request, exc.problem, exc.language)
    referral = link.referral
    language = referral.client.preferred_language or "en"
    error = ""
    if request.method == "POST":
        outcome = request.POST.get("outcome", "")
        if outcome in ClientOutcome.values:
            try:
                client_outcome_record(link=link, outcome=outcome)
            except ConfirmError as exc:
                return _confirm_invalid(request, exc.problem, language)
            with translation.override(language):
                response = render(
                    request, "referrals/client_confirm_done.html", {"referral": referral}
                )
            return _private(response)
        with translation.override(language):
            error = _("Choose one answer.")
    with translation.override(language):
        response = render(
            request,
            "referrals/client_confirm.html",
            {
                "referral": referral,
                "program": referral.program.localized("name", language),
                "choices": ClientOutcome.choices,
                "error": error,
            },
            status=400 if error else 200,
        )
    return _private(response)


@require_POST
def follow_up_done(request, code):
    """The navigator has followed up a client's answer: it leaves the follow-up list."""
    referral, side = referral_for_write(request, code)
    if side != ReferralSide.SENDER:
        raise Http404
    client_follow_up_done(referral=referral, actor=request.user)
    messages.success(request, _("Marked as followed up."))
    return redirect("referrals:worklist")
