import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import api_token_create
from casework import services as casework_services
from casework.models import Role
from tests.factories import UserFactory
from tests.referrals.referral_helpers import program_x, send


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()  # throttling counts live in the cache
    yield
    cache.clear()


@pytest.fixture
def org_admin_x(personas):
    """Organization administrator of Agency X (subscribes webhooks; also partner-side access)."""
    user = UserFactory(username="admin_x", first_name="Ada", last_name="Admin")
    casework_services.membership_create(
        user=user, organization=personas.agency_x, role=Role.ORG_ADMIN
    )
    return user


def token_for(user) -> str:
    _token, raw = api_token_create(actor=user, user=user, name="test system")
    return raw


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


@pytest.fixture
def referral(personas, client_a):
    return send(personas, client_a)


@pytest.fixture
def program(personas):
    return program_x(personas)
