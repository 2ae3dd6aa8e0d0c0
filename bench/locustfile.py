"""Locust personas for `make bench-load` (bench/load.py runs this headless; never imported by
the application). Each simulated user signs in through the real login form with a demo
account, then reads what that persona reads all day. Names group the statistics per endpoint.

Writes (intake save, send, accept, complete) are not simulated yet (issue 15, see the report).
"""

import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("DEMO_PASSWORD") or "casebridge-demo"
SEARCHES = ["maria", "nguyen", "kaur", "rosa", "408", "lopez", "tran", "singh"]
CLIENT_LINK = re.compile(r'href="/clients/(\d+)/"')
REFERRAL_LINK = re.compile(r'href="/referrals/r/([A-Za-z0-9-]+)/"')


class Persona(HttpUser):
    abstract = True
    wait_time = between(0.1, 0.5)
    usernames: tuple[str, ...] = ()

    def on_start(self):
        page = self.client.get("/login/", name="login form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.client.post(
            "/login/",
            {
                "username": random.choice(self.usernames),
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/login/"},
            name="login",
        )
        if response.url.rstrip("/").endswith("/login"):
            response.failure("sign-in failed")


class Navigator(Persona):
    weight = 6
    usernames = ("nav_mayfair", "nav_seventrees")
    client_ids: list[str] = []

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


class Partner(Persona):
    weight = 3
    usernames = ("partner_foodbank", "partner_legal", "partner_digital", "partner_clinic")
    codes: list[str] = []

    @task(3)
    def inbox(self):
        page = self.client.get("/referrals/inbox/", name="partner inbox")
        self.codes = REFERRAL_LINK.findall(page.text) or self.codes

    @task(2)
    def referral(self):
        if self.codes:
            self.client.get(f"/referrals/r/{random.choice(self.codes)}/", name="referral page")


class Manager(Persona):
    weight = 1
    usernames = ("manager",)

    @task
    def reports(self):
        self.client.get("/reports/", name="reports dashboard")


class Trivial(HttpUser):
    """The same server's near-trivial view (one SELECT 1 and one Redis PING), for the ratio."""

    wait_time = between(0, 0)

    @task
    def health(self):
        self.client.get("/health/web/", name="trivial: /health/web/")
