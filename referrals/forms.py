from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models.intake import Need
from casework.validation import LimitedTextField

from .models import DecidedBy, Outcome, Program, RejectionReason, Urgency


def uswds_classes(fields) -> None:
    """USWDS classes on each widget (usa-select, usa-textarea, usa-input)."""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            css = "usa-select"
        elif isinstance(widget, forms.Textarea):
            css = "usa-textarea"
        else:
            css = "usa-input"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ReferralSendForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.filter(is_active=True).select_related("agency"),
        empty_label=_("Choose a program"),
    )
    need_category = forms.ChoiceField(
        label=_("Need"),
        choices=[("", _("The program's need")), *Need.choices],
        required=False,
        help_text=_("Leave as it is to use the need the program serves."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )
    reason = LimitedTextField(
        kind="reason",
        label=_("Reason for referral"),
        help_text=_("What the client needs and why this program."),
    )
    note_to_agency = LimitedTextField(
        kind="reason",
        label=_("Note to the agency"),
        required=False,
        help_text=_("Best time to call, interpreter needed, documents the client has."),
    )
    duplicate_reason = forms.CharField(
        label=_("Why send another referral to this program?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, duplicate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].label_from_instance = lambda p: f"{p.name} — {p.agency.name}"
        if duplicate is None:
            # Asked only when the client already has an open referral to the program.
            del self.fields["duplicate_reason"]
        uswds_classes(self.fields)


class TransitionForm(forms.Form):
    note = LimitedTextField(kind="reason", label=_("Note"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        uswds_classes(self.fields)


class RejectForm(TransitionForm):
    code = forms.ChoiceField(label=_("Reason for declining"), choices=RejectionReason.choices)


class CloseForm(TransitionForm):
    code = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    decided_by = forms.ChoiceField(
        label=_("Who decided"), choices=DecidedBy.choices, initial=DecidedBy.PROVIDER
    )


FORM_FOR_ACTION = {
    "accept": TransitionForm,
    "reject": RejectForm,
    "start": TransitionForm,
    "complete": CloseForm,
    "fail": CloseForm,
    "cancel": TransitionForm,
}
