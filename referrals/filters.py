import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.widgets import NameChoiceField

from .access import REFERENCE_CODE_MAX
from .models import Program, Referral, ReferralStatus, Urgency


class NameModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of rows by their name, read as (id, name) values and drawn by ``FastSelect``
    (``casework.widgets.NameChoiceField``), not one model instance per option."""

    field_class = NameChoiceField


class InboxFilter(django_filters.FilterSet):
    """Filters of the partner inbox; the programs offered are the user's agencies' own."""

    q = django_filters.CharFilter(label=_("Reference code"), max_length=REFERENCE_CODE_MAX)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReferralStatus.choices, empty_label=_("Any status")
    )
    program = NameModelChoiceFilter(
        label=_("Program"), queryset=Program.objects.none(), empty_label=_("Any program")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"), choices=Urgency.choices, empty_label=_("Any urgency")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("true", _("Overdue only")), ("false", _("Not overdue"))],
        empty_label=_("Any"),
    )

    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"),
        choices=[("me", _("Assigned to me")), ("nobody", _("Not assigned"))],
        empty_label=_("Anyone"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
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

    def condition(self) -> Q:
        """The chosen filters as one condition, so the inbox can count the matching referrals
        in the same aggregate as its status counts (``qs`` applies the same condition)."""
        if not self.is_bound:
            return Q()
        self.form.is_valid()  # an invalid field is left out of cleaned_data, as django-filter does
        data = self.form.cleaned_data
        condition = Q()
        if data.get("q"):
            value = data["q"].strip().upper()
            condition &= Q(reference_code=value) | Q(reference_code=f"CB-{value}")
        for name in ("status", "program", "urgency"):
            if data.get(name):
                condition &= Q(**{name: data[name]})
        if data.get("overdue") == "true":
            condition &= Q(status=ReferralStatus.REQUESTED, overdue_at__isnull=False)
        elif data.get("overdue") == "false":
            condition &= Q(overdue_at__isnull=True)
        if data.get("assigned") == "me":
            condition &= Q(assigned_to=self.request.user)
        elif data.get("assigned") == "nobody":
            condition &= Q(assigned_to__isnull=True)
        return condition

    def filter_queryset(self, queryset):
        queryset = queryset.filter(self.condition())
        if self.form.cleaned_data.get("sort") == "newest":
            queryset = queryset.order_by("-created_at", "-id")
        return queryset
