"""A role opens an organization's work only when it is the user's own role there: centers_of
and agencies_of ask about the user's membership, not whether anyone at the organization has
the role. (They once used two joins: a program manager who was also a member of a center got
the center's sent referrals because the center had navigators.)"""

from casework import services
from casework.access import agencies_of, centers_for_request, centers_of
from casework.models import Role
from referrals.access import referrals_sent_by
from tests.conftest import login

from ..referrals.referral_helpers import program_x, send


def test_a_member_without_the_role_does_not_work_for_the_center(rf, personas, client_a):
    referral = send(personas, client_a, program=program_x(personas))
    manager = personas.manager
    services.membership_create(
        user=manager, organization=personas.center_a, role=Role.PROGRAM_MANAGER
    )
    services.membership_create(
        user=manager, organization=personas.agency_x, role=Role.PROGRAM_MANAGER
    )
    # Center A has a navigator and agency X partner staff; the manager is neither.
    assert list(centers_of(manager)) == []
    assert list(agencies_of(manager)) == []
    assert list(referrals_sent_by(user=manager)) == []
    request = rf.get("/")
    request.user = manager
    assert centers_for_request(request) == []  # the request's reading agrees
    # The navigator still works for the center, and the partner for the agency.
    assert list(centers_of(personas.navigator_a)) == [personas.center_a]
    assert list(agencies_of(personas.partner_x)) == [personas.agency_x]
    assert list(referrals_sent_by(user=personas.navigator_a)) == [referral]


def test_the_referral_page_stays_closed_to_such_a_member(client, personas, client_a):
    referral = send(personas, client_a, program=program_x(personas))
    services.membership_create(
        user=personas.manager, organization=personas.center_a, role=Role.PROGRAM_MANAGER
    )
    login(client, personas.manager)
    assert client.get(f"/referrals/r/{referral.reference_code}/").status_code == 404
