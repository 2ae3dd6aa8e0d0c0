"""Two-factor sign-in (TOTP, django-otp): the rule, the services, the gate.

- Anyone may turn it on for themselves (Account › Two-factor sign-in). Once on, every sign-in
  asks for a 6-digit code from an authenticator app after the password.
- It is required for the roles in ``settings.REQUIRE_2FA_FOR_ROLES`` (membership roles, and
  "staff" for Django admin users): such a user who has not set it up can open only the set-up
  page until they do.
- ``TwoFactorMiddleware`` (after django-otp's OTPMiddleware) is the gate: a signed-in but
  unverified user who has a device, or must have one, is sent to the verify or set-up page;
  only those pages, sign-out, password reset and the language switch answer until then.
  What the user needs is decided once at sign-in and kept in the session, so a page costs no
  extra query (``two_factor_stamp_login``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import devices_for_user, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership

STAFF_ROLE = "staff"
DEVICE_NAME = "Authenticator app"
# Session key holding the secret of a set-up in progress (nothing is stored until confirmed).
PENDING_KEY_SESSION = "casebridge_totp_pending_key"


def two_factor_required(*, user) -> bool:
    """Whether the user's roles require two-factor sign-in (settings.REQUIRE_2FA_FOR_ROLES)."""
    required = set(settings.REQUIRE_2FA_FOR_ROLES)
    if not required or not user.is_authenticated:
        return False
    if STAFF_ROLE in required and (user.is_staff or user.is_superuser):
        return True
    roles = required - {STAFF_ROLE}
    return bool(roles) and Membership.objects.filter(user=user, role__in=roles).exists()


def two_factor_enabled(*, user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def totp_device_confirm(*, user, key: str, token: str, actor) -> TOTPDevice | None:
    """Turns two-factor sign-in on with the secret the user's app was given, if ``token`` is
    the app's current code for it. Replaces any earlier device. Returns the device, or None
    (nothing saved) when the code does not match."""
    device = TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    # Check the code without device.verify_token(): its throttling would save the device.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not token.isascii() or not token.isdigit():
        return None
    if not totp.verify(int(token), device.tolerance):
        return None
    device.last_t = totp.t()
    with transaction.atomic():
        for old in devices_for_user(user, confirmed=None):
            old._history_user = actor
            old.delete()
        device._history_user = actor
        device.save()
    return device


def totp_devices_remove(*, user, actor) -> int:
    """Turns two-factor sign-in off for ``user`` (history records who did it)."""
    removed = 0
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device._history_user = actor
            device.delete()
            removed += 1
    return removed


def totp_device_remove(*, device: TOTPDevice, actor) -> None:
    """Removes one device (an administrator resetting a lost phone); the history records who
    removed whose device. The owner is asked to set two-factor up again if their role needs
    it, at their next sign-in."""
    with transaction.atomic():
        device._history_user = actor
        device.delete()


STATE_SESSION = "casebridge_two_factor"
STATE_NONE, STATE_VERIFY, STATE_SETUP = "none", "verify", "setup"


def two_factor_state(*, user) -> str:
    if two_factor_enabled(user=user):
        return STATE_VERIFY
    if two_factor_required(user=user):
        return STATE_SETUP
    return STATE_NONE


def two_factor_stamp_login(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: what this session needs before pages open."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE_SESSION] = two_factor_state(user=user)


def two_factor_refresh(request) -> str:
    """Recomputes the session's state (after the user's devices changed)."""
    state = request.session[STATE_SESSION] = two_factor_state(user=request.user)
    return state


def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("two_factor_verify"),
        reverse("two_factor_setup"),
        reverse("logout"),
        reverse("language_update"),
        reverse("password_reset"),
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
    )


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            state = request.session.get(STATE_SESSION)
            if state is None:  # a session from before two-factor existed
                state = two_factor_refresh(request)
            if state != STATE_NONE and not request.path.startswith(_exempt_paths()):
                target = "two_factor_verify" if state == STATE_VERIFY else "two_factor_setup"
                return self._send_to(request, target)
        return self.get_response(request)

    @staticmethod
    def _send_to(request, url_name):
        url = reverse(url_name)
        if request.method == "GET" and not request.htmx:
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
