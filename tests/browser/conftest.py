"""Browser tests: Playwright driving Debian's chromium (headless) against pytest-django's
live_server. Mark them ``@pytest.mark.browser``; live_server gives each a transactional
database, so data made in the test is visible to the server thread.

Chromium comes from Debian (`apt-get install chromium`, done by scripts/test.sh); Playwright's
own browser download is never used.
"""

import os
import shutil

import pytest

from tests.personas import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told it is safe (it is: the test is synchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CASEBRIDGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (scripts/test.sh does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    """A fresh browser page whose relative URLs go to the live server."""
    # The live server speaks plain http: cookies marked Secure would never come back.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Every journey also checks the Content-Security-Policy: chromium reports each blocked
    # inline script, style, eval or resource on the console.
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
    yield page
    context.close()
    assert violations == [], violations


@pytest.fixture
def sign_in(page):
    """``sign_in(user)`` signs in through the login form, as a person would."""

    def _sign_in(user, password=PASSWORD):
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/login/" not in page.url, f"{user.username} could not sign in"
        return page

    return _sign_in
