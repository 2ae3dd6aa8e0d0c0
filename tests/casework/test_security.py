"""Issue 9, "Headers and limits" (finding 12): CSP, HSTS, SSL redirect, Permissions-Policy,
no-store on client data, rate limits with a 429 page, lockout of one address."""

from html.parser import HTMLParser

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client as DjangoClient
from django.urls import reverse

from casework.models import User
from tests.conftest import login
from tests.personas import PASSWORD
from tests.referrals.packet_helpers import make_referral

LOGIN_URL = reverse("login")


class InlineCodeFinder(HTMLParser):
    """What a strict CSP (script-src/style-src 'self', no 'unsafe-inline') would block."""

    def __init__(self):
        super().__init__()
        self.blocked: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.blocked.append("inline <script>")
        if tag == "style":
            self.blocked.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"{tag} {name}=")
            if name == "style":
                self.blocked.append(f"{tag} style=")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.blocked.append(f"{tag} {name}=javascript:")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.blocked


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _pages(personas, client_a, referral):
    """(persona, url) pairs covering every kind of page, with forms showing errors too."""
    code = referral.reference_code
    return [
        (None, LOGIN_URL),
        (None, reverse("password_reset")),
        ("navigator_a", reverse("casework:dashboard")),
        ("navigator_a", reverse("casework:client_list") + "?q=Rosa"),
        ("navigator_a", reverse("casework:client_detail", args=[client_a.pk])),
        ("navigator_a", reverse("casework:client_create")),
        ("navigator_a", reverse("casework:client_update", args=[client_a.pk])),
        ("navigator_a", reverse("casework:intake_create", args=[client_a.pk])),
        ("navigator_a", reverse("referrals:detail", args=[code])),
        ("navigator_a", reverse("two_factor_setup")),
        ("partner_x", reverse("referrals:inbox")),
        ("partner_x", reverse("referrals:detail", args=[code])),
        ("manager", reverse("reports:dashboard")),
        ("manager", reverse("reports:run_list")),
    ]


