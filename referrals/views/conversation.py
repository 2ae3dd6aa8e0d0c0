"""The conversation page of a referral (both sides; everyone else 404)."""

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from casework.validation import LimitedTextField
from referrals.access import ReadPurpose, referral_for_read, referral_for_write
from referrals.conversation import (
    ReferralMessageError,
    referral_message_add,
    referral_messages,
)
from referrals.forms import uswds_classes


class MessageForm(forms.Form):
    body = LimitedTextField(kind="note", label=gettext_lazy("Your message"), rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        uswds_classes(self.fields)


@require_http_methods(["GET", "POST"])
def conversation(request, code):
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        # Posting is a write (the message records its author); the page below is the read.
        referral, _side = referral_for_write(request, code)
        if form.is_valid():
            try:
                referral_message_add(
                    referral=referral, actor=request.user, body=form.cleaned_data["body"]
                )
            except ReferralMessageError as exc:
                form.add_error(None, exc)
            else:
                return redirect("referrals:conversation", code=referral.reference_code)
        status = 400
    # The messages may speak about the client: a partner's read is a disclosure.
    referral = referral_for_read(request, code, purpose=ReadPurpose.CONVERSATION).referral
    messages_list = list(referral_messages(referral=referral))
    return render(
        request,
        "referrals/conversation.html",
        {
            "referral": referral,
            "conversation": messages_list,
            "form": form,
            "title": _("Messages on referral %(code)s") % {"code": referral.reference_code},
        },
        status=status,
    )
