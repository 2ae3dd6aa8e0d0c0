"""Browser tests: Playwright driving Debian's chromium (headless) against pytest-django's
live_server. Mark them ``@pytest.mark.browser``; live_server gives each a transactional
database, so data made in the test is visible to the server thread.

Chromium comes from Debian (`apt-get install chromium`, done by scripts/test.sh); Playwright's
own browser download is never used.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

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
    # bypass_csp: axe-core is injected by the test (assert_accessible), not served by the app.
    context = browser.new_context(base_url=live_server.url, locale="en-US", bypass_csp=True)
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


# axe-core from npm (package.json devDependencies, locked in package-lock.json).
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
AXE_RUN_JS = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => {
    const where = v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ");
    return `${v.id} (${v.impact}): ${v.help} at ${where}`;
  });
}"""


def assert_accessible(page) -> None:
    """Fails on any WCAG 2.1 A/AA violation axe-core finds on the current page, at desktop
    width and at 390 px (a phone); leaves the page at the width it had."""
    if not AXE.exists():
        pytest.fail(f"{AXE} not found: run `npm ci` (axe-core is a devDependency).")
    original = page.viewport_size
    problems = []
    try:
        for name, (width, height) in AXE_WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.add_script_tag(path=str(AXE))
            problems += [f"{name}: {v}" for v in page.evaluate(AXE_RUN_JS, AXE_TAGS)]
    finally:
        if original:
            page.set_viewport_size(original)
    assert not problems, f"axe on {page.url}:\n" + "\n".join(problems)


@pytest.fixture
def accessible():
    """``accessible(page)``: assert_accessible as a fixture, for tests that prefer one."""
    return assert_accessible
