"""Forms for navigator pages. They parse and validate input; writes go through services."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Client, HouseholdMember, IntakeInterview, Role, User
from .models.consent import CONSENT_DEFAULT_DAYS, ConsentMethod, ConsentScope
from .models.intake import Benefit, IncomeSource, Need
from .selectors import partner_agencies, partner_agencies_matching, partner_agencies_named
from .validation import (
    DATE_INPUT_FORMATS,
    AsciiDecimalField,
    AsciiIntegerField,
    BoundedDateField,
    LimitedTextField,
    consent_expiry_problem,
    is_row_id,
)

DATE_HELP = _("For example 03/14/1985 or 1985-03-14.")
NONE_OF_THESE = "__none__"


def _date_field(label, *, kind, required=False, **kwargs) -> forms.DateField:
    return BoundedDateField(kind=kind, label=label, required=required, **kwargs)


def _birth_date_field() -> forms.DateField:
    """Typed, not picked: a calendar is slow for dates decades ago (USWDS memorable date)."""
    return BoundedDateField(
        kind="birth",
        label=_("Date of birth"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%m/%d/%Y", attrs={"autocomplete": "off"}),
        help_text=DATE_HELP,
    )


class UswdsMixin:
    """Adds USWDS classes and aria-describedby for help and error text to every widget."""

    def _style(self):
        for name, bound in self._bound_items():
            widget = bound.field.widget
            # CheckboxSelectMultiple subclasses RadioSelect: check it first.
            css = {
                forms.CheckboxSelectMultiple: "usa-checkbox__input",
                forms.RadioSelect: "usa-radio__input",
                forms.CheckboxInput: "usa-checkbox__input",
                forms.Select: "usa-select",
                forms.Textarea: "usa-textarea",
            }
            cls = next((c for t, c in css.items() if isinstance(widget, t)), "usa-input")
            widget.attrs.setdefault("class", cls)
            described = []
            if bound.field.help_text:
                described.append(f"{bound.auto_id}-hint")
            if self._errors and name in self._errors:
                described.append(f"{bound.auto_id}-error")
                if cls in ("usa-input", "usa-select", "usa-textarea"):
                    widget.attrs["class"] = f"{cls} usa-input--error"
                widget.attrs["aria-invalid"] = "true"
            if described and not isinstance(
                widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                widget.attrs["aria-describedby"] = " ".join(described)

    def _bound_items(self):
        # Not self[name]: that caches bound fields, and subclasses replace fields after init.
        return [(name, field.get_bound_field(self, name)) for name, field in self.fields.items()]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()  # subclasses that change fields call it again

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            self._style()


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows by id where a posted value that cannot be an id (not ASCII digits, or
    beyond a bigint) is the field's "invalid value" error before any query: SQLite cannot even
    bind such a number, and Django's own check lets that error through as a 500."""

    def _check_values(self, value):
        for pk in value:
            if not is_row_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class ZipCodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value).strip()
        if value and not re.fullmatch(r"[0-9]{5}(-[0-9]{4})?", value):
            raise ValidationError(_("Enter a 5-digit ZIP code, like 95112."))
        return value


class ClientForm(UswdsMixin, forms.ModelForm):
    """The client profile. ``center`` is offered only when the navigator works at several."""

    zip_code = ZipCodeField(label=_("ZIP code"), required=False, max_length=10)
    confirm_duplicates = forms.BooleanField(
        label=_("I checked the possible duplicates: this is a different person"),
        required=False,
    )

    class Meta:
        model = Client
        fields = [
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "date_of_birth",
            "administrative_gender",
            "phone",
            "email",
            "address_line1",
            "address_line2",
            "city",
            "zip_code",
            "preferred_language",
            "center",
        ]
        help_texts = {
            "preferred_name": _("What the client likes to be called, if different."),
            "phone": _("For example (408) 555-0123."),
        }

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"] = _birth_date_field()
        centers = list(centers)
        if len(centers) > 1:
            self.fields["center"].queryset = self.fields["center"].queryset.filter(
                pk__in=[c.pk for c in centers]
            )
        else:
            del self.fields["center"]
            self.only_center = centers[0] if centers else None
        if self.instance.pk:
            del self.fields["confirm_duplicates"]
        self._style()

    @property
    def chosen_center(self):
        if "center" in self.fields:
            return self.cleaned_data.get("center")
        return getattr(self, "only_center", None) or self.instance.center

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("confirm_duplicates",)}
        data.pop("center", None)
        return data


