"""The demo city's referrals have their packets, in their clients' languages."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from referrals.models import PacketStatus, Referral

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def embedded_font_names(field) -> set[str]:
    with field.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_demo_referrals_have_packets_in_their_clients_languages(settings):
    settings.REDIS_URL = ""  # the embedded default: rendered in-process
    # Inside the test transaction no on-commit enqueue runs, so every packet is still pending
    # when the demo hook runs: it renders them all.
    call_command("seed_demo", quiet=True)

    referrals = Referral.objects.select_related("client")
    assert referrals.count() > 20
    assert set(referrals.values_list("packet_status", flat=True)) == {PacketStatus.READY}
    languages = set(referrals.values_list("packet_language", flat=True))
    assert {"en", "es", "vi", "pa", "hi"} <= languages
    # The rule: the client's copy is in the client's script; the agency copy (English) uses
    # that script only to name the client's language (ਪੰਜਾਬੀ), which it shows exactly when
    # the consent covers demographics. Checked for every such referral, in a fixed order.
    seen = {"with": 0, "without": 0}
    for language, script_font in (("hi", "Noto-Sans-Devanagari"), ("pa", "Noto-Sans-Gurmukhi")):
        for referral in referrals.filter(packet_language=language).order_by("pk"):
            assert script_font in embedded_font_names(referral.packet_client_file)
            names_language = "language" in referral.packet_disclosed
            assert names_language == referral.consent.covers("demographics")
            in_agency_copy = script_font in embedded_font_names(referral.packet_agency_file)
            assert in_agency_copy == names_language, referral.reference_code
            seen["with" if names_language else "without"] += 1
    assert seen["with"] and seen["without"]  # the demo city exercises both sides of the rule

    rendered_at = dict(referrals.values_list("pk", "packet_rendered_at"))
    call_command("seed_demo", quiet=True)  # seeding again renders nothing again
    assert dict(referrals.values_list("pk", "packet_rendered_at")) == rendered_at
