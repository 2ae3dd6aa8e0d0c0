"""Messages to the client about their referrals, in their language (issue 13).

A client gets messages only while their contact preference (``ContactPreference``: channel,
number or address, when given, by whom) says they agreed, and only on that channel. Messages
carry the program's name, address, hours, what to bring, the reference code and the
navigator's contact: nothing about the client (no name, no reason, no intake answer), because a
text or an email can be read by whoever holds the phone or the inbox; the contact consent
covers the number or address itself and nothing more. Each message is a ``ClientMessage`` row
(to, channel, template, language, time, delivery status); its text is not stored.

Sending goes through Celery after the change commits (``referrals.client_message`` retries
with exponential backoff); a failing provider never blocks the request. An inbound text that is
a stop word (STOP, ALTO, DỪNG, ...) turns the sender's preferences off, with history.
"""

from __future__ import annotations

import datetime
import logging
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import to_python

from casework import jobs
from casework.access import joins_in_written_order
from casework.models import Client, User

from .models import (
    ClientMessage,
    ContactChannel,
    ContactPreference,
    MessageStatus,
    Referral,
    ReferralStatus,
)
from .services.notifications import _muted
from .sms import get_backend

logger = logging.getLogger(__name__)


class ContactPreferenceError(ValidationError):
    pass


class MessageTemplate:
    REFERRAL_SENT = "referral_sent"
    CONFIRM = "confirm"


# Whole-message (or first-word) opt-outs, compared case- and accent-insensitively after
# stripping punctuation: carriers' English words, Spanish, Vietnamese, Punjabi and Hindi.
STOP_WORDS = frozenset(
    {
        "stop",
        "stopall",
        "unsubscribe",
        "cancel",
        "end",
        "quit",
        "alto",
        "parar",
        "baja",
        "dừng",
        "dung",
        "ngừng",
        "ngung",
        "hủy",
        "huy",
        "ਬੰਦ",
        "ਰੋਕੋ",
        "बंद",
        "रोको",
        "रोकें",
    }
)
_PUNCTUATION = str.maketrans("", "", string.punctuation + "¡¿।")


def is_stop_word(text: str) -> bool:
    words = (text or "").translate(_PUNCTUATION).casefold().split()
    if not words:
        return False
    return " ".join(words) in STOP_WORDS or words[0] in STOP_WORDS


# The contact preference ----------------------------------------------------------------------


def _clean_phone(raw: str):
    number = to_python(str(raw or "").strip(), region="US")
    if not number or not number.is_valid():
        return None
    return number