class HouseholdMemberForm(UswdsMixin, forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["relationship", "name", "date_of_birth", "age"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"] = _birth_date_field()
        self.fields["age"] = AsciiIntegerField(
            label=_("Age"),
            required=False,
            min_value=0,
            max_value=120,
            help_text=_("If the date of birth is not known."),
        )
        self._style()

    def clean(self):
        data = super().clean()
        dob, age = data.get("date_of_birth"), data.get("age")
        if dob and age is not None:
            self.add_error("age", _("Give either the age or the date of birth, not both."))
        return data


# Intake interview --------------------------------------------------------------------------


class TriStateRadio(forms.RadioSelect):
    """Not asked / Yes / No, for a nullable boolean (null = not asked)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs,
            choices=[("unknown", _("Not asked")), ("true", _("Yes")), ("false", _("No"))],
        )

    def format_value(self, value):
        mapping = {True: "true", False: "false", "True": "true", "False": "false"}
        value = mapping.get(value, value)
        return [value if value in ("true", "false") else "unknown"]

    def value_from_datadict(self, data, files, name):
        return {"true": True, "false": False}.get(data.get(name))


def tri_state_field(label) -> forms.NullBooleanField:
    return forms.NullBooleanField(label=label, required=False, widget=TriStateRadio())


class AnsweredListField(forms.MultipleChoiceField):
    """Checkboxes with a "None of these" option: nothing ticked = not asked (None), only "None
    of these" = none ([]), otherwise the ticked values."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, choices, none_label=None, **kwargs):
        none_label = none_label or _("None of these")
        super().__init__(choices=[*choices, (NONE_OF_THESE, none_label)], required=False, **kwargs)

    def prepare_value(self, value):
        if value == []:
            return [NONE_OF_THESE]
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if NONE_OF_THESE in value:
            if len(value) > 1:
                raise ValidationError(
                    _("Either tick “None of these” or tick what applies, not both.")
                )
            return []
        return value


class ChildrenAgesField(forms.CharField):
    """Comma-separated whole numbers. Blank = not asked; "none" / the checkbox = no children."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        if value.lower() in ("none", "0 children", "no children", "-"):
            return []
        ages = []
        for part in re.split(r"[,\s;]+", value):
            if not part:
                continue
            # [0-9], not isdigit(): "²" is a digit to isdigit() but not to int().
            if not re.fullmatch(r"[0-9]{1,2}", part) or int(part) > 25:
                raise ValidationError(
                    _(
                        "Enter ages as whole numbers from 0 to 25, separated by commas, "
                        "for example 3, 7, 12."
                    )
                )
            ages.append(int(part))
        return ages


class MoneyField(AsciiDecimalField):
    """Accepts "$1,900" and "1900.50"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("$", "").replace(",", "").strip()
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                _("Enter an amount in dollars, like 1900 or 1,900.50."), code="invalid"
            ) from None


