"""Account security pages: two-factor set-up and verification, self-service password reset.

The rules live in casework.two_factor (who must use two-factor, the gate) and in Django's
password-reset token (one use, expires after PASSWORD_RESET_TIMEOUT).
"""

from __future__ import annotations

import re
from base64 import b32encode
from binascii import unhexlify

import segno
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from django_ratelimit import UNSAFE

from .. import services
from ..security import rate_limit
from ..two_factor import (
    DEVICE_NAME,
    PENDING_KEY_SESSION,
    STATE_SETUP,
    totp_device_confirm,
    totp_devices_remove,
    two_factor_enabled,
    two_factor_refresh,
    two_factor_required,
)

TOKEN_RE = re.compile(r"[0-9]{6}")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "usa-input"}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not TOKEN_RE.fullmatch(token):  # ASCII digits only: fullmatch on [0-9], not \d
            raise forms.ValidationError(_("Enter the 6 digits your app shows, like 123456."))
        return token


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
@rate_limit("two_factor", methods=UNSAFE)
def two_factor_verify(request):
    """After the password: the code from the user's authenticator app."""
    if not two_factor_enabled(user=request.user):
        # No device (any more: an administrator may have removed it).
        if two_factor_refresh(request) == STATE_SETUP:
            return redirect("two_factor_setup")
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("That code is not right, or it has expired. Try the new one."))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )


def _qr_svg(device: TOTPDevice) -> str:
    # Inline SVG (no script, no inline style): fine under the Content-Security-Policy.
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def _spaced(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
@rate_limit("two_factor", methods=UNSAFE)
def two_factor_setup(request):
    """Turn two-factor sign-in on (scan the QR code or type the key, then confirm a code)."""
    user = request.user
    enabled = two_factor_enabled(user=user)
    required = two_factor_required(user=user)
    if enabled and not user.is_verified():
        return redirect("two_factor_verify")
    context = {"enabled": enabled, "required": required}
    if enabled:
        return render(request, "registration/two_factor_setup.html", context)

    key = request.session.get(PENDING_KEY_SESSION)
    if not key:
        key = request.session[PENDING_KEY_SESSION] = random_hex(20)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = totp_device_confirm(
            user=user, key=key, token=form.cleaned_data["token"], actor=user
        )
        if device is not None:
            del request.session[PENDING_KEY_SESSION]
            otp_login(request, device)
            two_factor_refresh(request)
            messages.success(request, _("Two-factor sign-in is on."))
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", _("That code is not right, or it has expired. Try the new one."))
    pending = TOTPDevice(user=user, name=DEVICE_NAME, key=key)
    context.update(
        form=form,
        qr_svg=mark_safe(_qr_svg(pending)),  # generated by segno from our own values
        secret=_spaced(b32encode(unhexlify(key)).decode()),
        next=_next_url(request),
    )
    return render(request, "registration/two_factor_setup.html", context)


@require_POST
def two_factor_remove(request):
    """Turn two-factor sign-in off: only when signed in with it, and not required."""
    user = request.user
    if not two_factor_enabled(user=user) or two_factor_required(user=user):
        messages.error(request, _("Two-factor sign-in is required for your role."))
        return redirect("two_factor_setup")
    totp_devices_remove(user=user, actor=user)
    two_factor_refresh(request)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two_factor_setup")


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=gettext_lazy("Your work email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "usa-input"}),
    )


def _by_email(group, request) -> str:
    return "email:" + request.POST.get("email", "").strip().lower()[:254]


@method_decorator(login_not_required, name="dispatch")
@method_decorator(rate_limit("password_reset", methods=UNSAFE), name="dispatch")
@method_decorator(rate_limit("password_reset", methods=UNSAFE, key=_by_email), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Same answer whether or not the address belongs to an account (Django sends mail only
    to active users with a usable password); limited per address and per email."""

    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self):
        # The link is built on SITE_URL, never on the request's Host header.
        return {"site_url": settings.SITE_URL, "reset_minutes": reset_minutes()}


def reset_minutes() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_minutes": reset_minutes()}


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password from the emailed link, saved by ``user_change_password`` with the
    account's owner as actor (the link proved they own it): history, never the hash."""

    def save(self, commit=True):
        return services.user_change_password(
            actor=self.user, user=self.user, password=self.cleaned_data["new_password1"]
        )


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets the new password from the emailed link (valid once, for PASSWORD_RESET_TIMEOUT).
    The user then signs in as usual (and passes two-factor if they have it); their sign-in
    lockout (django-axes) is lifted, since the link proved they own the account."""

    post_reset_login = False
    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
