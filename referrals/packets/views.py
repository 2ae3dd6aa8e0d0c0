"""Packet views: the live status partial, downloads (each one a logged disclosure), re-render.

Same access rule as the referral page (``referrals.access.referral_and_side``: sender or
receiver); anyone else gets 404, as for a referral that does not exist.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.security import rate_limit
from referrals.access import ReferralSide, packet_copy_for_read, referral_and_side

from .services import packet_rerender


def _partial(request, referral, side):
    context = {
        "referral": referral,
        "is_sender": side == ReferralSide.SENDER,
        "can_render_again": side == ReferralSide.SENDER,
    }
    return render(request, "referrals/_packet_status.html", context)


@require_GET
def packet_status(request, code):
    """The packet box; while the packet renders it polls itself (htmx) every 2 seconds."""
    referral, side = referral_and_side(request.user, code)
    return _partial(request, referral, side)


@require_GET
def packet_file(request, code, copy):
    referral, handle = packet_copy_for_read(request, code, copy)
    language = referral.packet_language if copy == "client" else "en"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{referral.reference_code}-{copy}-{language}.pdf",
        content_type="application/pdf",
    )


@require_GET
def packet_download(request, code):
    """The copy each side usually wants: the agency copy for the agency, the client's copy
    (to hand to the client) for the navigator."""
    referral, side = referral_and_side(request.user, code)
    copy = "agency" if side == ReferralSide.RECEIVER else "client"
    return packet_file(request, code=referral.reference_code, copy=copy)


@require_POST
@rate_limit("packet_render")
def packet_render_again(request, code):
    referral, side = referral_and_side(request.user, code)
    # A staff control of the sending center: the agency's copy is theirs to download only.
    if side != ReferralSide.SENDER:
        raise Http404
    scheduled = packet_rerender(referral=referral, actor=request.user)
    if request.htmx:
        referral.refresh_from_db()
        return _partial(request, referral, side)
    if scheduled:
        messages.success(request, _("The packet is being rendered again."))
    else:
        messages.info(request, _("The packet is already being rendered."))
    return redirect("referrals:detail", code=referral.reference_code)
