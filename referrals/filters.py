import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .access import REFERENCE_CODE_MAX
from .models import Program, Referral, ReferralStatus, Urgency


class InboxFilter(django_filters.FilterSet):
    """Filters of the partner inbox; the programs offered are the user's agencies' own."""

    q = django_filters.CharFilter(
        label=_("Reference code"), method="filter_reference", max_length=REFERENCE_CODE_MAX
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReferralStatus.choices, empty_label=_("Any status")
    )
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=Program.objects.none(), empty_label=_("Any program")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"), choices=Urgency.choices, empty_label=_("Any urgency")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        method="filter_overdue",
        choices=[("true", _("Overdue only")), ("false", _("Not overdue"))],
        empty_label=_("Any"),
    )

    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"),
        method="filter_assigned",
        choices=[("me", _("Assigned to me")), ("nobody", _("Not assigned"))],
        empty_label=_("Anyone"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        method="filter_sort",
        choices=[("newest", _("Newest first"))],
        empty_label=_("Needs attention first"),
    )

    class Meta:
        model = Referral
        fields = ["q", "status", "program", "urgency", "overdue", "assigned", "sort"]

    def __init__(self, *args, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programs is not None:
            self.filters["program"].queryset = programs
        from .forms import uswds_classes

        uswds_classes(self.form.fields)

    def filter_reference(self, queryset, name, value):
        value = value.strip().upper()
        return queryset.filter(Q(reference_code=value) | Q(reference_code=f"CB-{value}"))

    def filter_overdue(self, queryset, name, value):
        if value == "true":
            return queryset.filter(status=ReferralStatus.REQUESTED, overdue_at__isnull=False)
        if value == "false":
            return queryset.filter(overdue_at__isnull=True)
        return queryset

    def filter_assigned(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assigned_to=self.request.user)
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset

    def filter_sort(self, queryset, name, value):
        if value == "newest":
            return queryset.order_by("-created_at", "-id")
        return queryset
