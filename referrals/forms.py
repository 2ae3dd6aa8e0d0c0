from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from casework.models.intake import Need
from casework.validation import LimitedTextField
from casework.widgets import NameChoiceField, NameChoiceIterator

from .models import DecidedBy, Program, Urgency
from .models.directory import localized_text


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


class ProgramChoiceIterator(NameChoiceIterator):
    """ "Program — Agency", the program's name in the page's language where the directory has
    it (else English), read with ``values_list``: a county's thousand programs and their
    agencies were two thousand model instances built to draw one list."""

    def rows(self):
        language = get_language()
        rows = self.queryset.values_list("pk", "name", "translations", "agency__name")
        for pk, name, translations, agency in rows:
            yield (pk, f"{localized_text(translations, 'name', name, language).text} — {agency}")


class ProgramChoiceField(NameChoiceField):
    iterator = ProgramChoiceIterator


class ReferralSendForm(forms.Form):
    program = ProgramChoiceField(
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
        if duplicate is None:
            # Asked only when the client already has an open referral to the program.
            del self.fields["duplicate_reason"]
        uswds_classes(self.fields)


class TransitionForm(forms.Form):
    """The form of a lifecycle action; its codes (reasons, outcomes) come from the transition
    table (``referrals.transitions``), with nothing pre-selected."""

    note = LimitedTextField(kind="reason", label=_("Note"), required=False, rows=2)

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            self.fields["code"].choices = [("", self.code_empty_label), *codes]
        uswds_classes(self.fields)


class RejectForm(TransitionForm):
    code_empty_label = _("Choose a reason")
    code = forms.ChoiceField(label=_("Reason for declining"))


class CloseForm(TransitionForm):
    code_empty_label = _("Choose an outcome")
    code = forms.ChoiceField(label=_("Outcome"))
    decided_by = forms.ChoiceField(
        label=_("Who decided"), choices=DecidedBy.choices, initial=DecidedBy.PROVIDER
    )


class AssignForm(forms.Form):
    """Assign a referral to a colleague at the receiving agency (empty: nobody)."""

    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.colleagues = {str(u.pk): u for u in colleagues}
        self.fields["assignee"].choices = [("", _("Nobody"))] + [
            (pk, u.get_full_name() or u.username) for pk, u in self.colleagues.items()
        ]
        uswds_classes(self.fields)

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return self.colleagues[value] if value else None
