from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import Language


@require_POST
def language_update(request):
    """Saves the user's interface language and returns to the page they were on."""
    language = request.POST.get("language", "")
    if language not in Language.values:
        messages.error(request, _("That language is not available."))
    else:
        services.user_set_language(actor=request.user, user=request.user, language=language)
    response = HttpResponseRedirect(_safe_next(request, request.POST.get("next") or "/"))
    if language in Language.values:
        # The sign-in page (after sign-out or a timeout) then speaks the same language.
        _set_language_cookie(request, response, language)
    return response


# The language chosen on the sign-in page; it becomes the user's language when they sign in.
SIGNIN_LANGUAGE_KEY = "casebridge_signin_language"


@login_not_required
@require_POST
def signin_language(request):
    """The sign-in page's language links: before signing in, a choice of the five languages
    overrides the browser's Accept-Language (a cookie) and is kept for the sign-in."""
    language = request.POST.get("language", "")
    login_url = reverse("login")
    next_url = _safe_next(request, request.POST.get("next") or "")
    target = f"{login_url}?{urlencode({'next': next_url})}" if next_url != "/" else login_url
    response = HttpResponseRedirect(target)
    if language not in Language.values:
        return response
    request.session[SIGNIN_LANGUAGE_KEY] = language
    _set_language_cookie(request, response, language)
    return response


def adopt_signin_language(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: a language chosen on the sign-in page becomes the user's."""
    session = getattr(request, "session", None)
    language = session.pop(SIGNIN_LANGUAGE_KEY, None) if session is not None else None
    if language in Language.values and user.language != language:
        services.user_set_language(actor=user, user=user, language=language)


def _safe_next(request, next_url: str) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return "/"


def _set_language_cookie(request, response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
