import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _

# The context variables live in casework.logging (no Django imports), which the logging
# configuration loads before the apps are ready.
from casework.logging import _client_request_id, _request_id

# What a proxy's id may look like: printable ASCII without spaces, at most 64 characters.
_REQUEST_ID_CHARS = re.compile(r"[!-~]{1,64}")


def current_request_id() -> str | None:
    return _request_id.get()


def current_client_request_id() -> str | None:
    return _client_request_id.get()


class RequestIdMiddleware:
    """Gives every request a server-generated id for the access log. An incoming X-Request-ID
    (a proxy's, or anything a client sends) is recorded beside it if it looks like an id,
    never used instead of it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = uuid.uuid4().hex
        request.client_request_id = incoming if _REQUEST_ID_CHARS.fullmatch(incoming) else ""
        token = _request_id.set(request.request_id)
        client_token = _client_request_id.set(request.client_request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client_request_id.reset(client_token)
        response["X-Request-ID"] = request.request_id
        return response


class AccessMemoMiddleware:
    """Keeps what the request has read about its user's access for the request's length
    (casework.access: grant keys, center and agency ids), then drops it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .access import access_memo_scope

        with access_memo_scope():
            return self.get_response(request)


class SessionTimeoutMiddleware:
    """Ends a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_LIFETIME.

    The sign-in time is stamped when the user logs in (``user_logged_in``); a session without
    one (made before this middleware existed) counts from its first request. Place after
    MessageMiddleware: the login page then says why the user has to sign in again.
    """

    LOGIN_KEY = "casebridge_login_at"
    SEEN_KEY = "casebridge_seen_at"
    # Refresh the "last seen" stamp at most this often, to keep session writes cheap.
    SEEN_WRITE_INTERVAL = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            login_at = request.session.get(self.LOGIN_KEY)
            seen_at = request.session.get(self.SEEN_KEY)
            if login_at is None:
                request.session[self.LOGIN_KEY] = login_at = now
            idle = (
                seen_at is not None
                and now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            )
            too_old = now - login_at > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()
            if idle or too_old:
                return self._end_session(request)
            if seen_at is None or now - seen_at > self.SEEN_WRITE_INTERVAL:
                request.session[self.SEEN_KEY] = now
        return self.get_response(request)

    @classmethod
    def stamp_login(cls, sender, request, user, **kwargs):
        """``user_logged_in`` receiver: the absolute lifetime counts from here."""
        if request is not None and hasattr(request, "session"):
            now = timezone.now().timestamp()
            request.session[cls.LOGIN_KEY] = now
            request.session[cls.SEEN_KEY] = now

    def _end_session(self, request):
        logout(request)
        messages.info(request, _("Your session ended. Please sign in again."))
        path = request.get_full_path()
        if request.headers.get("HX-Request") == "true":
            # An htmx request would swap the login page into a fragment: send the whole page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        if request.method != "GET":
            path = "/"  # a form posted after the timeout cannot be replayed after sign-in
        return redirect_to_login(path)


class UserLanguageMiddleware:
    """Activates the signed-in user's chosen interface language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
