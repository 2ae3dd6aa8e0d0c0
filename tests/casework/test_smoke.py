import pytest
from django.http import Http404

from casework.access import clients_visible_to, get_client_or_404


def test_client_visible_only_to_own_center(personas, client_a):
    assert list(clients_visible_to(user=personas.navigator_a)) == [client_a]
    for name in ("navigator_b", "partner_x", "manager", "outsider"):
        user = personas.all_users[name]
        assert not clients_visible_to(user=user).exists(), name
        with pytest.raises(Http404):
            get_client_or_404(user=user, pk=client_a.pk)
