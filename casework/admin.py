"""Django admin for administrators: organizations, people, clients, consents, the access log.

Changes made here are recorded with the admin user (SimpleHistoryAdmin). The access log is
read-only: no one adds, changes or deletes its rows, not even a superuser.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AccessLogEntry,
    Client,
    Consent,
    HouseholdMember,
    Membership,
    Organization,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


class OrganizationMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name_plural = _("people")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "zip_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganizationMembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organization__name"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Casebridge"), {"fields": ("language", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Casebridge"), {"fields": ("first_name", "last_name", "email", "language")}),
    )
    list_display = ["username", "first_name", "last_name", "email", "language", "is_active"]
    list_filter = [*BaseUserAdmin.list_filter, "language"]
    inlines = [MembershipInline]


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

    def save_model(self, request, obj, form, change):
        # A client created here still needs its creator; grants follow the services' rules.
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            from .access import grant_client_to_center

            grant_client_to_center(client=obj, center=obj.center)


@admin.register(Consent)
class ConsentAdmin(SimpleHistoryAdmin):
    list_display = ["client", "method", "given_on", "expires_on", "revoked_at"]
    list_filter = ["method"]
    search_fields = ["client__search_name"]
    list_select_related = ["client"]
    filter_horizontal = ["recipients"]
    readonly_fields = ["recorded_by", "recorded_at", "revoked_at", "revoked_by"]
    raw_id_fields = ["client"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


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
