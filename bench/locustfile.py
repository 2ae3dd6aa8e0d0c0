"""Locust personas for `make bench-load` (bench/load.py runs this headless; never imported by
the application). Each simulated user signs in through the real login form, then does what
that persona does all day, reads and writes. Writes follow the real forms: fetch the page,
read the form's fields (CSRF token included) from its HTML, change what a person would
change, post. Names group the statistics per endpoint.

Logins: LOAD_DATA=county (default) uses bench/county.py's accounts (nav_county, partner_county,
manager_county and their colleagues); LOAD_DATA=demo uses the demo city's (seed_demo).
"""

from __future__ import annotations

import html
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

PASSWORD = os.environ.get("DEMO_PASSWORD") or "casebridge-demo"
COUNTY = os.environ.get("LOAD_DATA", "county") == "county"
SEARCHES = (
    ["garcia", "nguyen", "kaur", "maria", "tran", "singh", "lopez", "patel", "408", "669"]
    if COUNTY
    else ["maria", "nguyen", "kaur", "rosa", "408", "lopez", "tran", "singh"]
)
CLIENT_LINK = re.compile(r'href="/clients/(\d+)/"')
REFERRAL_LINK = re.compile(r'href="/referrals/r/([A-Za-z0-9-]+)/"')
SEND_LINK = re.compile(r'href="/referrals/clients/(\d+)/send/\?program=(\d+)"')
# The lifecycle's answer when someone else acted first ("… so it cannot be accepted now.").
CONFLICT = re.compile(r"it cannot be [^<.]+ now\.")
CONSENT_LINK = re.compile(r'href="(/clients/\d+/consents/new/\?[^"]+)"')


class FormParser(HTMLParser):
    """Every <form> of a page: its action and the values a browser would submit unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.setdefault(name, []).append(a.get("value", "on"))
                else:
                    fields.setdefault(name, [])
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            fields.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                fields[self._select].append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            fields.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select and self.forms:
            if not self._select_chosen and self._select_first is not None:
                self.forms[-1]["fields"][self._select].append(self._select_first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_with(html: str, *, action: str = "", field: str = "") -> dict | None:
    """The first form whose action contains ``action`` and that has ``field``."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if action in form["action"] and (not field or field in form["fields"]):
            return form
    return None


def submit(user: HttpUser, url: str, form: dict, changes: dict, *, name: str):
    """Posts ``form`` (to its action, else to ``url``) with ``changes`` applied."""
    data = {k: v for k, v in form["fields"].items() if v}
    for key, value in changes.items():
        data[key] = value if isinstance(value, list) else [value]
    return user.client.post(
        form["action"] or url,
        data,
        headers={"Referer": f"{user.host}{url}"},
        name=name,
        catch_response=True,
    )


class Persona(HttpUser):
    abstract = True
    wait_time = between(0.1, 0.5)
    usernames: tuple[str, ...] = ()

    def on_start(self):
        page = self.client.get("/login/", name="login form")
        form = form_with(page.text, field="username")
        with submit(
            self,
            "/login/",
            form,
            {"username": random.choice(self.usernames), "password": PASSWORD},
            name="login",
        ) as response:
            if response.url.rstrip("/").endswith("/login"):
                response.failure("sign-in failed")


