"""Documents on a referral (issue 13, point 5): PDF/JPEG/PNG by content, at most the size
limit, only when the consent covers documents, stored outside every URL, served only through
the access-checked view (404 to everyone else), each download logged, revocation and
cancellation ending the agency's access at once."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from casework.models import AccessLogEntry
from casework.services import consent_revoke
from referrals.attachments import DocumentError, referral_document_attach
from referrals.models import ReferralDocument
from referrals.services import referral_cancel
from tests.conftest import login
from tests.factories import ConsentFactory

from .referral_helpers import count_queries, send

pytestmark = pytest.mark.django_db
PERSONAS = ["navigator_a", "navigator_b", "partner_x", "partner_y", "manager", "outsider"]


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="JPEG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"


@pytest.fixture
def referral(personas, client_a):
    return send(personas, client_a)


def _upload(client, referral, name, data, kind="photo_id"):
    return client.post(
        reverse("referrals:documents", args=[referral.reference_code]),
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    "name,make,content_type",
    [
        ("id.pdf", pdf_bytes, "application/pdf"),
        ("id.jpg", jpeg_bytes, "image/jpeg"),
        ("id.png", png_bytes, "image/png"),
        ("scan.pdf", png_bytes, "image/png"),  # the content decides, not the name
    ],
)
def test_pdf_jpeg_png_are_accepted_by_content(client, personas, referral, name, make, content_type):
    login(client, personas.navigator_a)
    data = make()
    response = _upload(client, referral, name, data)
    assert response.status_code == 302
    document = ReferralDocument.objects.get(referral=referral)
    assert document.content_type == content_type
    stored = Path(django_settings.DOCUMENTS_ROOT) / document.path
    assert stored.read_bytes() == data
    assert not str(stored).startswith(str(django_settings.MEDIA_ROOT))
    assert not str(stored).startswith(str(django_settings.STATIC_ROOT))
    assert name not in document.path
    assert document.history.get().history_user == personas.navigator_a


@pytest.mark.parametrize(
    "name,data",
    [
        ("id.pdf", b"just some text, not a PDF"),
        ("id.pdf", b"%PDF-1.7 but nothing readable follows"),
        ("id.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),
        ("id.gif", b"GIF89a" + b"\x00" * 50),
    ],
)
def test_other_content_is_refused_with_a_message(client, personas, referral, name, data):
    login(client, personas.navigator_a)
    response = _upload(client, referral, name, data)
    assert response.status_code == 400
    assert "Only PDF, JPEG or PNG files can be attached" in response.content.decode()
    assert not ReferralDocument.objects.exists()


def test_too_large_is_refused(client, personas, referral, settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    login(client, personas.navigator_a)
    big = png_bytes() + b"\x00" * (1024 * 1024)
    response = _upload(client, referral, "id.png", big)
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    assert not ReferralDocument.objects.exists()


def test_consent_without_documents_refuses(personas, client_a):
    ConsentFactory(
        client=client_a,
        recorded_by=personas.navigator_a,
        recipients=[personas.agency_y],
        scopes=["contact"],
    )
    from tests.factories import ProgramFactory

    referral = send(personas, client_a, program=ProgramFactory(agency=personas.agency_y))
    upload = SimpleUploadedFile("id.png", png_bytes())
    with pytest.raises(DocumentError, match="does not cover sharing documents"):
        referral_document_attach(
            referral=referral, actor=personas.navigator_a, kind="photo_id", upload=upload
        )
    assert not ReferralDocument.objects.exists()


@pytest.fixture
def document(personas, referral):
    return referral_document_attach(
        referral=referral,
        actor=personas.navigator_a,
        kind="income_proof",
        upload=SimpleUploadedFile("pay.pdf", pdf_bytes()),
    )


def _download_url(document):
    return reverse(
        "referrals:document_download", args=[document.referral.reference_code, document.pk]
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_download_only_for_the_two_sides(client, personas, document, persona):
    login(client, getattr(personas, persona))
    response = client.get(_download_url(document))
    allowed = persona in ("navigator_a", "partner_x")
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Type"] == "application/pdf"
    listing = client.get(reverse("referrals:documents", args=[document.referral.reference_code]))
    assert listing.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("persona", ["partner_x", "navigator_b", "outsider"])
def test_only_the_sending_center_attaches(client, personas, referral, persona):
    login(client, getattr(personas, persona))
    assert _upload(client, referral, "id.png", png_bytes()).status_code == 404
    assert not ReferralDocument.objects.exists()


def test_every_download_is_logged(client, personas, document):
    login(client, personas.navigator_a)
    client.get(_download_url(document))
    login(client, personas.partner_x)
    client.get(_download_url(document))
    client.get(_download_url(document))
    rows = list(AccessLogEntry.objects.filter(object_type="document").order_by("id"))
    assert [(r.user, r.action, r.fields_disclosed) for r in rows] == [
        (personas.navigator_a, "download", []),
        (personas.partner_x, "disclose", [f"document:{document.pk}"]),
        (personas.partner_x, "disclose", [f"document:{document.pk}"]),
    ]
    assert all(r.client_id == document.referral.client_id for r in rows)


def test_consent_revocation_ends_the_agency_access_at_once(client, personas, document):
    login(client, personas.partner_x)
    assert client.get(_download_url(document)).status_code == 200
    consent_revoke(actor=personas.navigator_a, consent=document.referral.consent)
    assert client.get(_download_url(document)).status_code == 404
    login(client, personas.navigator_a)
    assert client.get(_download_url(document)).status_code == 200


def test_cancellation_ends_the_agency_access_at_once(client, personas, document):
    referral_cancel(referral=document.referral, actor=personas.navigator_a)
    login(client, personas.partner_x)
    assert client.get(_download_url(document)).status_code == 404


def test_documents_page_query_count_does_not_grow(client, personas, referral):
    login(client, personas.partner_x)
    url = reverse("referrals:documents", args=[referral.reference_code])

    def measure(expected):
        client.get(url)
        with count_queries() as counted:
            response = client.get(url)
        assert len(re.findall(r"/documents/\d+/", response.content.decode())) == expected
        return counted.count

    def attach():
        referral_document_attach(
            referral=referral,
            actor=personas.navigator_a,
            kind="photo_id",
            upload=SimpleUploadedFile("id.png", png_bytes()),
        )

    attach()
    one = measure(1)
    for _ in range(9):
        attach()
    assert measure(10) == one
