"""Personal API tokens: stored as digests only, created and revoked by the user (account page)
and by an administrator (admin), with history; revoked and expired tokens stop working at once."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, token_digest
from api.services import api_token_create, api_token_revoke
from tests.conftest import login


def _me(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get(reverse("api:me"))


def test_only_the_digest_is_stored(personas):
    token, raw = api_token_create(actor=personas.partner_x, user=personas.partner_x, name="CMS")
    assert raw.startswith("cb_") and len(raw) > 40
    assert token.digest == token_digest(raw) and raw not in token.digest
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM api_historicalapitoken")
        rows += cursor.fetchall()
    assert not any(raw in str(value) for row in rows for value in row)
    assert _me(raw).json()["username"] == "partner_x"


def test_revoked_and_expired_tokens_stop_working(personas):
    token, raw = api_token_create(actor=personas.partner_x, user=personas.partner_x, name="CMS")
    api_token_revoke(actor=personas.partner_x, token=token)
    assert _me(raw).status_code == 401
    token, raw = api_token_create(
        actor=personas.partner_x,
        user=personas.partner_x,
        name="CMS",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert _me(raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert _me(raw).status_code == 401
    personas.partner_x.is_active = False
    personas.partner_x.save()
    _token, raw = api_token_create(actor=personas.partner_x, user=personas.partner_x, name="x")
    assert _me(raw).status_code == 401


def test_a_user_creates_and_revokes_a_token_on_the_account_page(personas, client):
    login(client, personas.partner_x)
    page = client.post(reverse("api_tokens:list"), {"name": "Agency X CMS", "expires_in": "90"})
    assert page.status_code == 200
    raw = page.context["new_token"]
    assert raw in page.content.decode()
    assert _me(raw).status_code == 200
    token = ApiToken.objects.get()
    assert token.history.get().history_user == personas.partner_x
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert "Agency X CMS" in listing and raw not in listing  # shown once
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert _me(raw).status_code == 401
    assert token.history.order_by("history_date").last().history_user == personas.partner_x


def test_a_blank_name_is_refused_and_creates_nothing(personas, client):
    login(client, personas.partner_x)
    page = client.post(reverse("api_tokens:list"), {"name": "  ", "expires_in": ""})
    assert page.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["navigator_a", "partner_y", "outsider"])
def test_no_one_else_can_revoke_a_users_token(personas, client, persona):
    token, raw = api_token_create(actor=personas.partner_x, user=personas.partner_x, name="CMS")
    login(client, getattr(personas, persona))
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    assert "CMS" not in client.get(reverse("api_tokens:list")).content.decode()
    assert _me(raw).status_code == 200


def test_an_administrator_creates_and_revokes_tokens_in_the_admin(
    personas, client, django_user_model
):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {
            "user": personas.partner_x.pk,
            "name": "Agency X CMS",
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    [message] = [str(m) for m in response.context["messages"] if "cb_" in str(m)]
    raw = message.split(": ", 1)[1].split(" ")[0]
    assert token_digest(raw) == token.digest
    assert _me(raw).json()["username"] == "partner_x"
    assert token.history.get().history_user == admin
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert _me(raw).status_code == 401
    assert token.history.order_by("history_date").last().history_user == admin


def test_the_admin_refuses_a_past_expiry_with_a_message(personas, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"user": personas.partner_x.pk, "name": "Old", "expires_at_0": "01/02/2020",
         "expires_at_1": "10:00"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "The expiry date must be in the future." in response.content.decode()
    assert not ApiToken.objects.exists()
