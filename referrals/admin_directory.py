"""Admin for the program directory and eligibility rules (imported by referrals/admin.py).

Administrators add programs and rules here without a deploy. Criteria are validated against
the fact catalogue (referrals.eligibility.catalogue) by the model's clean(), which this admin
runs, so an unknown fact or a malformed value is refused with a message saying what to write.
"""

import datetime
import json

from django import forms
from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from casework.admin import ServiceAdminMixin
from casework.models.choices import LANGUAGE_AUTONYMS

from .eligibility.catalogue import FACTS, OPERATORS_FOR_KIND
from .models import (
    Criterion,
    DirectoryPublishing,
    Location,
    PovertyGuideline,
    Program,
    RuleSet,
    ServiceAtLocation,
)
from .models.directory import DIRECTORY_LANGUAGES
from .services import (
    criterion_delete,
    criterion_save,
    directory_publishing_set,
    location_delete,
    location_save,
    poverty_guideline_delete,
    poverty_guideline_save,
    program_delete,
    program_save,
    rule_set_delete,
    rule_set_save,
    service_at_location_delete,
    service_at_location_save,
)


def _translation_field_name(language: str, field: str) -> str:
    return f"translation_{language}_{field}"


class TranslationsForm(forms.ModelForm):
    """One plain field per language and translated field ("what to bring (Tiếng Việt)"),
    stored in the model's ``translations`` column; an empty field means English is shown.
    Subclass per model with ``translations_form(Model)`` (the fields must be declared)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.translations or {}
        for language in DIRECTORY_LANGUAGES:
            for field in self._meta.model.TRANSLATED_FIELDS:
                name = _translation_field_name(language, field)
                if name in self.fields:
                    self.fields[name].initial = (stored.get(language) or {}).get(field, "")

    def clean(self):
        cleaned = super().clean()
        translations = {}
        for language in DIRECTORY_LANGUAGES:
            texts = {}
            for field in self._meta.model.TRANSLATED_FIELDS:
                text = (cleaned.get(_translation_field_name(language, field)) or "").strip()
                if text:
                    texts[field] = text
            if texts:
                translations[language] = texts
        self.instance.translations = translations
        return cleaned


def translations_form(model) -> type[TranslationsForm]:
    declared = {}
    for language in DIRECTORY_LANGUAGES:
        for field in model.TRANSLATED_FIELDS:
            model_field = model._meta.get_field(field)
            attrs = {"lang": language}
            declared[_translation_field_name(language, field)] = forms.CharField(
                label=format_lazy("{} ({})", model_field.verbose_name, LANGUAGE_AUTONYMS[language]),
                required=False,
                max_length=model_field.max_length,
                widget=forms.Textarea(attrs={**attrs, "rows": 3})
                if isinstance(model_field, models.TextField)
                else forms.TextInput(attrs={**attrs, "class": "vTextField"}),
            )
    meta = type("Meta", (), {"model": model, "exclude": ["translations"]})
    return type(
        f"{model.__name__}TranslationsForm", (TranslationsForm,), {**declared, "Meta": meta}
    )


def save_inline_through(formset, *, save, delete) -> None:
    """An inline's deleted, added and changed rows, each through ``delete(obj)`` or
    ``save(obj)`` (services bound to the admin user); deletions first, so a row removed and
    added again in one submit does not collide with itself."""
    formset.save(commit=False)  # sets the parent on new rows, saves nothing
    for obj in formset.deleted_objects:
        delete(obj)
    changed = [obj for obj, _fields in formset.changed_objects]
    for obj in [*formset.new_objects, *changed]:
        save(obj)


def translation_fieldsets(model) -> tuple:
    """One collapsed fieldset per language, named in that language."""
    return tuple(
        (
            LANGUAGE_AUTONYMS[language],
            {
                "fields": [_translation_field_name(language, f) for f in model.TRANSLATED_FIELDS],
                "classes": ["collapse"],
            },
        )
        for language in DIRECTORY_LANGUAGES
    )


class VerifiedFilter(admin.SimpleListFilter):
    title = _("last verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("never", _("Never")),
            ("over_year", _("More than a year ago")),
            ("over_6_months", _("More than 6 months ago")),
            ("recent", _("In the last 6 months")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        half_year = today - datetime.timedelta(days=183)
        year = today - datetime.timedelta(days=365)
        if self.value() == "never":
            return queryset.filter(last_verified_on__isnull=True)
        if self.value() == "over_year":
            return queryset.filter(last_verified_on__lt=year)
        if self.value() == "over_6_months":
            return queryset.filter(last_verified_on__lt=half_year)
        if self.value() == "recent":
            return queryset.filter(last_verified_on__gte=half_year)
        return queryset


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ["location"]
    exclude = ["hsds_id"]


@admin.register(Program)
class ProgramAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """Saves and deletes through ``program_save``/``program_delete``: a program moved to
    another agency takes its open referrals, and the access to them, along at once."""

    form = translations_form(Program)
    list_display = (
        "name",
        "agency",
        "capacity_status",
        "last_verified_on",
        "is_active",
        "is_demo",
    )
    list_filter = (VerifiedFilter, "capacity_status", "is_active", "is_demo", "agency")
    list_select_related = ("agency",)
    search_fields = ("name", "agency__name", "description")
    ordering = ("name",)
    date_hierarchy = "last_verified_on"
    readonly_fields = ("hsds_id",)
    inlines = [ServiceAtLocationInline]
    fieldsets = (
        (None, {"fields": ("agency", "name", "description", "need_categories", "languages")}),
        (_("Service code"), {"fields": ("service_code", "service_code_display")}),
        (
            _("Service area"),
            {"fields": ("service_area_zips", "service_area_county", "service_areas_other")},
        ),
        (
            _("Eligibility as published"),
            {"fields": ("eligibility_description", "minimum_age", "maximum_age")},
        ),
        (
            _("Contact"),
            {"fields": ("contact_name", "contact_phone", "contact_email", "website")},
        ),
        (
            _("Access"),
            {
                "fields": (
                    "required_documents",
                    "cost",
                    "cost_options",
                    "schedules",
                    "capacity_status",
                    "last_verified_on",
                    "is_active",
                    "is_demo",
                    "hsds_id",
                )
            },
        ),
        *translation_fieldsets(Program),
    )

    def service_save(self, request, obj, form, change):
        return program_save(actor=request.user, program=obj)

    def service_delete(self, request, obj):
        program_delete(actor=request.user, program=obj)

    def save_formset(self, request, form, formset, change):
        """The program's locations, each link through the service-at-location services."""
        actor = request.user
        save_inline_through(
            formset,
            save=lambda link: service_at_location_save(actor=actor, link=link),
            delete=lambda link: service_at_location_delete(actor=actor, link=link),
        )