def test_every_page_passes_a_csp_without_unsafe_inline(client, personas, client_a):
    referral = make_referral(personas)
    for persona, url in _pages(personas, client_a, referral):
        browser = DjangoClient()
        if persona:
            login(browser, getattr(personas, persona))
        response = browser.get(url)
        assert response.status_code == 200, (persona, url)
        policy = _csp(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert inline_code(response.content.decode()) == [], (persona, url)


def test_forms_with_errors_pass_the_csp(client, personas, client_a):
    """The error summary used to focus itself with an inline script."""
    login(client, personas.navigator_a)
    response = client.post(reverse("casework:client_create"), {"legal_first_name": ""})
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert inline_code(page) == []
    assert "js/casebridge" in page  # the focus behaviour now comes from the static file


def test_admin_pages_pass_the_csp(client, personas, client_a):
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    login(client, admin)
    for url in (
        reverse("admin:index"),
        reverse("admin:casework_client_changelist"),
        reverse("admin:casework_client_change", args=[client_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response
        assert [b for b in inline_code(response.content.decode()) if "script" in b] == [], url


def test_htmx_runs_without_eval_or_injected_styles(client, personas):
    login(client, personas.navigator_a)
    page = client.get(reverse("casework:dashboard")).content.decode()
    assert '"allowEval":false' in page
    assert '"includeIndicatorStyles":false' in page


def test_signed_in_pages_and_files_are_not_stored(client, personas, client_a):
    from referrals.packets.services import packet_render

    referral = make_referral(personas)
    assert packet_render(referral_id=referral.pk)
    login(client, personas.navigator_a)
    for url in (
        reverse("casework:client_detail", args=[client_a.pk]),
        reverse("casework:client_list") + "?q=Rosa",
        reverse("referrals:packet_status", args=[referral.reference_code]),
        reverse("referrals:packet_download", args=[referral.reference_code]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_permissions_policy_on_every_response(client, personas):
    response = client.get(LOGIN_URL)
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    login(client, personas.navigator_a)
    assert "microphone=()" in client.get(reverse("casework:dashboard"))["Permissions-Policy"]


def test_production_redirects_to_https_and_sends_hsts(settings, db):
    from django.conf import settings as live

    assert live.SECURE_HSTS_SECONDS >= 31536000  # DEBUG off: the production default
    settings.SECURE_SSL_REDIRECT = True
    browser = DjangoClient()
    response = browser.get(LOGIN_URL)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{LOGIN_URL}"
    secure = browser.get(LOGIN_URL, secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


# Rate limits --------------------------------------------------------------------------------

# django-ratelimit counts in fixed windows: a burst must not straddle a window's end.
FROZEN = "2026-11-02 10:00:05+00:00"


@time_machine.travel(FROZEN, tick=False)
def test_client_search_is_rate_limited_with_a_translated_429(client, personas, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "search": "5/m"}
    login(client, personas.navigator_a)
    url = reverse("casework:client_list")
    for n in range(5):
        assert client.get(url, {"q": f"name{n}"}).status_code == 200
    response = client.get(url, {"q": "one more"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Wait a minute, then try again." in response.content.decode()
    # Another user is not affected.
    other = login(DjangoClient(), personas.navigator_b)
    assert other.get(url, {"q": "x"}).status_code == 200

    personas.navigator_a.language = "es"
    personas.navigator_a.save()
    page = client.get(url, {"q": "otra"}).content.decode()
    assert "Espere un minuto y vuelva a intentarlo." in page
    assert "Wait a minute, then try again." not in page


@time_machine.travel(FROZEN, tick=False)
def test_htmx_search_over_the_limit_gets_a_fragment(client, personas, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "search": "1/m"}
    login(client, personas.navigator_a)
    url = reverse("casework:client_list")
    client.get(url, {"q": "a"}, HTTP_HX_REQUEST="true")
    response = client.get(url, {"q": "b"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    page = response.content.decode()
    assert 'id="rate-limited"' in page
    assert "<html" not in page


@time_machine.travel(FROZEN, tick=False)
def test_default_limits_stop_the_reported_bursts(client, personas):
    """Finding 12: 60 searches in 5.5 s were all accepted."""
    login(client, personas.navigator_a)
    url = reverse("casework:client_list")
    codes = [client.get(url, {"q": f"n{n}"}).status_code for n in range(60)]
    assert codes.count(200) == 30
    assert codes[30:] == [429] * 30


@time_machine.travel(FROZEN, tick=False)
def test_csv_exports_are_rate_limited(client, personas):
    login(client, personas.manager)
    url = reverse("reports:dashboard_csv")
    codes = [client.get(url).status_code for _ in range(30)]
    assert codes.count(200) == 10
    assert codes[10:] == [429] * 20


@time_machine.travel(FROZEN, tick=False)
def test_packet_render_again_is_rate_limited(client, personas):
    referral = make_referral(personas)
    login(client, personas.navigator_a)
    url = reverse("referrals:packet_render_again", args=[referral.reference_code])
    codes = [client.post(url).status_code for _ in range(10)]
    assert codes[:5] == [302] * 5
    assert codes[5:] == [429] * 5


def test_wrong_persona_still_gets_404_not_a_rate_limit(client, personas):
    referral = make_referral(personas)
    login(client, personas.partner_y)
    url = reverse("referrals:packet_render_again", args=[referral.reference_code])
    assert client.post(url).status_code == 404
    login(client, personas.navigator_a)
    assert client.get(reverse("reports:dashboard_csv")).status_code == 404


@time_machine.travel(FROZEN, tick=False)
def test_rate_limit_helper_for_api_views(rf, personas, settings):
    from django.http import JsonResponse

    from casework.security import rate_limit, rate_limited

    settings.RATELIMITS = {**settings.RATELIMITS, "api": "2/m"}

    @rate_limit("api")
    def api_view(request):
        return JsonResponse({"ok": True})

    from django_ratelimit.exceptions import Ratelimited

    request = rf.get("/api/x")
    request.user = personas.partner_x
    assert api_view(request).status_code == 200
    assert api_view(request).status_code == 200
    with pytest.raises(Ratelimited):
        api_view(request)
    request.htmx = False
    assert rate_limited(request).status_code == 429
    with pytest.raises(KeyError):
        rate_limit("no-such-group")


@pytest.mark.redis
@time_machine.travel(FROZEN, tick=False)
def test_rate_limits_count_in_redis_when_configured(client, personas, settings):
    import os
    import uuid

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.RATELIMITS = {**settings.RATELIMITS, "search": "3/m"}
    login(client, personas.navigator_a)
    url = reverse("casework:client_list")
    codes = [client.get(url, {"q": str(n)}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_cache_outage_never_blocks_a_search(client, personas, settings):
    """Redis (the rate-limit cache) down: searches still answer, just uncounted."""
    from tests.celery.conftest import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.RATELIMITS = {**settings.RATELIMITS, "search": "1/m"}
    login(client, personas.navigator_a)
    url = reverse("casework:client_list")
    assert [client.get(url, {"q": str(n)}).status_code for n in range(3)] == [200, 200, 200]


# Lockout --------------------------------------------------------------------------------------


def _fail(client, username, ip):
    return client.post(LOGIN_URL, {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)


def test_many_usernames_from_one_address_are_locked_out(client, personas):
    """Finding 12: 32 failures over 8 usernames from one address locked nothing."""
    usernames = [f"someone{n}" for n in range(8)]
    statuses = []
    for attempt in range(32):
        statuses.append(_fail(client, usernames[attempt % 8], "203.0.113.9").status_code)
    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}  # axes' lockout page (AXES_IP_FAILURE_LIMIT = 20)
    # Even a right password from that address is refused during the cool-off...
    response = client.post(
        LOGIN_URL, {"username": "nav_a", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # ...while the same user signs in from another address.
    response = client.post(
        LOGIN_URL, {"username": "nav_a", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302


def test_one_username_still_locks_after_five(client, personas):
    for _ in range(4):
        assert _fail(client, "nav_a", "203.0.113.10").status_code == 200
    assert _fail(client, "nav_a", "203.0.113.10").status_code == 429
    assert AccessAttempt.objects.filter(username="nav_a").exists()
    # Other usernames from that address are not locked by one user's failures.
    assert _fail(client, "nav_b", "203.0.113.10").status_code == 200


def test_lockout_behind_one_proxy(client, personas, settings):
    """README "Deployment behind a proxy": the client address comes from X-Forwarded-For, and
    a client cannot pick its own address by sending that header."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.AXES_IPWARE_PROXY_COUNT = 0
    proxy = "10.0.0.5"
    for n in range(20):
        client.post(
            LOGIN_URL,
            {"username": f"someone{n}", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
    attacker = client.post(
        LOGIN_URL,
        {"username": "nav_a", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert attacker.status_code == 429
    # Another client behind the same proxy is not locked out with the attacker...
    colleague = client.post(
        LOGIN_URL,
        {"username": "nav_a", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert colleague.status_code == 302
    # ...and the attacker cannot pick an address by writing its own X-Forwarded-For entry:
    # the request counts as the proxy's address.
    DjangoClient().post(
        LOGIN_URL,
        {"username": "nav_b", "password": "wrong"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.50",
    )
    spoofed = AccessAttempt.objects.get(username="nav_b")
    assert spoofed.ip_address == proxy
