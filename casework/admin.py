"""Django admin for administrators: organizations, people, clients, consents, the access log.

Every save and delete here goes through casework.services with the admin user as actor, so
the grants follow in the same transaction and the history records who did it (organizations,
memberships, clients, consents, two-factor devices). ``ServiceAdminMixin`` is the shared shape:
a model admin names its services and the admin's save, delete and bulk delete call them.

The access log is read-only: no one adds, changes or deletes its rows, not even a superuser.
Reading a client's or consent's change page is logged like any other read.
"""

import copy
import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .audit import access_log_append
from .models import (
    AccessLogEntry,
    Client,
    Consent,
    HouseholdMember,
    Membership,
    Organization,
    TOTPDevice,
    User,
)
from .two_factor import totp_device_remove


class ServiceAdminMixin:
    """Admin saves and deletes through services, with the admin user as actor.

    A subclass defines ``service_save(request, obj, form, change)`` (returns the saved object)
    and, if it allows deletion, ``service_delete(request, obj)``. Django's own
    ``obj.save()``/``obj.delete()`` are never called, so nothing bypasses the grants or the
    history, and the bulk "delete selected" action goes through the service one row at a time.
    """

    def save_model(self, request, obj, form, change):
        saved = self.service_save(request, obj, form, change)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.service_delete(request, obj)

    def service_save(self, request, obj, form, change):
        raise NotImplementedError

    def service_delete(self, request, obj):
        raise NotImplementedError

    @staticmethod
    def changed_fields(form, model) -> dict:
        """The form's changed values of ``model``'s own columns (what the service updates)."""
        columns = {f.name for f in model._meta.concrete_fields}
        return {name: form.cleaned_data[name] for name in form.changed_data if name in columns}

    @staticmethod
    def form_fields(form, model) -> dict:
        """Every value of ``model``'s own columns in the form (for a create)."""
        columns = {f.name for f in model._meta.concrete_fields}
        return {name: value for name, value in form.cleaned_data.items() if name in columns}


def _save_memberships(request, formset) -> None:
    """A membership inline's changes, each through the membership services."""
    instances = formset.save(commit=False)
    for membership in formset.deleted_objects:
        services.membership_end(membership=membership, actor=request.user)
    for membership in instances:
        if membership.pk:
            fields = {
                "user": membership.user,
                "organization": membership.organization,
                "role": membership.role,
            }
            services.membership_update(actor=request.user, membership=membership, **fields)
        else:
            services.membership_create(
                actor=request.user,
                user=membership.user,
                organization=membership.organization,
                role=membership.role,
            )


class MembershipFormsetMixin:
    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            _save_memberships(request, formset)
        else:
            super().save_formset(request, form, formset, change)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


class OrganizationMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name_plural = _("people")


class OrganizationAdminForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "slug",
            "kind",
            "email",
            "phone",
            "website",
            "address",
            "zip_code",
            "description",
            "is_active",
            "answer_channel",
        ]

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        problem = services.organization_kind_problem(organization=self.instance, kind=kind)
        if problem:
            raise forms.ValidationError(problem)
        return kind


