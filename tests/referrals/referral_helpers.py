"""Referrals for lifecycle tests, made through referral_send like a navigator would."""

from referrals.models import Referral, ReferralStatus
from referrals.services import referral_send
from tests.factories import ProgramFactory

# The status a referral is put in, and the (action, kwargs) moves that get it there.
PATH_TO = {
    ReferralStatus.REQUESTED: [],
    ReferralStatus.ACCEPTED: [("accept", {})],
    ReferralStatus.REJECTED: [("reject", {"code": "no_capacity"})],
    ReferralStatus.CANCELLED: [("cancel", {})],
    ReferralStatus.IN_PROGRESS: [("accept", {}), ("start", {})],
    ReferralStatus.COMPLETED: [
        ("accept", {}),
        ("start", {}),
        ("complete", {"code": "got_help", "decided_by": "provider"}),
    ],
    ReferralStatus.FAILED: [
        ("accept", {}),
        ("start", {}),
        ("fail", {"code": "could_not_contact", "decided_by": "provider"}),
    ],
}


def program_x(personas, **kwargs):
    kwargs.setdefault("name", "CalFresh application help")
    return ProgramFactory(agency=personas.agency_x, need_categories=["food"], **kwargs)


def send(personas, client, *, program=None, **kwargs) -> Referral:
    kwargs.setdefault("need_category", "food")
    kwargs.setdefault("urgency", "routine")
    kwargs.setdefault("reason", "Family of four, income dropped after a layoff.")
    kwargs.setdefault("note_to_agency", "Call after 3pm; Spanish speaker.")
    # Tests that send one program twice to a client say why, as a navigator must.
    kwargs.setdefault("duplicate_reason", "Second appointment for another family member.")
    return referral_send(
        actor=personas.navigator_a,
        client=client,
        program=program or program_x(personas),
        **kwargs,
    )


def move_to(personas, referral, status) -> Referral:
    from referrals.services import referral_transition

    for action, kwargs in PATH_TO[status]:
        actor = personas.navigator_a if action == "cancel" else personas.partner_x
        referral = referral_transition(referral=referral, actor=actor, action=action, **kwargs)
    return referral


class count_queries:
    """Counts the queries run inside the block (unlike CaptureQueriesContext, it does not depend
    on connection.queries, which stops growing after 9,000 queries in a long test)."""

    def __enter__(self):
        from django.db import connection

        self.count = 0
        self._cm = connection.execute_wrapper(self._wrapper)
        self._cm.__enter__()
        return self

    def _wrapper(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)
