import pytest
from django.urls import reverse

from casework.audit import access_log_append
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize(
    "model", ["organization", "membership", "user", "client", "consent", "accesslogentry"]
)
def test_admin_lists_open(admin_client, personas, client_a, model):
    response = admin_client.get(reverse(f"admin:casework_{model}_changelist"))
    assert response.status_code == 200


def test_user_admin_has_language_and_memberships(admin_client, personas):
    url = reverse("admin:casework_user_change", args=[personas.navigator_a.pk])
    body = admin_client.get(url).content.decode()
    assert 'name="language"' in body
    assert "memberships-TOTAL_FORMS" in body


def test_client_admin_shows_history(admin_client, client_a):
    url = reverse("admin:casework_client_history", args=[client_a.pk])
    assert admin_client.get(url).status_code == 200


def test_access_log_is_read_only_in_admin(admin_client, personas, client_a):
    entry = access_log_append(
        user=personas.navigator_a,
        organization=personas.center_a,
        object_type="client",
        object_id=client_a.pk,
        client_id=client_a.pk,
    )
    assert admin_client.get(reverse("admin:casework_accesslogentry_add")).status_code == 403
    change = reverse("admin:casework_accesslogentry_change", args=[entry.pk])
    assert admin_client.post(change, {"action": "download"}).status_code == 403
    delete = reverse("admin:casework_accesslogentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "view"
