"""Filters of the navigator's pages: the program directory and the referral worklist."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models import Language, Organization
from casework.models.intake import Need

from .models import CapacityStatus, Program, Referral, ReferralStatus


class ProgramDirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search programs"), method="filter_text")
    need = django_filters.ChoiceFilter(
        label=_("Need"), choices=Need.choices, method="filter_need", empty_label=_("Any need")
    )
    language = django_filters.ChoiceFilter(
        label=_("Language spoken"),
        choices=Language.choices,
        method="filter_language",
        empty_label=_("Any language"),
    )
    zip_code = django_filters.CharFilter(label=_("ZIP code served"), method="filter_zip")
    open = django_filters.ChoiceFilter(
        label=_("Taking referrals"),
        choices=[("open", _("Open to new referrals")), ("closed", _("Closed"))],
        method="filter_open",
        empty_label=_("Open or closed"),
    )

    class Meta:
        model = Program
        fields = ["q", "need", "language", "zip_code", "open"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .forms import uswds_classes

        uswds_classes(self.form.fields)

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(agency__name__icontains=value)
        )

    def filter_need(self, queryset, name, value):
        # JSON lists: a text match on the quoted value works on PostgreSQL and SQLite alike.
        return queryset.filter(need_categories__icontains=f'"{value}"')

    def filter_language(self, queryset, name, value):
        return queryset.filter(languages__icontains=f'"{value}"')

    def filter_zip(self, queryset, name, value):
        digits = "".join(ch for ch in value if ch.isdigit())[:5]
        if not digits:
            return queryset
        # Served there: the ZIP is in the program's list, or the program has no ZIP limit.
        return queryset.filter(
            Q(service_area_zips__icontains=f'"{digits}') | Q(service_area_zips=[])
        )

    def filter_open(self, queryset, name, value):
        if value == "open":
            return queryset.exclude(capacity_status=CapacityStatus.CLOSED)
        if value == "closed":
            return queryset.filter(capacity_status=CapacityStatus.CLOSED)
        return queryset


class WorklistFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReferralStatus.choices, empty_label=_("Any status")
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Organization.objects.none(), empty_label=_("Any agency")
    )
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=Program.objects.none(), empty_label=_("Any program")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    mine = django_filters.BooleanFilter(
        label=_("Sent by me"), method="filter_mine", widget=forms.CheckboxInput
    )
    sent_after = django_filters.DateFilter(
        label=_("Sent on or after"), field_name="created_at", lookup_expr="date__gte"
    )
    sent_before = django_filters.DateFilter(
        label=_("Sent on or before"), field_name="created_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Referral
        fields = ["status", "agency", "program", "overdue", "mine", "sent_after", "sent_before"]

    def __init__(self, *args, agencies=None, programs=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if agencies is not None:
            self.filters["agency"].queryset = agencies
        if programs is not None:
            self.filters["program"].queryset = programs
        self.filters["program"].field.label_from_instance = lambda p: f"{p.name} — {p.agency.name}"
        for name in ("sent_after", "sent_before"):
            self.form.fields[name].widget.input_type = "date"
        from .forms import uswds_classes

        uswds_classes({k: f for k, f in self.form.fields.items() if k not in ("overdue", "mine")})
        for name in ("overdue", "mine"):
            self.form.fields[name].widget.attrs["class"] = "usa-checkbox__input"

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(status=ReferralStatus.REQUESTED, overdue_at__isnull=False)
        return queryset

    def filter_mine(self, queryset, name, value):
        if value and self.user is not None:
            return queryset.filter(sent_by=self.user)
        return queryset
