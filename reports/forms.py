import datetime

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Language, Organization, OrganizationKind
from casework.models.intake import Need
from casework.validation import BoundedDateField
from casework.widgets import NameChoiceField
from referrals.models import Program

from .metrics import ReportFilters
from .periods import whole_period

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 28


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The four whole weeks (Monday to Sunday) ending with the current week."""
    today = today or timezone.localdate()
    return whole_period(today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today)


class ReportFilterForm(forms.Form):
    """The dashboard's period and slices (GET parameters; the CSV export takes the same)."""

    start = BoundedDateField(kind="report", label=_("From"))
    end = BoundedDateField(kind="report", label=_("To"))
    center = NameChoiceField(
        label=_("Community center"),
        queryset=Organization.objects.filter(kind=OrganizationKind.COMMUNITY_CENTER).only(
            "pk", "name"
        ),
        required=False,
        empty_label=_("All centers"),
    )
    agency = NameChoiceField(
        label=_("Agency"),
        queryset=Organization.objects.filter(kind=OrganizationKind.PARTNER_AGENCY).only(
            "pk", "name"
        ),
        required=False,
        empty_label=_("All agencies"),
    )
    program = NameChoiceField(
        label=_("Program"),
        queryset=Program.objects.only("pk", "name").order_by("name", "pk"),
        required=False,
        empty_label=_("All programs"),
    )
    need = forms.ChoiceField(
        label=_("Need"), choices=[("", _("All needs")), *Need.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Client language"),
        choices=[("", _("All languages")), *Language.choices],
        required=False,
    )
    age_band = forms.ChoiceField(
        label=_("Client age"),
        choices=[
            ("", _("All ages")),
            ("16-17", _("16–17")),
            ("18-24", _("18–24 (young adults)")),
            ("25-64", _("25–64")),
            ("65+", _("65 and over")),
        ],
        required=False,
    )
    zip_code = forms.CharField(
        label=_("Client ZIP code"),
        max_length=5,
        required=False,
        validators=[RegexValidator(r"^[0-9]{5}$", _("Enter a 5-digit ZIP code."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault("class", "usa-select" if is_select else "usa-input")

    @classmethod
    def from_query(cls, query) -> "ReportFilterForm":
        """Bound to the query string, with the default period filling what is missing."""
        start, end = default_period()
        data = {"start": start.isoformat(), "end": end.isoformat()}
        data.update({k: v for k, v in query.items() if v != ""})
        return cls(data)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days + 1 > MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}
                )
            # Disclosure control (docs/metrics.md): whole weeks or whole months only.
            cleaned["start"], cleaned["end"] = whole_period(start, end)
        return cleaned

    def to_filters(self) -> ReportFilters:
        c = self.cleaned_data
        return ReportFilters(
            start=c["start"],
            end=c["end"],
            center_id=c["center"].pk if c.get("center") else None,
            agency_id=c["agency"].pk if c.get("agency") else None,
            program_id=c["program"].pk if c.get("program") else None,
            need=c.get("need") or "",
            language=c.get("language") or "",
            zip_code=c.get("zip_code") or "",
            age_band=c.get("age_band") or "",
        )

    def labels(self) -> list[tuple[str, str]]:
        """The active slices as (label, value), without any extra query."""
        out = []
        for name in ("center", "agency", "program"):
            if self.cleaned_data.get(name):
                out.append((str(self.fields[name].label), self.cleaned_data[name].name))
        for name in ("need", "language", "age_band"):
            value = self.cleaned_data.get(name)
            if value:
                out.append(
                    (str(self.fields[name].label), str(dict(self.fields[name].choices)[value]))
                )
        if self.cleaned_data.get("zip_code"):
            out.append((str(self.fields["zip_code"].label), self.cleaned_data["zip_code"]))
        return out


class ReportRunForm(forms.Form):
    week = BoundedDateField(
        kind="report",
        label=_("Week"),
        help_text=_("Any day of the week to report on (Monday to Sunday)."),
    )
