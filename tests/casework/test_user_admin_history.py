"""User accounts changed in the admin go through the user services: each change is in the
user's history naming the administrator, and the password hash is never in that history."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from casework.models import User
from tests.admin_forms import admin_form_data
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "correct horse battery staple 42"


def change(admin, user, **changes):
    url = reverse("admin:casework_user_change", args=[user.pk])
    user.refresh_from_db()
    # The dates are split date and time inputs on the page.
    dates = {
        "date_joined": None,
        "last_login": None,
        "date_joined_0": timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(user.date_joined).strftime("%H:%M:%S"),
    }
    response = admin.post(url, admin_form_data(admin.get(url), **dates, **changes))
    assert response.status_code == 302, response.context and response.context["errors"]
    return User.history.filter(id=user.pk).order_by("-history_id").first()


def test_user_created_in_the_admin(admin, admin_user):
    response = admin.post(
        reverse("admin:casework_user_add"),
        {
            "username": "lan.nguyen",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "first_name": "Lan",
            "last_name": "Nguyen",
            "email": "lan@example.org",
            "language": "vi",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    user = User.objects.get(username="lan.nguyen")
    assert user.check_password(NEW_PASSWORD)
    created = user.history.get()
    assert (created.history_type, created.history_user) == ("+", admin_user)
    assert (created.first_name, created.language) == ("Lan", "vi")


def test_user_deactivated_made_staff_and_given_a_permission(admin, admin_user):
    user = UserFactory(username="worker", is_active=True, is_staff=False)

    deactivated = change(admin, user, is_active=None)
    assert (deactivated.is_active, deactivated.history_user) == (False, admin_user)

    made_staff = change(admin, user, is_staff="on")
    assert (made_staff.is_staff, made_staff.history_user) == (True, admin_user)

    permission = Permission.objects.get(codename="view_program")
    given = change(admin, user, user_permissions=[str(permission.pk)])
    assert given.history_user == admin_user
    assert [p.permission for p in given.user_permissions.all()] == [permission]
    user.refresh_from_db()
    assert (user.is_active, user.is_staff) == (False, True)
    assert list(user.user_permissions.all()) == [permission]


def test_password_changed_in_the_admin_is_in_the_history_without_the_hash(admin, admin_user):
    user = UserFactory(username="worker")
    before = user.history.count()
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = admin.post(
        url,
        {
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "set-password": "",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.history.count() == before + 1
    changed = user.history.order_by("-history_id").first()
    assert (changed.history_type, changed.history_user) == ("~", admin_user)
    history_columns = {f.name for f in User.history.model._meta.fields}
    assert "password" not in history_columns and "last_login" not in history_columns
    assert not any(user.password in str(row) for row in user.history.values_list())


def test_a_weak_password_is_refused_and_changes_nothing(admin):
    user = UserFactory(username="worker")
    old_hash = user.password
    response = admin.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": "worker", "password2": "worker"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old_hash


def test_signing_in_is_not_a_change_of_the_account(client):
    user = UserFactory(username="worker")
    before = user.history.count()
    login(client, user)
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before
