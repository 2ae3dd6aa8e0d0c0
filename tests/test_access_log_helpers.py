"""Each page that shows a client's information gets its object from one read helper
(``casework.access.client_for_read`` and neighbours, ``referrals.access.referral_for_read`` and
neighbours), which decides access and writes the access-log row (issue 11): exactly one row per
page, the right one, and none for a 404. No view writes access-log rows itself."""

import ast
import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from casework.models import AccessLogEntry
from referrals.attachments import referral_document_attach
from referrals.disclosure import CONVERSATION_KEY, referral_disclosure
from referrals.packets.services import packet_render
from referrals.services import notifications
from tests.conftest import login
from tests.referrals.referral_helpers import send

ROOT = Path(django_settings.BASE_DIR)
APPS = ("casework", "referrals", "reports", "api", "config")
# What writes access-log rows: only the read helpers (and the admin's own hook) may use these.
WRITERS = {"access_log_append", "AccessLogEntry", "logs_client_read"}
AGENCY_ADDRESS = "intake@agency-x.example.org"
ANSWER_URL = re.compile(r"/referrals/answer/(?P<code>[^/\s]+)/(?P<token>[^/\s]+)/")


def view_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        if (ROOT / app).is_dir()
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and (path.name == "views.py" or "views" in path.parts)
    )


def names_used(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.name for alias in node.names)
    return names


def test_no_view_writes_access_log_rows_itself():
    modules = view_modules()
    relative = {str(p.relative_to(ROOT)) for p in modules}
    # The pages that once built their rows by hand are among those checked.
    assert {
        "casework/views/clients.py",
        "referrals/views/detail.py",
        "referrals/views/answer.py",
        "referrals/views/conversation.py",
        "referrals/packets/views.py",
        "api/views.py",
        "api/fhir/views.py",
    } <= relative
    offenders = {
        str(p.relative_to(ROOT)): sorted(names_used(p) & WRITERS)
        for p in modules
        if names_used(p) & WRITERS
    }
    assert offenders == {}, "use a read helper from casework.access or referrals.access"


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def world(personas, client_a, settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    personas.agency_x.email = AGENCY_ADDRESS
    personas.agency_x.save(update_fields=["email"])
    referral = send(personas, client_a)
    document = referral_document_attach(
        referral=referral,
        actor=personas.navigator_a,
        kind="income_proof",
        upload=SimpleUploadedFile("pay.pdf", _pdf()),
    )
    assert packet_render(referral_id=referral.pk)
    referral.refresh_from_db()
    mail.outbox.clear()
    notifications.notify_new_referral(referral.pk)
    (message,) = [m for m in mail.outbox if m.to == [AGENCY_ADDRESS]]
    link = ANSWER_URL.search(message.body)
    return {
        # The log is append-only: only rows after this one are the page's.
        "since": AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0,
        "client": client_a,
        "intake": client_a.intakes.get(),
        "referral": referral,
        "document": document,
        "answer": (link["code"], link["token"]),
    }


def pages(personas, w) -> dict:
    """Page → (reader, URL, expected row: organization, action, object type, object id, fields
    disclosed). A reader of None reads through the emailed answer link."""
    c, r, code = w["client"], w["referral"], w["referral"].reference_code
    nav, partner = personas.navigator_a, personas.partner_x
    center, agency = personas.center_a, personas.agency_x
    page_keys = referral_disclosure(referral=r).keys()
    document_url = reverse("referrals:document_download", args=[code, w["document"].pk])
    packet_url = reverse("referrals:packet_file", args=[code, "agency"])
    return {
        "client page": (
            nav,
            reverse("casework:client_detail", args=[c.pk]),
            (center, "view", "client", c.pk, []),
        ),
        "client history": (
            nav,
            reverse("casework:client_history", args=[c.pk]),
            (center, "view", "client", c.pk, []),
        ),
        "new intake form": (
            nav,
            reverse("casework:intake_create", args=[c.pk]),
            (center, "view", "client", c.pk, []),
        ),
        "client contact preference": (
            nav,
            reverse("referrals:contact_preference", args=[c.pk]),
            (center, "view", "client", c.pk, []),
        ),
        "suggestions page": (
            nav,
            reverse("referrals:screening_whatif", args=[c.pk]),
            (center, "view", "intake", w["intake"].pk, []),
        ),
        "referral page, sender": (
            nav,
            reverse("referrals:detail", args=[code]),
            (center, "view", "referral", r.pk, []),
        ),
        "referral page, agency": (
            partner,
            reverse("referrals:detail", args=[code]),
            (agency, "disclose", "referral", r.pk, page_keys),
        ),
        "messages, sender": (
            nav,
            reverse("referrals:conversation", args=[code]),
            (center, "view", "referral", r.pk, []),
        ),
        "messages, agency": (
            partner,
            reverse("referrals:conversation", args=[code]),
            (agency, "disclose", "referral", r.pk, [CONVERSATION_KEY]),
        ),
        "document, sender": (
            nav,
            document_url,
            (center, "download", "document", w["document"].pk, []),
        ),
        "document, agency": (
            partner,
            document_url,
            (agency, "disclose", "document", w["document"].pk, [f"document:{w['document'].pk}"]),
        ),
        "packet, sender": (nav, packet_url, (center, "download", "referral_packet", r.pk, [])),
        "packet, agency": (
            partner,
            packet_url,
            (agency, "download", "referral_packet", r.pk, list(r.packet_disclosed)),
        ),
        "answer link": (
            None,
            reverse("referrals:answer", args=list(w["answer"])),
            (agency, "disclose", "referral", r.pk, page_keys),
        ),
    }


PAGES = [
    "client page",
    "client history",
    "new intake form",
    "client contact preference",
    "suggestions page",
    "referral page, sender",
    "referral page, agency",
    "messages, sender",
    "messages, agency",
    "document, sender",
    "document, agency",
    "packet, sender",
    "packet, agency",
    "answer link",
]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_each_page_writes_exactly_its_one_row(client, personas, world, page):
    reader, url, expected = pages(personas, world)[page]
    # Someone else (another center's navigator; for the link, a wrong token) gets 404 and
    # writes nothing.
    if reader is None:
        code, token = world["answer"]
        wrong = reverse("referrals:answer", args=[code, "A" * len(token)])
        assert client.get(wrong).status_code == 404
    else:
        login(client, personas.navigator_b)
        assert client.get(url).status_code == 404
        client.logout()
    written = AccessLogEntry.objects.filter(id__gt=world["since"])
    assert not written.exists()

    if reader is not None:
        login(client, reader)
    assert client.get(url).status_code == 200

    row = written.get()
    assert (
        row.organization,
        row.action,
        row.object_type,
        row.object_id,
        row.fields_disclosed,
    ) == expected
    assert row.client_id == world["client"].pk
    if reader is None:
        assert (row.user, row.external_actor) == (None, AGENCY_ADDRESS)
    else:
        assert row.user == reader
    assert len(row.request_id) == 32
