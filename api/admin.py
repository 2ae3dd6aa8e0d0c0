"""Admin: API tokens (created and revoked through the services; the plaintext is shown once),
webhook subscriptions and their read-only delivery log with response codes."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, WebhookDelivery, WebhookSubscription
from .services import (
    api_token_create,
    api_token_revoke,
    webhook_events_clean,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
    webhook_url_clean,
)


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        if self.instance.pk is None and expires_at is not None and expires_at <= timezone.now():
            raise ValidationError(_("The expiry date must be in the future."))
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    form = ApiTokenForm
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a token's owner and name do not change; revoke and create anew
            return [*self.readonly_fields, "user", "name", "expires_at"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = api_token_create(
            actor=request.user,
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data.get("expires_at"),
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _("Token for %(user)s: %(token)s — copy it now, it will not be shown again.")
            % {"user": token.user, "token": raw},
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the history keeps who revoked it

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.select_related("user"):
            api_token_revoke(actor=request.user, token=token)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
        )


class WebhookSubscriptionForm(forms.ModelForm):
    """Checks the URL and events as the service will, so bad input is a form error."""

    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ["organization", "url", "description", "events", "is_active"]

    def _field(self, name, clean):
        try:
            return clean(self.cleaned_data.get(name))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict.get(name, exc.messages)) from exc

    def clean_url(self):
        return self._field("url", webhook_url_clean)

    def clean_events(self):
        return self._field("events", webhook_events_clean)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SimpleHistoryAdmin):
    form = WebhookSubscriptionForm
    list_display = ["organization", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fields = ["organization", "url", "description", "events", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["organization"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            webhook_subscription_update(
                actor=request.user,
                subscription=obj,
                url=data["url"],
                events=data.get("events") or [],
                description=data.get("description", ""),
                is_active=data.get("is_active", True),
            )
            return
        subscription = webhook_subscription_create(
            actor=request.user,
            organization=data["organization"],
            url=data["url"],
            events=data.get("events") or [],
            description=data.get("description", ""),
        )
        obj.pk = subscription.pk
        messages.warning(
            request,
            _("Signing secret: %(secret)s — give it to the receiving system.")
            % {"secret": subscription.secret},
        )

    def delete_model(self, request, obj):
        webhook_subscription_delete(actor=request.user, subscription=obj)

    def delete_queryset(self, request, queryset):
        for subscription in queryset:
            webhook_subscription_delete(actor=request.user, subscription=subscription)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log (read-only): what was sent, each attempt's response code, retries."""

    list_display = [
        "created_at",
        "subscription",
        "event_type",
        "state",
        "attempts",
        "response_code",
        "next_attempt_at",
    ]
    list_filter = ["state", "event_type"]
    search_fields = ["message_id", "subscription__url"]
    list_select_related = ["subscription__organization"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
