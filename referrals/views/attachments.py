"""Documents on a referral: the list and upload page, and the access-checked download."""

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from referrals.access import (
    ReferralSide,
    document_for_read,
    get_referral_or_404,
    referral_side,
)
from referrals.attachments import (
    DocumentError,
    document_open,
    documents_allowed,
    referral_document_attach,
    referral_documents,
)
from referrals.forms import uswds_classes
from referrals.models import DocumentKind


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        uswds_classes(self.fields)
        self.fields["file"].widget.attrs["class"] = "usa-file-input__input"


@require_http_methods(["GET", "POST"])
def documents(request, code):
    referral = get_referral_or_404(user=request.user, reference_code=code)
    side = referral_side(user=request.user, referral=referral)
    if side == ReferralSide.NONE:
        raise Http404
    allowed = documents_allowed(referral=referral)
    if side == ReferralSide.RECEIVER and request.method == "POST":
        raise Http404
    form = DocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                referral_document_attach(
                    referral=referral,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except DocumentError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        for error in errors:
                            form.add_error(field, error)
                else:
                    form.add_error(None, exc)
            else:
                return redirect("referrals:documents", code=referral.reference_code)
        status = 400
    listed = (
        referral_documents(referral=referral) if (allowed or side == ReferralSide.SENDER) else []
    )
    return render(
        request,
        "referrals/documents.html",
        {
            "referral": referral,
            "documents": listed,
            "form": form if side == ReferralSide.SENDER and allowed else None,
            "allowed": allowed,
            "title": _("Documents for referral %(code)s") % {"code": referral.reference_code},
        },
        status=status,
    )


@require_GET
def document_download(request, code, document_id):
    document, _side = document_for_read(request, code, document_id)
    referral = document.referral
    response = FileResponse(
        document_open(document),
        content_type=document.content_type,
        as_attachment=True,
        filename=f"{referral.reference_code}-{document.kind}-{document.pk}.{document.extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