class Navigator(Persona):
    weight = 6
    usernames = (
        ("nav_county", "nav_c00_02", "nav_c00_03", "nav_c01_00", "nav_c02_00")
        if COUNTY
        else ("nav_mayfair", "nav_seventrees")
    )

    def on_start(self):
        self.client_ids: list[str] = []
        super().on_start()

    @task(2)
    def dashboard(self):
        self.client.get("/", name="navigator dashboard")

    @task(3)
    def search(self):
        page = self.client.get(f"/clients/?q={random.choice(SEARCHES)}", name="client search")
        self.client_ids = CLIENT_LINK.findall(page.text) or self.client_ids

    @task(1)
    def client_list(self):
        page = self.client.get("/clients/", name="client list")
        self.client_ids = CLIENT_LINK.findall(page.text) or self.client_ids

    @task(3)
    def client_page(self):
        if self.client_ids:
            self.client.get(f"/clients/{random.choice(self.client_ids)}/", name="client page")

    @task(1)
    def intake_save(self):
        """A new intake interview: the form as the page fills it, with the answers given."""
        if not self.client_ids:
            return
        url = f"/clients/{random.choice(self.client_ids)}/intakes/new/"
        page = self.client.get(url, name="intake form")
        form = form_with(page.text, field="household_size")
        if form is None:
            return
        changes = {
            "household_size": str(random.randint(1, 6)),
            "monthly_gross_income": str(random.randint(900, 6000)),
            "needs": random.sample(["food", "housing", "health", "jobs"], 2),
        }
        with submit(self, url, form, changes, name="intake save") as response:
            if not response.history:  # a saved intake redirects; a form with errors does not
                response.failure("intake not saved")

    @task(1)
    def send_referral(self):
        """From a client's page, a suggested program, sent; when the client's consent does not
        name the program's agency, the consent first (the send page's link: the consent form
        with the agency ticked, which comes back to the send page)."""
        if not self.client_ids:
            return
        client_id = random.choice(self.client_ids)
        page = self.client.get(f"/clients/{client_id}/", name="client page")
        links = SEND_LINK.findall(page.text)
        if not links:
            return
        program = random.choice(links)[1]
        url = f"/referrals/clients/{client_id}/send/?program={program}"
        send_page = self.client.get(url, name="send form")
        consent = CONSENT_LINK.search(send_page.text)
        if consent:
            consent_url = html.unescape(consent.group(1))
            consent_page = self.client.get(consent_url, name="consent form")
            form = form_with(consent_page.text, field="recipients")
            if form is None:
                return
            changes = {"scopes": ["contact", "demographics", "intake"], "method": "verbal"}
            with submit(self, consent_url, form, changes, name="consent save") as response:
                if "/send/" not in response.url:
                    response.failure("consent not saved")
                    return
            send_page = response
        form = form_with(send_page.text, field="reason")
        if form is None:
            return
        changes = {
            "program": program,
            "reason": "The family needs help this month; see the intake.",
            "note_to_agency": "Call after 3 pm.",
            "duplicate_reason": "A second household member needs the same help.",
        }
        with submit(self, url, form, changes, name="send referral") as response:
            if "/referrals/r/" not in response.url:
                response.failure("referral not sent")


class Partner(Persona):
    weight = 3
    usernames = (
        ("partner_county", "partner_a000_01", "partner_a000_02", "partner_a001_00")
        if COUNTY
        else ("partner_foodbank", "partner_legal", "partner_digital", "partner_clinic")
    )

    def on_start(self):
        self.codes: list[str] = []
        super().on_start()

    @task(3)
    def inbox(self):
        page = self.client.get("/referrals/inbox/", name="partner inbox")
        self.codes = REFERRAL_LINK.findall(page.text) or self.codes

    @task(2)
    def referral(self):
        if self.codes:
            self.client.get(f"/referrals/r/{random.choice(self.codes)}/", name="referral page")

    def _act(self, code: str, page_text: str, action: str, changes: dict, name: str):
        form = form_with(page_text, action=f"/r/{code}/do/{action}/")
        if form is None:
            return None
        with submit(self, f"/referrals/r/{code}/", form, changes, name=name) as response:
            if form_with(response.text, field="confirmed"):  # a closing action: confirm it
                confirm = form_with(response.text, field="confirmed")
                response.success()
                with submit(
                    self, f"/referrals/r/{code}/", confirm, {}, name=f"{name} (confirm)"
                ) as confirmed:
                    if "is now" not in confirmed.text:
                        confirmed.failure(f"{action} not recorded")
                    return confirmed.text
            if "is now" not in response.text:
                if CONFLICT.search(response.text):
                    # Two colleagues took the same new referral: the product says who was
                    # first and changes nothing; that is its answer, not an error. Counted
                    # apart ("taken by a colleague") so the rate stays visible.
                    response.success()
                    self.environment.events.request.fire(
                        request_type="INFO",
                        name=f"{name}: taken by a colleague",
                        response_time=0,
                        response_length=0,
                        exception=None,
                        context={},
                    )
                    return None
                response.failure(f"{action} not recorded")
            return response.text

    @task(2)
    def accept_and_complete(self):
        """A new referral: accept it, start work, complete it (with the confirmation)."""
        page = self.client.get("/referrals/inbox/?status=requested", name="partner inbox: new")
        codes = REFERRAL_LINK.findall(page.text)
        if not codes:
            return
        code = random.choice(codes)
        text = self.client.get(f"/referrals/r/{code}/", name="referral page").text
        text = self._act(code, text, "accept", {"note": "We will call today."}, "accept")
        if text is None:
            return
        text = self._act(code, text, "start", {}, "start work")
        if text is None:
            return
        self._act(
            code,
            text,
            "complete",
            {"code": "got_help", "decided_by": "provider", "note": "Enrolled."},
            "complete",
        )


class Manager(Persona):
    weight = 1
    usernames = ("manager_county", "manager_01") if COUNTY else ("manager",)

    @task(3)
    def reports(self):
        self.client.get("/reports/", name="reports dashboard")

    @task(1)
    def reports_csv(self):
        self.client.get("/reports/export.csv", name="reports CSV")


class Trivial(HttpUser):
    """The same server's near-trivial view (one SELECT 1 and one Redis PING), for the ratio."""

    wait_time = between(0, 0)

    @task
    def health(self):
        self.client.get("/health/web/", name="trivial: /health/web/")
