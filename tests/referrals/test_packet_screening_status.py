"""The packet says what the stamped screening said, in every status and language (issue 9,
finding 11: the agency copy said "likely eligible" for a "not eligible" screening)."""

import copy as copy_module

import pytest

from referrals.models import Referral
from referrals.packets.render import render_packet_html

from .packet_helpers import SNAPSHOT, make_referral, phrase

pytestmark = pytest.mark.django_db

NOT_MET = {
    "message_id": "lte.not_met",
    "params": {
        "fact": {"fact": "monthly_gross_income"},
        "actual": {"fact": "monthly_gross_income", "value": "2300"},
        "expected": {"fact": "monthly_gross_income", "value": "1000"},
    },
    "outcome": "not_met",
}
UNKNOWN = {
    "message_id": "fact.unknown",
    "params": {"fact": {"fact": "is_student"}},
    "outcome": "unknown",
}
NO_RULES = {"message_id": "rules.none", "params": {}, "outcome": "info"}

SNAPSHOTS = {
    "likely": {"status": "likely_eligible", "reasons": SNAPSHOT["reasons"][:1]},
    "need_info": {"status": "need_more_info", "reasons": [SNAPSHOT["reasons"][0], UNKNOWN]},
    "not_eligible": {"status": "not_eligible", "reasons": [NOT_MET]},
    "open": {"status": "likely_eligible", "reasons": [NO_RULES]},
}
STATUSES = list(SNAPSHOTS)


def flat(html: str) -> str:
    return " ".join(html.replace("&#x27;", "'").split())


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("language", ["en", "es", "vi", "pa", "hi"])
def test_client_copy_states_the_screenings_status(personas, status, language):
    referral = make_referral(personas, language=language)
    Referral.objects.filter(pk=referral.pk).update(
        screening_snapshot=copy_module.deepcopy(SNAPSHOTS[status])
    )
    referral.refresh_from_db()
    html = flat(render_packet_html(referral=referral, language=language, copy="client"))
    assert flat(phrase(language, f"screened_{status}_client")) in html
    for other in set(STATUSES) - {status}:
        assert flat(phrase(language, f"screened_{other}_client")) not in html


@pytest.mark.parametrize("status", STATUSES)
def test_agency_copy_states_the_screenings_status(personas, status):
    referral = make_referral(personas, language="pa")
    Referral.objects.filter(pk=referral.pk).update(
        screening_snapshot=copy_module.deepcopy(SNAPSHOTS[status])
    )
    referral.refresh_from_db()
    html = flat(render_packet_html(referral=referral, language="en", copy="agency"))
    assert flat(phrase("en", f"screened_{status}_agency")) in html
    for other in set(STATUSES) - {status}:
        assert flat(phrase("en", f"screened_{other}_agency")) not in html
    if status == "not_eligible":  # what was not met is quoted (the consent covers intake)
        assert "Monthly gross income is $2,300, over $1,000" in html
        assert "likely eligible" not in html
    if status == "need_info":
        assert "Not known yet: Student" in html
