"""Query filters of the REST lists (documented in the OpenAPI schema by drf-spectacular)."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from casework.models import Client
from casework.models.clients import normalize_name
from casework.models.intake import Need
from casework.validation import ROW_ID_MAX
from referrals.models import Program, Referral, ReferralStatus, Urgency


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number from 1 to the largest id a database holds. A bigger or
    fractional value is a clear 400, not a database error (SQLite cannot even bind it)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ROW_ID_MAX)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, turned to UTC here: the database refuses offsets beyond ±15:59
    (a 500 before), and a value that cannot be expressed in UTC is a clear 400."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(datetime.UTC)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(_("Enter a valid date and time."), code="invalid") from exc


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReferralStatus.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    need = django_filters.ChoiceFilter(field_name="need_category", choices=Need.choices)
    program = IdFilter(field_name="program_id")
    agency = IdFilter(field_name="agency_id")
    sending_center = IdFilter(field_name="sending_center_id")
    client = IdFilter(field_name="client_id")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    reference_code = django_filters.CharFilter(method="filter_reference")
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    changed_since = UtcIsoDateTimeFilter(
        field_name="status_changed_at",
        lookup_expr="gte",
        label=_("Status changed since (for polling)"),
    )

    class Meta:
        model = Referral
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=ReferralStatus.REQUESTED, overdue_at__isnull=False)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_reference(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(Q(reference_code=value) | Q(reference_code=f"CB-{value}"))


class ProgramFilter(django_filters.FilterSet):
    need = django_filters.ChoiceFilter(method="filter_need", choices=Need.choices)
    agency = IdFilter(field_name="agency_id")
    active = django_filters.BooleanFilter(field_name="is_active")
    q = django_filters.CharFilter(method="filter_q", label=_("Name contains"))

    class Meta:
        model = Program
        fields: list[str] = []

    def filter_need(self, queryset, name, value):
        if connection.vendor == "postgresql":
            return queryset.filter(need_categories__contains=[value])
        # SQLite (the embedded install) has no JSON containment: a text match on the quoted
        # value, as the navigator's directory does (the value is one of the Need choices).
        return queryset.filter(need_categories__icontains=f'"{value}"')

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=value.strip())


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name contains"))
    zip_code = django_filters.CharFilter()
    updated_since = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Client
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_name__contains=normalize_name(value))