@transaction.atomic
def contact_preference_set(
    *, client: Client, actor: User, channel: str, phone: str = "", email: str = "", now=None
) -> ContactPreference:
    """Records that the client agreed to be contacted on ``channel`` at that number or address
    (a new consent: given now, by ``actor``). Refuses an unknown channel, an invalid mobile
    number for texts, an invalid address for email."""
    now = now or timezone.now()
    errors = {}
    number = None
    email = (email or "").strip()
    if channel not in ContactChannel.values:
        errors["channel"] = _("Choose text message or email.")
    elif channel == ContactChannel.SMS:
        number = _clean_phone(phone)
        if number is None:
            errors["phone"] = _("Enter a valid mobile number, for example (408) 555-0123.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    if errors:
        raise ContactPreferenceError(errors)
    preference = ContactPreference.objects.select_for_update().filter(
        client=client
    ).first() or ContactPreference(client=client)
    preference.channel = channel
    preference.phone = number if channel == ContactChannel.SMS else ""
    preference.email = email if channel == ContactChannel.EMAIL else ""
    preference.agreed = True
    preference.given_at = now
    preference.given_by = actor
    preference.stopped_at = None
    preference.stopped_reason = ""
    preference._history_user = actor
    preference._history_date = now
    preference._change_reason = "agreed"
    preference.save()
    return preference


@transaction.atomic
def contact_preference_stop(
    *, client: Client, actor: User | None, reason: str = "navigator", now=None
) -> ContactPreference | None:
    """Turns messages off (the client asked their navigator, or texted a stop word)."""
    now = now or timezone.now()
    preference = ContactPreference.objects.select_for_update().filter(client=client).first()
    if preference is None or not preference.agreed:
        return preference
    preference.agreed = False
    preference.stopped_at = now
    preference.stopped_reason = reason
    preference._history_user = actor
    preference._history_date = now
    preference._change_reason = reason
    preference.save()
    return preference


def contact_preferences_stop_by_text(*, phone: str, text: str, now=None) -> int:
    """An inbound text: a stop word turns off every agreed text preference for that number (a
    shared family phone stops for everyone on it). Returns how many were turned off."""
    number = _clean_phone(phone)
    if number is None or not is_stop_word(text):
        return 0
    clients = Client.objects.filter(
        contact_preference__phone=number,
        contact_preference__channel=ContactChannel.SMS,
        contact_preference__agreed=True,
    )
    stopped = 0
    for client in clients:
        if contact_preference_stop(client=client, actor=None, reason="stop_word", now=now):
            stopped += 1
    return stopped


def contact_preference_of(client: Client) -> ContactPreference | None:
    return ContactPreference.objects.filter(client=client).select_related("given_by").first()


def contact_preference_history(client: Client) -> list:
    preference = ContactPreference.objects.filter(client=client).first()
    if preference is None:
        return []
    return list(preference.history.select_related("history_user").order_by("-history_date")[:20])


# Queuing and delivering -------------------------------------------------------------------------


def client_message_queue(*, referral: Referral, template: str, now=None) -> ClientMessage | None:
    """Records a message to the referral's client and sends it after commit, or None when the
    client has not agreed to messages."""
    now = now or timezone.now()
    if _muted.get():
        return None
    preference = ContactPreference.objects.filter(client_id=referral.client_id).first()
    if preference is None or not preference.agreed:
        return None
    language = referral.client.preferred_language or "en"
    message = ClientMessage(
        client_id=referral.client_id,
        referral=referral,
        channel=preference.channel,
        to=preference.address,
        template=template,
        language=language,
        created_at=now,
    )
    message._history_date = now
    message.save()
    from .tasks import client_message_task

    jobs.enqueue_on_commit(client_message_task, message.pk)  # broker down: the sweeper sends it
    return message


def _lease() -> jobs.Lease:
    """A message is claimed while queued, or failed and waiting for its retry; a claim older
    than the lease (longer than the task's time limit) belongs to a worker that died."""
    return jobs.Lease(
        status="status",
        pending=(MessageStatus.QUEUED, MessageStatus.FAILED),
        running=MessageStatus.SENDING,
        claimed_at="claimed_at",
        length=datetime.timedelta(seconds=settings.CLIENT_MESSAGE_LEASE_SECONDS),
    )


def client_messages_sweep(*, now=None) -> int:
    """Beat: publishes messages still queued a few minutes on (the broker was down when they
    were queued) and takes over claims whose worker died. Returns how many it published."""
    from .tasks import client_message_task

    now = now or timezone.now()
    grace = datetime.timedelta(seconds=settings.CLIENT_MESSAGE_LEASE_SECONDS)
    return jobs.sweep(
        client_message_task,
        ClientMessage.objects.all(),
        lease=_lease(),
        stuck=Q(status=MessageStatus.QUEUED, created_at__lt=now - grace),
        now=now,
        attempts="attempts",
        max_attempts=settings.CLIENT_MESSAGE_MAX_RETRIES + 1,
        give_up={"status": MessageStatus.FAILED, "error": "Gave up: the worker stopped."},
        order_by="created_at",
    ).enqueued


def _navigator_contact(referral: Referral) -> str:
    navigator = referral.sent_by
    center = referral.sending_center
    phone = navigator.phone or center.phone
    parts = [str(navigator), str(center), phone, navigator.email or center.email]
    return ", ".join(p for p in parts if p)


def message_context(referral: Referral, language: str) -> dict:
    """The program's details in ``language`` (the administrator's translation, else English)."""
    program = referral.program
    location = program.locations.order_by("name", "id").first()
    return {
        "code": referral.reference_code,
        "program": program.localized("name", language),
        "agency": referral.agency.name,
        "address": location.one_line_address if location else "",
        "hours": location.localized("hours", language) if location else "",
        "bring": program.localized("required_documents", language),
        "program_phone": program.contact_phone,
        "navigator": _navigator_contact(referral),
    }


def render_message(*, referral: Referral, template: str, channel: str, language: str, **extra):
    """(subject, body) of a message; the subject is empty for a text."""
    with translation.override(language):
        context = {**message_context(referral, language), "channel": channel, **extra}
        body = render_to_string(f"client/{template}.txt", context).strip()
        subject = ""
        if channel == ContactChannel.EMAIL:
            subject = " ".join(render_to_string(f"client/{template}_subject.txt", context).split())
    return subject, body


def _claim(message_id: int, now) -> bool:
    token = jobs.claim(
        ClientMessage.objects, message_id, lease=_lease(), attempts="attempts", now=now
    )
    return token is not None


def _record(message: ClientMessage, now, **fields) -> None:
    for name, value in fields.items():
        setattr(message, name, value)
    message._history_date = now
    message.save(update_fields=list(fields))


def client_message_deliver(message_id: int, *, now=None) -> str:
    """Sends one queued message (claimed through the database, so a rerun is harmless) and
    returns its status. A provider error is recorded on the row and raised for the retry."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return ""
    with joins_in_written_order():
        message = ClientMessage.objects.select_related(
            "referral__program", "referral__agency", "referral__sent_by", "referral__sending_center"
        ).get(pk=message_id)
    referral = message.referral
    preference = ContactPreference.objects.filter(client_id=message.client_id).first()
    if (
        preference is None
        or not preference.agreed
        or preference.channel != message.channel
        or preference.address != message.to
        or referral.status in (ReferralStatus.CANCELLED, ReferralStatus.REJECTED)
    ):
        # The client stopped messages (or changed them) while this one waited.
        _record(message, now, status=MessageStatus.WITHDRAWN)
        return message.status
    extra = {}
    if message.template == MessageTemplate.CONFIRM:
        from .client_confirm import client_confirm_link_issue

        extra["confirm_url"] = client_confirm_link_issue(referral=referral, now=now)
    subject, body = render_message(
        referral=referral,
        template=message.template,
        channel=message.channel,
        language=message.language,
        **extra,
    )
    try:
        if message.channel == ContactChannel.SMS:
            provider_id = get_backend().send(to=message.to, body=body)
        else:
            email = EmailMessage(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [message.to],
                headers={"Content-Language": message.language},
            )
            email.send()
            provider_id = ""
    except Exception as exc:
        _record(message, now, status=MessageStatus.FAILED, error=str(exc)[:500])
        raise
    _record(message, now, status=MessageStatus.SENT, sent_at=now, provider_id=provider_id)
    return message.status


def retry_countdown(retries: int) -> int:
    """Seconds before attempt ``retries + 1``: the base, doubling each time."""
    return settings.CLIENT_MESSAGE_RETRY_SECONDS * (2**retries)


def client_messages_of(referral: Referral) -> list[ClientMessage]:
    return list(ClientMessage.objects.filter(referral=referral).order_by("-created_at", "-id"))