class IntakeForm(UswdsMixin, forms.ModelForm):
    """Every question may be left unanswered; see casework.models.intake."""

    fieldsets = [
        (_("Interview"), ["interview_date", "navigator", "language", "channel"]),
        (
            _("Household and income"),
            [
                "household_size",
                "children_ages",
                "no_children",
                "monthly_gross_income",
                "client_monthly_income",
                "is_tax_dependent",
                "income_sources",
                "employment_status",
                "hours_worked_per_week",
                "household_has_elderly_or_disabled",
            ],
        ),
        (
            _("Housing, health and circumstances"),
            [
                "housing_status",
                "health_insurance",
                "is_student",
                "is_veteran",
                "has_disability",
                "is_pregnant",
                "expected_babies",
                "is_college_half_time",
                "is_former_foster_youth",
                "foster_care_exit_age",
            ],
        ),
        (_("Digital access"), ["has_internet_at_home", "has_working_device"]),
        (_("Benefits and needs"), ["benefits_received", "needs"]),
        (
            _("Sensitive (optional)"),
            ["immigration_status", "household_immigration_status"],
        ),
        (_("Notes"), ["summary"]),
    ]

    interview_date = _date_field(_("Interview date"), kind="interview", required=True)
    household_size = AsciiIntegerField(
        label=_("Household size"),
        required=False,
        min_value=1,
        max_value=30,
        help_text=_("People who live together and share food or income, including the client."),
    )
    monthly_gross_income = MoneyField(
        label=_("Monthly gross income (USD)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Before taxes, all household members together. Leave blank if not asked."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    income_sources = AnsweredListField(
        label=_("Income sources"),
        choices=IncomeSource.choices,
        none_label=_("No income"),
        help_text=_("Leave all unticked if not asked."),
    )
    children_ages = ChildrenAgesField(
        label=_("Children's ages"),
        required=False,
        help_text=_(
            "Whole numbers separated by commas, for example 3, 7, 12. Leave blank if not asked."
        ),
    )
    no_children = forms.BooleanField(label=_("No children in the household"), required=False)
    client_monthly_income = MoneyField(
        label=_("Client's own monthly income (USD)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Before taxes, the client alone. Leave blank if not asked."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    is_tax_dependent = tri_state_field(_("Claimed as a tax dependent by someone else"))
    hours_worked_per_week = forms.IntegerField(
        label=_("Hours worked per week"),
        required=False,
        min_value=0,
        max_value=168,
        help_text=_("0 if not working. Leave blank if not asked."),
    )
    household_has_elderly_or_disabled = tri_state_field(
        _("Someone in the household is 60 or older, or disabled")
    )
    expected_babies = forms.IntegerField(
        label=_("Babies expected"),
        required=False,
        min_value=1,
        max_value=8,
        help_text=_("Only when pregnant: 1 for one baby, 2 for twins."),
    )
    is_college_half_time = tri_state_field(_("Enrolled in college at least half time"))
    is_former_foster_youth = tri_state_field(_("Former foster youth"))
    foster_care_exit_age = forms.IntegerField(
        label=_("Age when foster care ended"),
        required=False,
        min_value=0,
        max_value=26,
        help_text=_("Only for former foster youth. Leave blank if not asked."),
    )
    is_student = tri_state_field(_("Student"))
    is_veteran = tri_state_field(_("Veteran"))
    has_disability = tri_state_field(_("Has a disability"))
    is_pregnant = tri_state_field(_("Pregnant"))
    has_internet_at_home = tri_state_field(_("Internet at home"))
    has_working_device = tri_state_field(_("Working computer or smartphone"))
    benefits_received = AnsweredListField(
        label=_("Benefits already received"),
        choices=Benefit.choices,
        help_text=_("Leave all unticked if not asked."),
    )
    needs = AnsweredListField(
        label=_("Needs"),
        choices=Need.choices,
        none_label=_("No needs right now"),
        help_text=_("Leave all unticked if not asked."),
    )
    summary = LimitedTextField(kind="note", label=_("Interview notes"), required=False, rows=4)

    class Meta:
        model = IntakeInterview
        fields = [
            "interview_date",
            "navigator",
            "language",
            "channel",
            "household_size",
            "monthly_gross_income",
            "income_sources",
            "employment_status",
            "housing_status",
            "health_insurance",
            "is_student",
            "is_veteran",
            "has_disability",
            "is_pregnant",
            "has_internet_at_home",
            "has_working_device",
            "children_ages",
            "benefits_received",
            "needs",
            "immigration_status",
            "household_immigration_status",
            "client_monthly_income",
            "is_tax_dependent",
            "hours_worked_per_week",
            "household_has_elderly_or_disabled",
            "expected_babies",
            "is_college_half_time",
            "is_former_foster_youth",
            "foster_care_exit_age",
            "summary",
        ]
        labels = {
            "employment_status": _("Employment"),
            "housing_status": _("Housing"),
            "health_insurance": _("Health insurance"),
            "immigration_status": _("Immigration status"),
            "household_immigration_status": _("Household members' immigration status"),
            "summary": _("Interview notes"),
        }
        help_texts = {
            "immigration_status": _(
                "Optional — only ask if the client wants help that depends on it; never required."
            ),
            "household_immigration_status": _(
                "Optional — never required. Some programs leave out members without a "
                "qualifying status while the rest of the household still qualifies."
            ),
        }

    def __init__(self, *args, client, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The center's navigators, and whoever conducted this interview even if they have left.
        navigators = (
            User.objects.filter(
                Q(
                    memberships__organization_id=client.center_id,
                    memberships__role__in=[Role.NAVIGATOR, Role.ORG_ADMIN],
                )
                | Q(pk=self.instance.navigator_id or 0)
            )
            .distinct()
            .order_by("first_name", "last_name", "id")
        )
        self.fields["navigator"].queryset = navigators
        self.fields["navigator"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["navigator"].empty_label = None
        if not self.instance.pk:
            # The unsaved instance's own defaults (no navigator, English) are not what we want.
            self.initial["navigator"] = user.pk
            self.initial["interview_date"] = timezone.localdate()
            self.initial["language"] = client.preferred_language
        for name in ("employment_status", "housing_status", "health_insurance"):
            self.fields[name].choices = [("", _("Not asked")), *self.fields[name].choices[1:]]
        for name in ("immigration_status", "household_immigration_status"):
            self.fields[name].choices = [("", _("Not asked")), *self.fields[name].choices[1:]]
        if self.instance.pk and self.instance.children_ages == []:
            self.initial["no_children"] = True
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("no_children"):
            if data.get("children_ages"):
                self.add_error(
                    "children_ages",
                    _("You ticked “No children”: leave the ages blank, or untick it."),
                )
            else:
                data["children_ages"] = []
        if data.get("expected_babies") and data.get("is_pregnant") is False:
            self.add_error(
                "expected_babies",
                _("Babies expected is only for a pregnancy: leave it blank, or answer “Pregnant”."),
            )
        if (
            data.get("foster_care_exit_age") is not None
            and data.get("is_former_foster_youth") is False
        ):
            self.add_error(
                "foster_care_exit_age",
                _("The age foster care ended is only for former foster youth: leave it blank."),
            )
        size, ages = data.get("household_size"), data.get("children_ages")
        if size and ages and len(ages) >= size + 1:
            self.add_error(
                "children_ages",
                _("There are more children than people in the household."),
            )
        return data

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "no_children"}

    def grouped(self):
        """[(legend, [bound fields])] for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]


# Consent and notes -------------------------------------------------------------------------


class AgencySearchForm(forms.Form):
    """The consent form's "Find an agency" box: a search, never part of the consent."""

    agency_q = forms.CharField(label=_("Find an agency"), required=False, max_length=100)

    def query(self) -> str:
        return self.cleaned_data["agency_q"] if self.is_valid() else ""


FIND_AGENCIES = "find_agencies"  # the name of the consent form's "Search" button


class ConsentForm(UswdsMixin, forms.Form):
    """Validates ``recipients`` against every active partner agency but draws only the chosen
    ones and the matches of ``agency_query`` (issue 15: a county has 250 agencies)."""

    scopes = forms.MultipleChoiceField(
        label=_("Information the client agrees to share"),
        choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = IdMultipleChoiceField(
        label=_("Agencies it may be shared with"),
        queryset=partner_agencies(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one agency: find it by name, then tick it."),
            "invalid_choice": _(
                "One of the chosen agencies is not an active partner agency, so it cannot "
                "receive the client's information. Find the agency by name and tick it again."
            ),
        },
    )
    method = forms.ChoiceField(
        label=_("How consent was given"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
    )
    given_on = _date_field(_("Given on"), kind="consent_given", required=True)
    expires_on = _date_field(
        _("Expires on"),
        kind="consent_expiry",
        required=False,
        help_text=_("One year after it was given unless you choose another date."),
    )

    def __init__(self, *args, agency_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        recipients = self.fields["recipients"]
        recipients.queryset = partner_agencies()  # what validation accepts: the whole directory
        self.agencies_chosen = partner_agencies_named(self._chosen_ids())
        self.agency_matches = partner_agencies_matching(query=agency_query)
        chosen = {agency.pk for agency in self.agencies_chosen}
        shown = self.agencies_chosen + [
            agency for agency in self.agency_matches.agencies if agency.pk not in chosen
        ]
        # What is drawn (after the queryset, whose setter resets the choices).
        recipients.widget.choices = [(agency.pk, agency.name) for agency in shown]
        self.initial.setdefault("given_on", today)
        self.initial.setdefault("expires_on", today + datetime.timedelta(days=CONSENT_DEFAULT_DAYS))
        self.initial.setdefault("method", ConsentMethod.VERBAL)
        self._style()

    @classmethod
    def kept(cls, data, **kwargs) -> ConsentForm:
        """The form unbound, showing what was entered in ``data``: a search draws it again
        without validating it (no error messages for a consent nobody tried to record)."""
        initial = {}
        for name, field in cls.base_fields.items():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                initial[name] = data.getlist(name)
            elif name in data:
                initial[name] = data.get(name)
        return cls(initial=initial, **kwargs)

    def _chosen_ids(self) -> list:
        if self.is_bound:
            name = self.add_prefix("recipients")
            getlist = getattr(self.data, "getlist", None)
            return getlist(name) if getlist else list(self.data.get(name) or [])
        chosen = self.initial.get("recipients") or []
        return [getattr(agency, "pk", agency) for agency in chosen]

    def agency_status(self) -> str:
        """What the search found, in words (also read out by screen readers)."""
        matches = self.agency_matches
        if not matches.query:
            return ""
        count = len(matches.agencies)
        values = {"count": count, "query": matches.query}
        if not count:
            return (
                _(
                    "No agency matches “%(query)s”. Check the spelling or type a shorter part of "
                    "the name."
                )
                % values
            )
        if matches.more:
            return (
                _(
                    "More than %(count)s agencies match “%(query)s”: the first %(count)s are "
                    "listed. Type more of the name to narrow the list."
                )
                % values
            )
        return (
            ngettext(
                "%(count)s agency matches “%(query)s”.",
                "%(count)s agencies match “%(query)s”.",
                count,
            )
            % values
        )

    def clean(self):
        data = super().clean()
        given, expires = data.get("given_on"), data.get("expires_on")
        problem = consent_expiry_problem(given, expires)
        if problem:
            self.add_error("expires_on", problem)
        return data


class ConsentRevokeForm(UswdsMixin, forms.Form):
    note = LimitedTextField(
        kind="short_note",
        label=_("Why is consent revoked?"),
        required=False,
        rows=2,
        help_text=_("For example: the client asked by phone on this date."),
    )


class NoteForm(UswdsMixin, forms.Form):
    body = LimitedTextField(kind="note", label=_("Note"))


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, date of birth or phone"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "usa-input", "autocomplete": "off"}
        ),
    )
