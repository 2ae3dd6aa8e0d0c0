"""The referral page (both sides) and its lifecycle actions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.history import describe_history
from referrals.access import (
    ReferralSide,
    get_referral_or_404,
    referral_for_read,
    referral_side,
)
from referrals.forms import AssignForm
from referrals.links import referral_links_live
from referrals.models import DecidedBy
from referrals.selectors import referral_detail
from referrals.services import ReferralActionError, agency_colleagues, referral_assign
from referrals.services.lifecycle import referral_transition
from referrals.templatetags.referral_tags import reason_text
from referrals.transitions import TRANSITIONS, transitions_available

from ._common import url_or_none

# Bookkeeping a reader of the referral's history does not need.
HISTORY_IGNORED = {
    "reference_code",
    "program",
    "agency",
    "sending_center",
    "sent_by",
    "consent",
    "intake",
    "screening_snapshot",
    "status_changed_at",
    "first_response_at",
    "packet_status",
    "packet_language",
    "packet_client_file",
    "packet_agency_file",
    "packet_rendered_at",
    "packet_error",
    "packet_disclosed",
    "closed_at",
    # Set by the daily follow-up (no acting user); shown under "Follow-up" instead.
    "reminder_sent_at",
    "overdue_at",
    # Each status change is listed once, as an event with its reason or outcome and note.
    "status",
    "rejection_reason",
    "outcome",
    "decided_by",
    "outcome_note",
    # The client's answer is shown as "client-reported outcome"; these are its bookkeeping.
    "client_outcome_at",
    "client_confirm_sent_at",
    "client_follow_up_done_at",
}


def _history(referral):
    rows = referral.history.select_related("history_user").order_by("history_date")
    return describe_history(rows, ignore=HISTORY_IGNORED, subject=lambda row: _("the referral"))


def _screening_lines(referral, disclosed) -> list[str]:
    """The screening reasons as the reader may see them: all of them for the sending center;
    for the agency, the covered ones and, in place of the others, the rule's explanation."""
    if disclosed is None:
        return [reason_text(r) for r in (referral.screening_snapshot or {}).get("reasons") or []]
    lines = []
    for shown in disclosed.reasons:
        if shown.covered:
            lines.append(reason_text(shown.reason))
        elif isinstance(shown.reason, dict) and (shown.reason.get("explanation") or "").strip():
            lines.append(shown.reason["explanation"].strip())
    return [line for line in dict.fromkeys(lines) if line]


def _groups(disclosed) -> list[dict]:
    if disclosed is None:
        return []
    titles = {
        "contact": _("Contact"),
        "demographics": _("Demographics"),
        "intake": _("Intake answers"),
    }
    return [
        {"scope": scope, "title": title, "items": disclosed.by_scope(scope)}
        for scope, title in titles.items()
    ]


@require_GET
def detail(request, code):
    read = referral_for_read(request, code)
    referral, side, disclosed = read.referral, read.side, read.disclosure
    actions = [
        {"transition": t, "form": t.make_form()}
        for t in transitions_available(status=referral.status, side=side)
    ]
    assign_form = None
    if side == ReferralSide.RECEIVER:
        # Listed whether or not the form shows, so the page's query count does not depend on it.
        colleagues = list(agency_colleagues(agency=referral.agency))
        if referral.is_open:
            assign_form = AssignForm(
                initial={"assignee": referral.assigned_to_id}, colleagues=colleagues
            )
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "side": str(side),
            "is_sender": side == ReferralSide.SENDER,
            "can_render_again": side == ReferralSide.SENDER,
            "assign_form": assign_form,
            "disclosed": disclosed,
            "screening_lines": _screening_lines(referral, disclosed),
            "disclosed_groups": _groups(disclosed),
            "actions": actions,
            "history": _history(referral),
            "client_url": url_or_none("casework:client_detail", referral.client_id)
            if side == ReferralSide.SENDER
            else None,
            "packet_url": url_or_none("referrals:packet_status", referral.reference_code),
            "answer_links": referral_links_live(referral=referral)
            if side == ReferralSide.SENDER
            else [],
            **referral_detail(referral=referral),
        },
    )


@require_POST
def act(request, code, action):
    referral = get_referral_or_404(user=request.user, reference_code=code)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Http404
    form = transition.make_form(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Please check the form: %(errors)s")
            % {"errors": "; ".join(str(e) for errs in form.errors.values() for e in errs)},
        )
        return redirect("referrals:detail", code=referral.reference_code)
    data = form.cleaned_data
    if (
        transition.closing
        and request.POST.get("confirmed") != "yes"
        and referral_side(user=request.user, referral=referral) == transition.side
    ):
        # A closing action is recorded only after the person has seen what it will record.
        return render(
            request,
            "referrals/confirm_action.html",
            {
                "referral": referral,
                "transition": transition,
                "code_label": dict(transition.codes).get(data.get("code", "")),
                "decided_by_label": dict(DecidedBy.choices).get(data.get("decided_by", "")),
                "data": data,
            },
        )
    try:
        referral = referral_transition(
            referral=referral,
            actor=request.user,
            action=action,
            note=data.get("note", ""),
            code=data.get("code", ""),
            decided_by=data.get("decided_by", ""),
        )
    except ReferralActionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Referral %(code)s is now %(status)s.")
            % {"code": referral.reference_code, "status": referral.get_status_display().lower()},
        )
    return redirect("referrals:detail", code=referral.reference_code)


@require_POST
def assign(request, code):
    """Partner staff assign the referral to a colleague at their agency (or to nobody)."""
    referral = get_referral_or_404(user=request.user, reference_code=code)
    if referral_side(user=request.user, referral=referral) != ReferralSide.RECEIVER:
        raise Http404
    form = AssignForm(request.POST, colleagues=list(agency_colleagues(agency=referral.agency)))
    if not form.is_valid():
        message = _("Choose someone who works at %(agency)s.") % {"agency": referral.agency}
        messages.error(request, message)
        return redirect("referrals:detail", code=referral.reference_code)
    assignee = form.cleaned_data["assignee"]
    try:
        referral_assign(referral=referral, actor=request.user, assignee=assignee)
    except ReferralActionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if assignee is None:
            messages.success(request, _("Nobody is assigned to this referral now."))
        else:
            messages.success(
                request,
                _("Referral %(code)s is assigned to %(name)s.")
                % {"code": referral.reference_code, "name": assignee.get_full_name() or assignee},
            )
    return redirect("referrals:detail", code=referral.reference_code)
