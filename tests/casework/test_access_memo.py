"""What a request reads about its user's access (grant keys, memberships, center and agency
ids) is read once per request and written into the visibility queries as values; a write to
memberships during the request is seen at once; outside a request nothing is kept."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import services
from casework.access import (
    access_memo_scope,
    agencies_of,
    agency_ids_of,
    center_ids_of,
    centers_of,
    clients_visible_to,
)
from casework.models import Role
from referrals.access import referrals_visible_to


def _ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_in_a_request_the_ids_are_those_the_database_gives(personas):
    # A member without the role (the manager at center A) counts for neither reading.
    services.membership_create(
        user=personas.manager, organization=personas.center_a, role=Role.PROGRAM_MANAGER
    )
    personas.center_b.is_active = False  # an inactive center counts for neither
    personas.center_b.save()
    for user in personas.all_users.values():
        outside = (center_ids_of(user), agency_ids_of(user))
        assert outside == (_ids(centers_of(user)), _ids(agencies_of(user)))
        with access_memo_scope():
            assert (center_ids_of(user), agency_ids_of(user)) == outside
    assert center_ids_of(personas.navigator_a) == [personas.center_a.pk]
    assert center_ids_of(personas.navigator_b) == []


def test_a_request_reads_its_users_access_once(personas, client_a):
    user = personas.navigator_a
    with access_memo_scope():
        list(referrals_visible_to(user=user))  # reads the memberships and grant keys
        with CaptureQueriesContext(connection) as again:
            list(referrals_visible_to(user=user))
            list(referrals_visible_to(user=user))
        assert len(again) == 2  # the two visibility queries, nothing re-read
        with CaptureQueriesContext(connection) as clients:
            list(clients_visible_to(user=user))
        assert len(clients) == 2  # the client grant keys once, then the clients
    # Outside a request every question reads again.
    with CaptureQueriesContext(connection) as outside:
        list(referrals_visible_to(user=user))
    assert len(outside) > 1


def test_a_membership_written_during_the_request_is_seen(personas, client_a):
    user = personas.outsider
    with access_memo_scope():
        assert center_ids_of(user) == []
        assert list(clients_visible_to(user=user)) == []
        services.membership_create(user=user, organization=personas.center_a, role=Role.NAVIGATOR)
        assert center_ids_of(user) == [personas.center_a.pk]
        assert client_a in clients_visible_to(user=user)