@admin.register(Location)
class LocationAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "agency", "postal_code")
    list_select_related = ("agency",)
    search_fields = ("name", "address_1", "postal_code", "agency__name")
    list_filter = ("agency",)
    readonly_fields = ("hsds_id",)
    form = translations_form(Location)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "agency",
                    "name",
                    ("address_1", "address_2"),
                    ("city", "state_province", "postal_code"),
                    "hours",
                    "directions",
                    ("latitude", "longitude"),
                    "hsds_id",
                )
            },
        ),
        *translation_fieldsets(Location),
    )

    def service_save(self, request, obj, form, change):
        return location_save(actor=request.user, location=obj)

    def service_delete(self, request, obj):
        location_delete(actor=request.user, location=obj)


class JSONValueField(forms.CharField):
    """JSON, or bare text taken as a string (so ``rents`` works as well as ``"rents"``)."""

    def prepare_value(self, value):
        if isinstance(value, str) and value and not _is_json(value):
            return value
        return json.dumps(value, ensure_ascii=False) if value is not None else ""

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _fact_help() -> str:
    return "; ".join(
        f"{name} ({', '.join(sorted(OPERATORS_FOR_KIND[spec.kind]))})"
        for name, spec in FACTS.items()
    )


class CriterionForm(forms.ModelForm):
    value = JSONValueField(
        label=_("value"),
        help_text=_('200 · true · rents · ["rents", "shelter"] · [16, 24]'),
        required=True,
    )

    class Meta:
        model = Criterion
        fields = (
            "position",
            "any_of_group",
            "fact",
            "operator",
            "value",
            "guideline_year",
            "if_not_met",
            "notice",
            "explanation",
            "citation",
        )
        widgets = {
            "explanation": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "citation": forms.TextInput(attrs={"size": 40}),
            "value": forms.TextInput(attrs={"size": 16}),
        }


class CriterionFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Let Criterion.clean read the rule set's guideline year, also while adding one.
        form.instance.rule_set = self.instance
        return form


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CriterionForm
    formset = CriterionFormSet
    extra = 1


@admin.register(RuleSet)
class RuleSetAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """The rule set and its criteria through their services, in the change form's one
    transaction: a criterion the catalogue refuses leaves the rule set unsaved too."""

    list_display = (
        "program",
        "version",
        "effective_from",
        "effective_to",
        "guideline_year",
        "is_draft",
        "criteria_count",
    )
    list_filter = ("is_draft", "guideline_year", "program__agency")
    list_select_related = ("program",)
    search_fields = ("program__name",)
    autocomplete_fields = ["program"]
    inlines = [CriterionInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(criteria_total=Count("criteria"))

    @admin.display(description=_("criteria"), ordering="criteria_total")
    def criteria_count(self, obj):
        return obj.criteria_total

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.base_fields["notes"].help_text = _("Facts and their operators: %(facts)s") % {
            "facts": _fact_help()
        }
        return form

    def service_save(self, request, obj, form, change):
        return rule_set_save(actor=request.user, rule_set=obj)

    def service_delete(self, request, obj):
        rule_set_delete(actor=request.user, rule_set=obj)

    def save_formset(self, request, form, formset, change):
        """Criteria added, changed and deleted in the inline, each through its service."""
        actor = request.user
        save_inline_through(
            formset,
            save=lambda criterion: criterion_save(actor=actor, criterion=criterion),
            delete=lambda criterion: criterion_delete(actor=actor, criterion=criterion),
        )


@admin.register(PovertyGuideline)
class PovertyGuidelineAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "household_size", "annual_amount", "source")
    list_filter = ("year",)
    ordering = ("-year", "household_size")

    def service_save(self, request, obj, form, change):
        return poverty_guideline_save(actor=request.user, guideline=obj)

    def service_delete(self, request, obj):
        poverty_guideline_delete(actor=request.user, guideline=obj)


@admin.register(DirectoryPublishing)
class DirectoryPublishingAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """One row (pk 1): whether the HSDS read API at /hsds/ is open without signing in."""

    list_display = ("__str__", "hsds_api_public")

    def has_add_permission(self, request):
        return not DirectoryPublishing.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form, change):
        return directory_publishing_set(
            actor=request.user, hsds_api_public=form.cleaned_data["hsds_api_public"]
        )
