"""Documents on a referral (issue 13, point 5).

Rules:
- Only a navigator of the sending center attaches, and only while the referral's consent is
  active and covers "documents" (``ConsentScope.DOCUMENTS``).
- PDF, JPEG or PNG, decided by the content, never the name: the magic bytes, then the file must
  open (Pillow verifies images, pypdf reads PDFs). At most ``settings.DOCUMENT_MAX_BYTES`` (10 MB).
- Stored under ``settings.DOCUMENTS_ROOT`` with a random name, outside every URL; served only by
  ``referrals.views.attachments.document_download`` after ``document_for_user_or_404``.
- The agency reads a document while it may open the referral (not cancelled, consent active,
  not revoked, naming it) *and* the consent covers "documents": revoking the consent or
  cancelling the referral ends its access at once. Every download is an access-log row:
  ``download`` for the center, ``disclose`` (key ``document:<id>``) for the agency.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import ConsentScope, User

from .access import ReferralSide, get_referral_or_404, referral_side
from .models import DocumentKind, Referral, ReferralDocument

MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


class DocumentError(ValidationError):
    """A file that cannot be attached; the form shows it."""


def documents_allowed(*, referral: Referral) -> bool:
    consent = referral.consent
    return consent.is_active_on(timezone.localdate()) and consent.covers(ConsentScope.DOCUMENTS)


def sniff_content_type(data: bytes) -> str | None:
    """The type the content really is (PDF, JPEG, PNG), or None; the file must also open."""
    content_type = next((t for magic, t in MAGIC.items() if data.startswith(magic)), None)
    if content_type is None:
        return None
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            if len(PdfReader(io.BytesIO(data)).pages) < 1:
                return None
        else:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                if Image.MIME.get(image.format) != content_type:
                    return None
                image.verify()
    except Exception:  # any parser error: not a readable file of that type
        return None
    return content_type


def _root() -> Path:
    return Path(settings.DOCUMENTS_ROOT)


@transaction.atomic
def referral_document_attach(
    *, referral: Referral, actor: User, kind: str, upload, now=None
) -> ReferralDocument:
    """Attaches ``upload`` (a Django UploadedFile) to the referral (see the module rules)."""
    if referral_side(user=actor, referral=referral) != ReferralSide.SENDER:
        raise DocumentError(_("Only the center that sent this referral can attach documents."))
    if not documents_allowed(referral=referral):
        raise DocumentError(
            _("The client's consent does not cover sharing documents with %(agency)s.")
            % {"agency": referral.agency}
        )
    if kind not in DocumentKind.values:
        raise DocumentError({"kind": _("Choose what kind of document this is.")})
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise DocumentError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DocumentError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    content_type = sniff_content_type(data)
    if content_type is None:
        raise DocumentError(
            {"file": _("Only PDF, JPEG or PNG files can be attached, and this one is not.")}
        )
    now = now or timezone.now()
    relative = f"{now:%Y/%m}/{secrets.token_hex(16)}"
    target = _root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    document = ReferralDocument(
        referral=referral,
        kind=kind,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        path=relative,
        uploaded_by=actor,
        uploaded_at=now,
    )
    document._history_user = actor
    document._history_date = now
    try:
        document.save()
    except Exception:
        target.unlink(missing_ok=True)  # no file without its row
        raise
    return document


def referral_documents(*, referral: Referral) -> list[ReferralDocument]:
    return list(
        ReferralDocument.objects.filter(referral=referral)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )


def document_for_user_or_404(*, user, code: str, document_id) -> tuple[ReferralDocument, str]:
    """The document and the reader's side; 404 for anyone else, and for the agency when the
    consent no longer covers documents."""
    referral = get_referral_or_404(user=user, reference_code=code)
    side = referral_side(user=user, referral=referral)
    if side == ReferralSide.NONE:
        raise Http404
    if side == ReferralSide.RECEIVER and not documents_allowed(referral=referral):
        raise Http404
    try:
        document = referral.documents.filter(pk=int(document_id)).first()
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if document is None:
        raise Http404
    document.referral = referral
    return document, side


def document_open(document: ReferralDocument):
    return (_root() / document.path).open("rb")
