"""The packet PDF: contents, language, fonts, tags, and the locked-down fetcher."""

import io
import re
import time
import unicodedata
from pathlib import Path

import polib
import pytest
from django.conf import settings
from pypdf import PdfReader

from casework.models import ConsentScope
from referrals.eligibility import render_reason
from referrals.models import PacketStatus
from referrals.packets.phrases import PHRASES
from referrals.packets.render import render_packet_pdf, render_pdf
from referrals.packets.services import packet_render

from .packet_helpers import EXPLANATION, REASON, SNAPSHOT, make_referral, phrase


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def letters(text: str) -> str:
    """Text without combining vowel signs: pypdf extracts Indic text in glyph order and drops
    or moves pre-base vowel signs (ਿ, ि), so phrases are compared on their base letters."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Mc", "Zs", "Cc"))


@pytest.mark.django_db
def test_spanish_client_copy_and_english_agency_copy(personas):
    referral = make_referral(personas, language="es")

    assert packet_render(referral_id=referral.pk) is True

    referral.refresh_from_db()
    assert referral.packet_status == PacketStatus.READY
    assert referral.packet_language == "es"
    client_text = pdf_text(referral.packet_client_file.read())
    agency_text = pdf_text(referral.packet_agency_file.read())
    assert REASON in " ".join(agency_text.split())
    # The client's copy has the reason in Spanish where the screening sentence is translated.
    spanish_reason = render_reason(SNAPSHOT["reasons"][0], "es")
    assert spanish_reason in " ".join(client_text.split())
    for text in (client_text, agency_text):
        assert "Second Harvest CalFresh Help" in text
        assert referral.reference_code in text
        assert "1450 Story Rd" in text
        assert "Mon–Fri 9:00–17:00" in text
        assert "Photo ID" in text
    flat_client, flat_agency = (" ".join(t.split()) for t in (client_text, agency_text))
    assert EXPLANATION in flat_client and EXPLANATION in flat_agency
    assert "7 CFR 273.9" in flat_agency  # the citation, for the agency
    assert "Needs help buying groceries." in flat_agency  # the navigator's own reason
    assert "Not known yet" not in flat_client + flat_agency  # only supporting reasons
    assert "Maria Lopez" in flat_client  # the navigator's name and contact
    assert personas.navigator_a.email in flat_client
    assert "Qué debe traer" in client_text
    assert "Por qué probablemente usted califica" in client_text
    assert "What to bring" in agency_text
    assert "Why the client is likely eligible" in agency_text
    assert "Qué debe traer" not in agency_text


def embedded_fonts(data: bytes) -> dict[str, set[str]]:
    """Every font embedded in the PDF: its name (subset tag dropped) -> the characters it has
    glyphs for. Read from the embedded font program with fontTools: its cmap, plus the
    characters of shaped clusters (conjuncts, nukta forms) that the PDF's ToUnicode map assigns
    to glyphs really present in that program (never .notdef)."""
    from fontTools.ttLib import TTFont

    fonts: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            descendant = font["/DescendantFonts"][0].get_object()
            program = TTFont(
                io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data())
            )
            glyph_count = program["maxp"].numGlyphs
            chars = {chr(cp) for cp in (program.getBestCmap() or {})}
            to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for gid, utf16 in re.findall(r"<([0-9a-fA-F]+)> <([0-9a-fA-F]*)>", to_unicode):
                if 0 < int(gid, 16) < glyph_count and utf16:
                    chars.update(bytes.fromhex(utf16).decode("utf-16-be"))
            fonts.setdefault(name, set()).update(chars)
    return fonts


# Unicode blocks of the scripts the packet must draw with real glyphs.
SCRIPTS = {
    "hi": ("Noto-Sans-Devanagari", range(0x0900, 0x0980)),
    "pa": ("Noto-Sans-Gurmukhi", range(0x0A00, 0x0A80)),
    "vi": ("Noto-Sans", range(0x00C0, 0x1F00)),  # Latin-1 to Latin Extended Additional
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["hi", "pa", "vi"])
def test_client_copy_text_is_drawn_with_fonts_that_cover_its_script(personas, language):
    font_prefix, block = SCRIPTS[language]
    referral = make_referral(personas, language=language)
    data = render_packet_pdf(referral=referral, language=language, copy="client")

    text = pdf_text(data)
    shown = [phrase(language, key) for key in ("title", "bring", "why_client", "intro_client")]
    # Indic text extraction is lossy (ya-phala, pre-base signs), so only phrases without
    # such conjuncts are matched literally; the glyph check below covers all of them.
    assert letters(phrase(language, "title")) in letters(text)
    assert letters(phrase(language, "program")) in letters(text)
    if language == "vi":
        for shown_phrase in shown:
            assert shown_phrase in " ".join(text.split())
    # Every character of the script, from the extracted text and the phrases we know are shown
    # (extraction drops some vowel signs), must have a glyph in an embedded font.
    script_chars = {ch for ch in text + "".join(shown) if ord(ch) in block}
    assert len(script_chars) > 10
    fonts = embedded_fonts(data)
    script_fonts = {name: cps for name, cps in fonts.items() if name.startswith(font_prefix)}
    assert script_fonts, f"no {font_prefix} font embedded: {sorted(fonts)}"
    covered = set().union(*script_fonts.values())
    missing = script_chars - covered
    assert not missing, f"characters without a glyph in {sorted(script_fonts)}: {missing}"
    # Vietnamese letters such as ệ, ơ, ư come from Noto Sans itself, not a fallback font.
    if language == "vi":
        assert {"ệ", "ơ", "ư"} <= script_chars


@pytest.mark.django_db
def test_packet_is_a_tagged_pdf_with_title_and_language(personas):
    referral = make_referral(personas, language="vi")
    reader = PdfReader(
        io.BytesIO(render_packet_pdf(referral=referral, language="vi", copy="client"))
    )
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "vi"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.metadata.title.startswith("Hồ sơ giới thiệu " + referral.reference_code)

    agency = PdfReader(
        io.BytesIO(render_packet_pdf(referral=referral, language="en", copy="agency"))
    )
    assert agency.trailer["/Root"]["/Lang"] == "en"


def test_every_packet_phrase_is_translated_through_gettext_in_every_language():
    """The fixed phrases live in the .po catalogues (context "referral packet"), translated
    and not fuzzy in each language, and the compiled catalogue serves them."""
    for language in ("es", "vi", "pa", "hi"):
        catalogue = polib.pofile(
            str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
        )
        for key, message in PHRASES.items():
            entry = catalogue.find(message._args[1], msgctxt="referral packet")
            assert entry is not None and entry.msgstr.strip(), (language, key)
            assert "fuzzy" not in entry.flags, (language, key)
            assert phrase(language, key) == entry.msgstr, (language, key)


@pytest.mark.django_db
def test_only_consented_client_fields_are_in_the_packet(personas):
    referral = make_referral(personas, language="en", scopes=[ConsentScope.DEMOGRAPHICS])
    dob = referral.client.date_of_birth

    for copy in ("client", "agency"):
        text = pdf_text(render_packet_pdf(referral=referral, language="en", copy=copy))
        assert "Rosa Martinez" in text
        assert "Date of birth" in text and str(dob.year) in text
        assert "Household size" in text
        assert "12 Alum Rock Ave" not in text  # contact details not consented
        assert "client@example.org" not in text
        assert "Monthly income" not in text  # intake answers not consented, not even
        assert "2,300" not in text  # in the screening's sentences
        assert EXPLANATION in " ".join(text.split())  # the rule's own explanation is fine


@pytest.mark.django_db
def test_packet_with_no_consented_fields_shows_the_name_only(personas):
    referral = make_referral(personas, language="en", scopes=[ConsentScope.NOTES])
    text = pdf_text(render_packet_pdf(referral=referral, language="en", copy="agency"))
    assert "Rosa Martinez" in text
    assert "No other information was shared." in text
    assert "Date of birth" not in text and "12 Alum Rock Ave" not in text


ATTACKS = """
<html lang="en"><head><title>t</title>
<link rel="stylesheet" href="http://10.255.255.1/steal.css">
<style>@import url("file:///etc/hostname"); body {{ background: url("{secret}"); }}</style>
</head><body>
<p>visible</p>
<img src="file:///etc/passwd" alt="">
<img src="http://10.255.255.1/tracker.png" alt="">
<img src="https://example.org/x.png" alt="">
<img src="../../../../../etc/passwd" alt="">
<object data="file:///etc/passwd"></object>
<iframe src="file:///etc/passwd"></iframe>
<img src="{secret}" alt="">
</body></html>
"""


def test_fetcher_embeds_nothing_from_files_or_the_network(tmp_path):
    secret = tmp_path / "secret.png"
    # A real PNG outside the static directory: it must not be embedded either.
    import base64

    secret.write_bytes(
        base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
        )
    )
    started = time.monotonic()
    data = render_pdf(ATTACKS.format(secret=secret.as_uri()))
    assert time.monotonic() - started < 5  # no network wait (10.255.255.1 blackholes)

    reader = PdfReader(io.BytesIO(data))
    assert "visible" in pdf_text(data)
    assert b"root:" not in data
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        assert not xobjects, f"something was embedded: {list(xobjects)}"
    assert not reader.attachments


def test_fetcher_serves_the_projects_static_files():
    from referrals.packets.fetcher import StaticOnlyURLFetcher, static_base_url

    fetcher = StaticOnlyURLFetcher()
    response = fetcher.fetch(static_base_url() + "css/casebridge.css")
    assert response.read()
    for url in (
        "file:///etc/passwd",
        static_base_url() + "../config/settings.py",
        static_base_url() + "%2e%2e/config/settings.py",
        "http://127.0.0.1:1/",
        "data:text/plain,hi",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
