"""An agency answers a referral from the emailed link: no account, no session (issue 13).

``referrals/links.py`` decides whether a link opens its referral. The page shows what the
consent releases (``referral_disclosure``) and the agency's lifecycle actions, which go through
``referral_transition`` with the link (same lock, rules, messages and history). Each page shown
is a ``disclose`` access-log row naming the link's address. The POST answers with the page itself,
never a redirect with a session message: nothing is stored in a session.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.security import UNSAFE, rate_limit
from referrals.access import (
    ReferralSide,
    get_referral_or_404,
    referral_disclosed_to_link,
    referral_side,
)
from referrals.links import (
    LinkError,
    LinkProblem,
    LinkRevokeReason,
    referral_link_resolve,
    referral_links_revoke,
)
from referrals.services import ReferralActionError
from referrals.services.lifecycle import referral_transition
from referrals.transitions import TRANSITIONS, transitions_available

from .detail import _groups, _screening_lines

RECEIVER_ACTIONS = ("accept", "reject", "start", "complete", "fail")


def _private(response):
    # The token is in the URL: no Referer to other sites (same-origin keeps the form posts'
    # Origin header for the CSRF check), never cached or indexed.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _invalid(request, problem: LinkProblem):
    status = 404 if problem == LinkProblem.UNKNOWN else 410
    return _private(
        render(
            request,
            "referrals/answer_invalid.html",
            {"message": LinkError(problem).message},
            status=status,
        )
    )


def _page(request, link, *, forms=None, notice="", errors=(), status=200):
    referral = link.referral
    disclosed = referral_disclosed_to_link(link=link)
    forms = forms or {}
    # The agency's actions and their forms come from the one transition table.
    actions = [
        {
            "name": t.action,
            "label": t.label,
            "form": forms.get(t.action) or t.make_form(),
            "danger": t.danger,
        }
        for t in transitions_available(status=referral.status, side=ReferralSide.RECEIVER)
    ]
    return _private(
        render(
            request,
            "referrals/answer.html",
            {
                "referral": referral,
                "link": link,
                "disclosed": disclosed,
                "screening_lines": _screening_lines(referral, disclosed),
                "disclosed_groups": _groups(disclosed),
                "actions": actions,
                "notice": notice,
                "errors": list(errors),
            },
            status=status,
        )
    )


@login_not_required
@require_GET
@rate_limit("referral_link")
def answer(request, code, token):
    try:
        link = referral_link_resolve(code=code, token=token)
    except LinkError as exc:
        return _invalid(request, exc.problem)
    link.token = token  # for the forms' URLs; never stored
    return _page(request, link)


@login_not_required
@require_POST
@rate_limit("referral_link", methods=UNSAFE)
def answer_act(request, code, token, action):
    if action not in RECEIVER_ACTIONS:
        raise Http404
    try:
        link = referral_link_resolve(code=code, token=token)
    except LinkError as exc:
        return _invalid(request, exc.problem)
    link.token = token  # for the forms' URLs; never stored
    form = TRANSITIONS[action].make_form(request.POST)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _page(request, link, forms={action: form}, errors=errors, status=400)
    data = form.cleaned_data
    try:
        referral = referral_transition(
            referral=link.referral,
            actor=None,
            link=link,
            action=action,
            note=data.get("note", ""),
            code=data.get("code", ""),
            decided_by=data.get("decided_by", ""),
        )
    except LinkError as exc:
        return _invalid(request, exc.problem)
    except ReferralActionError as exc:
        link.referral.refresh_from_db()
        return _page(request, link, errors=exc.messages, status=409)
    link.referral = referral
    notice = _("Referral %(code)s is now %(status)s. Thank you.") % {
        "code": referral.reference_code,
        "status": referral.get_status_display().lower(),
    }
    if not referral.is_open:
        # The link stops working now; show the answer without the client's details.
        return _private(
            render(request, "referrals/answer_done.html", {"referral": referral, "notice": notice})
        )
    return _page(request, link, notice=notice)


@require_http_methods(["POST"])
def answer_links_revoke(request, code):
    """The sending center ends every emailed answer link of the referral."""
    referral = get_referral_or_404(user=request.user, reference_code=code)
    if referral_side(user=request.user, referral=referral) != ReferralSide.SENDER:
        raise Http404
    count = referral_links_revoke(
        referral=referral, actor=request.user, reason=LinkRevokeReason.STAFF
    )
    messages.success(
        request,
        _("The agency's emailed links to %(code)s no longer work (%(count)s ended).")
        % {"code": referral.reference_code, "count": count},
    )
    return redirect("referrals:detail", code=referral.reference_code)
