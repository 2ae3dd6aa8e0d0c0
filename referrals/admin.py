from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from casework.admin import log_admin_read

from .models import Referral, ReferralEvent


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "actor", "actor_organization", "code", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    """Read-only: referrals change only through referrals.services, and are never deleted."""

    list_display = ("reference_code", "program", "agency", "sending_center", "status", "created_at")
    list_filter = ("status", "urgency")
    search_fields = ("reference_code",)
    list_select_related = ("program", "agency", "sending_center")
    inlines = [ReferralEventInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 0) == 200:
            client_id = Referral.objects.filter(pk=object_id).values_list("client_id", flat=True)
            log_admin_read(request, "referral", object_id, client_id.first())
        return response

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Referral._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # shown, never saved here (a save would be a write outside the services)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


# Program directory, eligibility rules and poverty guidelines.
from . import admin_directory  # noqa: E402, F401
