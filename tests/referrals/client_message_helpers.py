"""Shared set-up for the client-message tests: a program with a location and translations, and
a client who agreed to texts or email."""

from referrals.client_messages import contact_preference_set
from tests.factories import LocationFactory

from .referral_helpers import program_x

CLIENT_PHONE = "+14085550199"
CLIENT_EMAIL = "rosa.m@example.net"

# The program's hours and what to bring, as an administrator entered them per language.
DIRECTORY_TEXT = {
    "es": {"name": "Ayuda con CalFresh", "required_documents": "Identificación con foto"},
    "vi": {"name": "Hỗ trợ CalFresh", "required_documents": "Giấy tờ tùy thân có ảnh"},
    "pa": {"name": "CalFresh ਮਦਦ", "required_documents": "ਫੋਟੋ ਵਾਲੀ ਪਛਾਣ"},
    "hi": {"name": "CalFresh सहायता", "required_documents": "फोटो पहचान पत्र"},
}
HOURS = {
    "es": {"hours": "lun–vie 9:00–17:00"},
    "vi": {"hours": "Thứ Hai–Thứ Sáu 9:00–17:00"},
    "pa": {"hours": "ਸੋਮ–ਸ਼ੁੱਕਰ 9:00–17:00"},
    "hi": {"hours": "सोम–शुक्र 9:00–17:00"},
}


def program_with_location(personas):
    program = program_x(
        personas,
        required_documents="Photo ID; proof of income",
        contact_phone="+1 408 555 0100",
        translations=DIRECTORY_TEXT,
    )
    location = LocationFactory(
        agency=personas.agency_x,
        address_1="1 Market St",
        postal_code="95113",
        hours="Mon–Fri 9:00–17:00",
        translations=HOURS,
    )
    program.locations.add(location)
    return program


def agree(personas, client, channel="sms"):
    return contact_preference_set(
        client=client,
        actor=personas.navigator_a,
        channel=channel,
        phone=CLIENT_PHONE if channel == "sms" else "",
        email=CLIENT_EMAIL if channel == "email" else "",
    )
