import pytest
from django.urls import reverse

from casework.audit import access_log_append


@pytest.mark.parametrize(
    "model", ["organization", "membership", "user", "client", "consent", "accesslogentry"]
)
def test_admin_lists_open(admin, personas, client_a, model):
    response = admin.get(reverse(f"admin:casework_{model}_changelist"))
    assert response.status_code == 200


def test_user_admin_has_language_and_memberships(admin, personas):
    url = reverse("admin:casework_user_change", args=[personas.navigator_a.pk])
    body = admin.get(url).content.decode()
    assert 'name="language"' in body
    assert "memberships-TOTAL_FORMS" in body


def test_client_admin_shows_history(admin, client_a):
    url = reverse("admin:casework_client_history", args=[client_a.pk])
    assert admin.get(url).status_code == 200


def test_access_log_is_read_only_in_admin(admin, personas, client_a):
    entry = access_log_append(
        user=personas.navigator_a,
        organization=personas.center_a,
        object_type="client",
        object_id=client_a.pk,
        client_id=client_a.pk,
    )
    assert admin.get(reverse("admin:casework_accesslogentry_add")).status_code == 403
    change = reverse("admin:casework_accesslogentry_change", args=[entry.pk])
    assert admin.post(change, {"action": "download"}).status_code == 403
    delete = reverse("admin:casework_accesslogentry_delete", args=[entry.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "view"


def test_household_members_edited_in_the_client_admin_go_through_the_services(
    admin, admin_user, client_a, monkeypatch
):
    """Added, changed and removed in the client page's inline: each through its household
    service, a history row naming the administrator; the client cannot be deleted there."""
    from casework import services
    from casework.models import HouseholdMember
    from tests.admin_forms import admin_form_data

    called = []
    for name in ("household_member_add", "household_member_update", "household_member_remove"):
        original = getattr(services, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            called.append((_name, kwargs["actor"].username))
            return _original(*args, **kwargs)

        monkeypatch.setattr(services, name, spy)

    url = reverse("admin:casework_client_change", args=[client_a.pk])
    prefix = "household"
    page = admin.get(url)
    data = admin_form_data(
        page,
        **{
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-name": "Bao Tran",
            f"{prefix}-0-relationship": "child",
            f"{prefix}-0-age": "7",
            f"{prefix}-0-client": str(client_a.pk),
        },
    )
    response = admin.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    member = HouseholdMember.objects.get(client=client_a)
    assert (member.name, member.age) == ("Bao Tran", 7)
    assert member.history.get().history_user == admin_user

    page = admin.get(url)
    response = admin.post(url, admin_form_data(page, **{f"{prefix}-0-age": "8"}))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.age == 8
    assert [h.history_user for h in member.history.all()] == [admin_user, admin_user]

    page = admin.get(url)
    response = admin.post(url, admin_form_data(page, **{f"{prefix}-0-DELETE": "on"}))
    assert response.status_code == 302
    assert not HouseholdMember.objects.filter(client=client_a).exists()
    removed = HouseholdMember.history.filter(id=member.pk, history_type="-").get()
    assert removed.history_user == admin_user

    assert called == [
        ("household_member_add", "admin"),
        ("household_member_update", "admin"),
        ("household_member_remove", "admin"),
    ]
    delete_page = admin.get(reverse("admin:casework_client_delete", args=[client_a.pk]))
    assert delete_page.status_code == 403
    assert client_a.__class__.objects.filter(pk=client_a.pk).exists()
