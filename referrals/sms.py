"""Pluggable SMS backends, chosen by ``settings.SMS_BACKEND`` like Django's email backends.

- ``referrals.sms.ConsoleBackend`` (default): writes each text to stdout.
- ``referrals.sms.LocmemBackend``: keeps texts in ``referrals.sms.outbox`` (tests).
- ``referrals.sms.TwilioBackend``: Twilio's REST API over ``requests`` (no SDK), configured
  by ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and ``TWILIO_FROM_NUMBER``.

``send(to, body)`` returns the provider's message id or raises ``SmsError`` (the Celery task
retries it with backoff). ``inbound(request)`` checks that an inbound webhook request really
comes from the provider and returns ``(from_number, text)``, or None: Twilio signs each request
(``X-Twilio-Signature``, HMAC-SHA1 with the auth token); the console and locmem backends accept
a request carrying ``settings.SMS_INBOUND_SECRET`` in ``X-Casebridge-Sms-Secret`` (a local test
of the stop words), and nothing when that setting is empty.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(OSError):
    """The provider did not take the message (network error, 5xx, refusal)."""


@dataclass(frozen=True)
class Sms:
    to: str
    body: str


outbox: list[Sms] = []
_ids = itertools.count(1)


def _shared_secret_inbound(request) -> tuple[str, str] | None:
    secret = getattr(settings, "SMS_INBOUND_SECRET", "")
    given = request.headers.get("X-Casebridge-Sms-Secret", "")
    if not secret or not hmac.compare_digest(secret.encode(), given.encode()):
        return None
    return request.POST.get("From", ""), request.POST.get("Body", "")


class BaseBackend:
    def send(self, *, to: str, body: str) -> str:
        raise NotImplementedError

    def inbound(self, request) -> tuple[str, str] | None:
        return _shared_secret_inbound(request)


class ConsoleBackend(BaseBackend):
    def send(self, *, to: str, body: str) -> str:
        sys.stdout.write(f"SMS to {to}:\n{body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return f"console-{next(_ids)}"


class LocmemBackend(BaseBackend):
    def send(self, *, to: str, body: str) -> str:
        outbox.append(Sms(to, body))
        return f"locmem-{next(_ids)}"


class TwilioBackend(BaseBackend):
    API = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"

    def send(self, *, to: str, body: str) -> str:
        import requests

        sid = settings.TWILIO_ACCOUNT_SID
        try:
            response = requests.post(
                self.API.format(sid=sid),
                data={"To": to, "From": settings.TWILIO_FROM_NUMBER, "Body": body},
                auth=(sid, settings.TWILIO_AUTH_TOKEN),
                timeout=10,
            )
        except requests.RequestException as exc:
            raise SmsError(f"Twilio unreachable: {exc.__class__.__name__}") from exc
        if response.status_code >= 300:
            raise SmsError(f"Twilio answered {response.status_code}")
        return str(response.json().get("sid", ""))

    @staticmethod
    def signature(url: str, params: dict[str, str], token: str) -> str:
        """Twilio's request signature: the full URL, then each POST key and value, sorted by key."""
        payload = url + "".join(f"{k}{params[k]}" for k in sorted(params))
        digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def inbound(self, request) -> tuple[str, str] | None:
        token = settings.TWILIO_AUTH_TOKEN
        if not token:
            return None
        url = settings.SITE_URL.rstrip("/") + request.get_full_path()
        params = {k: request.POST.get(k, "") for k in request.POST}
        expected = self.signature(url, params, token)
        given = request.headers.get("X-Twilio-Signature", "")
        if not hmac.compare_digest(expected.encode(), given.encode()):
            return None
        return request.POST.get("From", ""), request.POST.get("Body", "")


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()