@admin.register(Organization)
class OrganizationAdmin(ServiceAdminMixin, MembershipFormsetMixin, SimpleHistoryAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "kind", "zip_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganizationMembershipInline]

    def service_save(self, request, obj, form, change):
        if change:
            fields = self.changed_fields(form, Organization)
            return services.organization_update(actor=request.user, organization=obj, **fields)
        return services.organization_create(
            actor=request.user, **self.form_fields(form, Organization)
        )

    def service_delete(self, request, obj):
        services.organization_delete(actor=request.user, organization=obj)


@admin.register(Membership)
class MembershipAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organization__name"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]

    def service_save(self, request, obj, form, change):
        if change:
            fields = self.changed_fields(form, Membership)
            return services.membership_update(actor=request.user, membership=obj, **fields)
        return services.membership_create(
            actor=request.user, user=obj.user, organization=obj.organization, role=obj.role
        )

    def service_delete(self, request, obj):
        services.membership_end(membership=obj, actor=request.user)


# Organization groups are managed through memberships only, never edited by hand (nor listed:
# the groups admin is unregistered below).
_USER_FIELDSETS = tuple(
    (name, {**options, "fields": tuple(f for f in options["fields"] if f != "groups")})
    for name, options in BaseUserAdmin.fieldsets
)


class UserPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form, saved by ``user_change_password`` with the admin as actor."""

    def __init__(self, user, *args, actor=None, **kwargs):
        self.actor = actor
        super().__init__(user, *args, **kwargs)

    def save(self, commit=True):
        data = self.cleaned_data
        password = data["password1"] if data["set_usable_password"] else None
        return services.user_change_password(actor=self.actor, user=self.user, password=password)


@admin.register(User)
class UserAdmin(ServiceAdminMixin, MembershipFormsetMixin, SimpleHistoryAdmin, BaseUserAdmin):
    """Accounts through ``user_create``/``user_update``/``user_change_password``/``user_delete``
    with the admin as actor (history without the password hash); memberships through the
    membership services."""

    fieldsets = (
        *_USER_FIELDSETS,
        (_("Casebridge"), {"fields": ("language", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Casebridge"), {"fields": ("first_name", "last_name", "email", "language")}),
    )
    list_display = ["username", "first_name", "last_name", "email", "language", "is_active"]
    list_filter = [*BaseUserAdmin.list_filter, "language"]
    inlines = [MembershipInline]

    def save_form(self, request, form, change):
        # The creation form's save would hash the password here; user_create does it.
        return form.instance if not change else super().save_form(request, form, change)

    def service_save(self, request, obj, form, change):
        if change:
            fields = self.changed_fields(form, User)
            if "user_permissions" in form.changed_data:
                fields["user_permissions"] = form.cleaned_data["user_permissions"]
            return services.user_update(actor=request.user, user=obj, **fields)
        data = form.cleaned_data
        fields = self.form_fields(form, User)
        fields.pop("username")
        return services.user_create(
            actor=request.user,
            username=data["username"],
            password=data["password1"] if data["set_usable_password"] else None,
            **fields,
        )

    def service_delete(self, request, obj):
        services.user_delete(actor=request.user, user=obj)

    def save_related(self, request, form, formsets, change):
        # Permissions were set by user_update (with history); only the memberships are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request, id, form_url=""):
        # BaseUserAdmin builds the form as self.change_password_form(user, data): a copy of
        # this admin for the one request gives the form its actor.
        for_request = copy.copy(self)
        for_request.change_password_form = functools.partial(
            UserPasswordChangeForm, actor=request.user
        )
        return BaseUserAdmin.user_change_password(for_request, request, id, form_url)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


@admin.register(Client)
class ClientAdmin(SimpleHistoryAdmin):
    list_display = ["legal_last_name", "legal_first_name", "date_of_birth", "center", "created_at"]
    list_filter = ["center", "preferred_language"]
    search_fields = ["search_name", "phone", "email"]
    list_select_related = ["center"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [HouseholdMemberInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 0) == 200:
            log_admin_read(request, "client", object_id, object_id)
        return response

    def has_delete_permission(self, request, obj=None):
        # A client's record, history and access log are kept; nothing deletes a client here.
        return False

    def save_formset(self, request, form, formset, change):
        """Household members through the household services (history with the admin)."""
        if formset.model is not HouseholdMember:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for member in formset.deleted_objects:
            services.household_member_remove(actor=request.user, member=member)
        for member_form in formset.forms:
            member = member_form.instance
            if member_form in formset.deleted_forms or not member_form.has_changed():
                continue
            if member.pk is None or member_form in formset.extra_forms:
                fields = ServiceAdminMixin.form_fields(member_form, HouseholdMember)
                fields.pop("client", None)
                fields.pop("id", None)
                services.household_member_add(actor=request.user, client=form.instance, **fields)
            else:
                fields = ServiceAdminMixin.changed_fields(member_form, HouseholdMember)
                services.household_member_update(actor=request.user, member=member, **fields)

    def save_model(self, request, obj, form, change):
        # Through the services: a new client is granted to its center, a moved one moves.
        fields = ServiceAdminMixin.changed_fields(form, Client)
        if change:
            services.client_update(actor=request.user, client=obj, **fields)
        else:
            fields.pop("center", None)
            saved = services.client_create(actor=request.user, center=obj.center, **fields)
            obj.pk = saved.pk
            obj.created_by = saved.created_by
        obj.refresh_from_db()


class ConsentAdminForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = [
            "client",
            "scopes",
            "recipients",
            "method",
            "given_on",
            "expires_on",
            "revocation_note",
        ]

    def clean(self):
        data = super().clean()
        if all(data.get(k) is not None for k in ("scopes", "recipients", "given_on")):
            expires_on = data.get("expires_on") or data["given_on"]
            errors = services.consent_errors(
                data["scopes"], list(data["recipients"]), data["given_on"], expires_on
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return data


@admin.register(Consent)
class ConsentAdmin(SimpleHistoryAdmin):
    form = ConsentAdminForm
    list_display = ["client", "method", "given_on", "expires_on", "revoked_at"]
    list_filter = ["method"]
    search_fields = ["client__search_name"]
    list_select_related = ["client"]
    filter_horizontal = ["recipients"]
    readonly_fields = [
        "recorded_by",
        "recorded_at",
        "revoked_at",
        "revoked_by",
        "revocation_note",
    ]
    raw_id_fields = ["client"]
    actions = ["revoke"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 0) == 200:
            consent = Consent.objects.filter(pk=object_id).values_list("client_id", flat=True)
            log_admin_read(request, "consent", object_id, consent.first())
        return response

    def save_model(self, request, obj, form, change):
        """Through the services: recipients, scopes and dates take effect on the agencies'
        access (and packets) in this transaction."""
        data = form.cleaned_data
        if change:
            services.consent_update(
                actor=request.user,
                consent=obj,
                scopes=data["scopes"],
                recipients=data["recipients"],
                method=data["method"],
                given_on=data["given_on"],
                expires_on=data["expires_on"],
            )
        else:
            saved = services.consent_record(
                actor=request.user,
                client=data["client"],
                scopes=data["scopes"],
                recipients=data["recipients"],
                method=data["method"],
                given_on=data["given_on"],
                expires_on=data["expires_on"],
            )
            obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # Recipients were set by the service (with history); only inlines are left to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False  # a consent is revoked, never deleted (its referrals refer to it)

    @admin.action(description=_("Revoke the selected consents"))
    def revoke(self, request, queryset):
        revoked = 0
        for consent in queryset.filter(revoked_at__isnull=True):
            services.consent_revoke(actor=request.user, consent=consent)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(n)d consent revoked.", "%(n)d consents revoked.", revoked) % {"n": revoked},
            messages.SUCCESS,
        )


class TOTPDeviceAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """Two-factor devices: listed and removable (a lost phone), never shown or edited.

    The secret key is not displayed anywhere, not even to a superuser, and there is no QR-code
    view: whoever saw it could sign in as the owner. Devices are added only by their owner
    (Account › Two-factor sign-in). Removal goes through ``totp_device_remove``, so the
    history names the administrator who removed whose device. Replaces django-otp's admin.
    """

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def service_delete(self, request, obj):
        totp_device_remove(device=obj, actor=request.user)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)  # django-otp's own admin shows the secret key
admin.site.register(TOTPDevice, TOTPDeviceAdmin)


def log_admin_read(request, object_type: str, object_id, client_id) -> None:
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        return
    access_log_append(
        user=request.user,
        organization=None,
        object_type=object_type,
        object_id=object_id,
        client_id=int(client_id) if client_id is not None else None,
    )


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ["at", "user", "organization", "action", "object_type", "object_id", "client_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["=client_id", "=object_id", "user__username", "request_id"]
    list_select_related = ["user", "organization"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
