"""Signing in and out, lockout, session timeouts, pages closed to anonymous users, language."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.personas import PASSWORD

LOGIN_URL = reverse("login")


def _dashboard():
    return reverse("casework:dashboard")


def _sign_in(client, username, password):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def _is_signed_in(client) -> bool:
    response = client.get(_dashboard())
    return response.status_code == 200


# Sign in and out ----------------------------------------------------------------------------


def test_login_page_is_open_to_anonymous_users(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label class="usa-label" for="id_username">' in page
    assert 'type="password"' in page


def test_sign_in_and_out(client, personas):
    response = _sign_in(client, "nav_a", PASSWORD)
    assert response.status_code == 302
    assert response.url == _dashboard()
    assert _is_signed_in(client)

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    response = client.get(_dashboard())
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_wrong_password_is_refused_with_a_message(client, personas):
    response = _sign_in(client, "nav_a", "not the password")
    assert response.status_code == 200
    assert "usa-alert--error" in response.content.decode()
    assert not _is_signed_in(client)


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client, personas):
    wanted = reverse("casework:client_list")
    response = client.post(
        f"{LOGIN_URL}?next={wanted}", {"username": "nav_a", "password": PASSWORD, "next": wanted}
    )
    assert response.url == wanted

    client.post(reverse("logout"))
    response = client.post(
        LOGIN_URL, {"username": "nav_a", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == _dashboard()


# Lockout (django-axes) ----------------------------------------------------------------------


def _fail(client, times, username="nav_a"):
    for _ in range(times):
        response = _sign_in(client, username, "wrong password")
        assert response.status_code == 200  # the form again, with an error


def _lock(client, username="nav_a"):
    _fail(client, 4, username)
    response = _sign_in(client, username, "wrong password")  # the fifth failure locks
    assert response.status_code == 429
    return response


def test_five_failures_lock_the_account_for_fifteen_minutes(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        response = _lock(client)
        page = response.content.decode()
        assert "Too many failed sign-in attempts" in page
        assert f'href="{LOGIN_URL}"' in page

        # The sixth attempt, even with the right password, is refused.
        response = _sign_in(client, "nav_a", PASSWORD)
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in response.content.decode()
        assert not _is_signed_in(client)

        # Still locked just before the cool-off ends.
        traveller.shift(datetime.timedelta(minutes=14, seconds=50))
        assert _sign_in(client, "nav_a", PASSWORD).status_code == 429
        assert not _is_signed_in(client)

        # After 15 minutes the right password works again.
        traveller.move_to(start + datetime.timedelta(minutes=15, seconds=10))
        response = _sign_in(client, "nav_a", PASSWORD)
        assert response.status_code == 302
        assert response.url == _dashboard()
        assert _is_signed_in(client)


def test_four_failures_do_not_lock_and_success_resets_the_count(client, personas):
    _fail(client, 4)
    assert _sign_in(client, "nav_a", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="nav_a").exists()
    client.post(reverse("logout"))

    # The count started again: four more failures still do not lock.
    _fail(client, 4)
    assert _sign_in(client, "nav_a", PASSWORD).status_code == 302


def test_lockout_of_one_user_does_not_lock_another(client, personas):
    _lock(client, username="nav_a")
    assert _sign_in(client, "nav_a", PASSWORD).status_code == 429
    assert _sign_in(client, "nav_b", PASSWORD).status_code == 302


# Session timeouts ---------------------------------------------------------------------------


def test_session_ends_after_thirty_idle_minutes(client, personas):
    assert datetime.timedelta(minutes=30) == settings.SESSION_IDLE_TIMEOUT
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _sign_in(client, "nav_a", PASSWORD)
        traveller.shift(datetime.timedelta(minutes=29))
        assert _is_signed_in(client)  # activity keeps the session alive...

        traveller.shift(datetime.timedelta(minutes=29))
        assert _is_signed_in(client)  # ...58 minutes after signing in

        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("casework:client_list"))
        assert response.status_code == 302
        assert response.url == f"{LOGIN_URL}?next={reverse('casework:client_list')}"
        page = client.get(response.url).content.decode()
        assert "Your session ended. Please sign in again." in page

        # The session is gone for good, not just for one request.
        assert not _is_signed_in(client)


def test_session_ends_after_the_absolute_lifetime_even_when_active(client, personas):
    lifetime = settings.SESSION_ABSOLUTE_LIFETIME
    assert lifetime == datetime.timedelta(hours=12)
    assert lifetime.total_seconds() == settings.SESSION_COOKIE_AGE
    step = datetime.timedelta(minutes=20)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _sign_in(client, "nav_a", PASSWORD)
        elapsed = datetime.timedelta(0)
        while elapsed + step <= lifetime:
            traveller.shift(step)
            elapsed += step
            assert _is_signed_in(client), f"signed out after {elapsed}"
        traveller.shift(step)  # 12 h 20 min after signing in
        assert not _is_signed_in(client)


def test_timed_out_htmx_request_sends_the_whole_page_to_sign_in(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _sign_in(client, "nav_a", PASSWORD)
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(_dashboard(), headers={"HX-Request": "true"})
        assert response["HX-Redirect"] == LOGIN_URL


def test_a_form_posted_after_the_timeout_is_not_carried_out(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _sign_in(client, "nav_a", PASSWORD)
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.post(reverse("language_update"), {"language": "es", "next": "/"})
        assert response.status_code == 302
        assert response.url == f"{LOGIN_URL}?next=/"
    personas.navigator_a.refresh_from_db()
    assert personas.navigator_a.language == "en"


# Nothing but the login page without signing in ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/clients/",
        "/clients/new/",
        "/clients/1/",
        "/account/language/",
    ],
)
def test_anonymous_users_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={url}"


def test_anonymous_post_is_not_carried_out(client, personas):
    response = client.post(reverse("language_update"), {"language": "es"})
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_admin_sends_anonymous_users_to_its_own_sign_in(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_static_files_are_served_without_signing_in(client, db, settings):
    settings.WHITENOISE_USE_FINDERS = True  # tests do not depend on collectstatic
    response = client.get("/static/css/casebridge.css")
    assert response.status_code == 200


# Interface language -------------------------------------------------------------------------


def _html_lang(response) -> str:
    page = response.content.decode()
    start = page.index("<html lang=") + len('<html lang="')
    return page[start : page.index('"', start)]


def test_each_user_chooses_the_interface_language(client, personas):
    login(client, personas.navigator_a)
    response = client.get(_dashboard())
    assert _html_lang(response) == "en"

    response = client.post(reverse("language_update"), {"language": "es", "next": _dashboard()})
    assert response.status_code == 302
    assert response.url == _dashboard()
    response = client.get(_dashboard())
    assert _html_lang(response) == "es"
    assert response["Content-Language"] == "es"
    assert '<option value="es" selected' in response.content.decode()

    # The choice follows the user to a new session, whatever the browser asks for...
    personas.navigator_a.refresh_from_db()
    assert personas.navigator_a.language == "es"
    # Through the user service: the account's history says the user set it themselves.
    latest = personas.navigator_a.history.latest()
    assert (latest.language, latest.history_user) == ("es", personas.navigator_a)
    client.post(reverse("logout"))
    login(client, personas.navigator_a)
    response = client.get(_dashboard(), headers={"Accept-Language": "vi"})
    assert _html_lang(response) == "es"

    # ...and is theirs alone.
    other = login(client.__class__(), personas.navigator_b)
    assert _html_lang(other.get(_dashboard())) == "en"


def test_sign_in_page_keeps_the_language_after_sign_out(client, personas):
    login(client, personas.navigator_a)
    client.post(reverse("language_update"), {"language": "vi", "next": "/"})
    client.post(reverse("logout"))
    assert _html_lang(client.get(LOGIN_URL)) == "vi"


def test_unknown_language_is_refused(client, personas):
    login(client, personas.navigator_a)
    response = client.post(reverse("language_update"), {"language": "xx"}, follow=True)
    assert "That language is not available." in response.content.decode()
    personas.navigator_a.refresh_from_db()
    assert personas.navigator_a.language == "en"


def test_language_change_never_redirects_off_site(client, personas):
    login(client, personas.navigator_a)
    response = client.post(
        reverse("language_update"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response.url == "/"


# Language before sign-in --------------------------------------------------------------------


def test_sign_in_page_follows_the_browsers_language(client, db):
    response = client.get(LOGIN_URL, headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    page = response.content.decode()
    assert _html_lang(response) == "es"
    assert "Iniciar sesión en Casebridge" in page
    # The five languages, each named in its own script and marked with its language.
    for code, autonym in [
        ("en", "English"),
        ("es", "Español"),
        ("vi", "Tiếng Việt"),
        ("pa", "ਪੰਜਾਬੀ"),
        ("hi", "हिन्दी"),
    ]:
        assert f'value="{code}" lang="{code}"' in page
        assert f">{autonym}</button>" in page
    assert 'value="es" lang="es" aria-pressed="true"' in page

    response = client.get(LOGIN_URL, headers={"Accept-Language": "hi"})
    assert _html_lang(response) == "hi"
    assert response["Content-Language"] == "hi"


def test_a_language_chosen_on_the_sign_in_page_wins_and_is_kept_at_sign_in(client, personas):
    response = client.post(reverse("signin_language"), {"language": "vi", "next": "/clients/"})
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=%2Fclients%2F"

    page = client.get(LOGIN_URL, headers={"Accept-Language": "es"})
    assert _html_lang(page) == "vi"  # the choice beats the browser

    _sign_in(client, "nav_a", PASSWORD)
    personas.navigator_a.refresh_from_db()
    assert personas.navigator_a.language == "vi"
    assert _html_lang(client.get(_dashboard())) == "vi"


def test_sign_in_language_refuses_unknown_languages_and_off_site_next(client, personas):
    response = client.post(
        reverse("signin_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.url == LOGIN_URL
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert _html_lang(client.get(LOGIN_URL)) == "en"
    _sign_in(client, "nav_a", PASSWORD)
    personas.navigator_a.refresh_from_db()
    assert personas.navigator_a.language == "en"
