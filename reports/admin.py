from django.contrib import admin

from .models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    """Read-only: runs are requested from the reports page or the schedule and move on only
    through reports.services."""

    list_display = ("week_start", "kind", "state", "requested_by", "requested_at", "finished_at")
    list_filter = ("state", "kind")
    date_hierarchy = "week_start"
    readonly_fields = (
        "kind",
        "week_start",
        "state",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "attempts",
        "error",
        "pdf_file",
        "csv_file",
        "managers_notified_at",
    )

    def has_add_permission(self, request):
        return False  # runs are requested from the reports page or the schedule

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
