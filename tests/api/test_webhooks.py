"""Webhooks: organization admins subscribe; every referral event is delivered signed (Standard
Webhooks) with ids and status only, after commit, retried with backoff for up to a day, and
logged with response codes. Deliveries go to a real HTTP server on 127.0.0.1."""

import datetime
import http.server
import json
import threading

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from api.models import DeliveryState, WebhookDelivery, WebhookSubscription
from api.services import webhook_subscription_create
from api.webhooks import (
    WebhookUrlError,
    check_webhook_url,
    retry_delay,
    webhook_deliver,
    webhooks_sweep,
)
from referrals.models import ReferralStatus
from tests.referrals.referral_helpers import count_queries, send

from .conftest import api_as


class Receiver:
    """A local endpoint that records what it receives and answers ``status``."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append(
                    {"headers": dict(self.headers), "body": self.rfile.read(length).decode()}
                )
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"thanks")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/casebridge"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the test server is on 127.0.0.1
    settings.WEBHOOK_EAGER_IN_THREAD = False  # deliver in this thread, inside the test
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscription(personas, org_admin_x, receiver):
    return webhook_subscription_create(
        actor=org_admin_x, organization=personas.agency_x, url=receiver.url
    )


def _accept(personas, referral, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(personas.partner_x).post(
            reverse("api:referral_action", args=[referral.reference_code, "accept"]),
            {},
            format="json",
        )
    assert response.status_code == 200
    return response


def test_org_admin_subscribes_through_the_api_and_gets_the_secret_once(
    personas, org_admin_x, receiver
):
    client = api_as(org_admin_x)
    response = client.post(
        reverse("api:webhooks"),
        {"organization": personas.agency_x.pk, "url": receiver.url, "events": ["referral.sent"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["secret"].startswith("whsec_")
    pk = response.json()["id"]
    assert "secret" not in client.get(reverse("api:webhook", args=[pk])).json()
    subscription = WebhookSubscription.objects.get(pk=pk)
    assert subscription.history.get().history_user == org_admin_x


@pytest.mark.parametrize("persona", ["partner_x", "navigator_a", "manager", "outsider"])
def test_only_organization_admins_manage_webhooks(personas, subscription, persona):
    client = api_as(getattr(personas, persona))
    assert client.get(reverse("api:webhooks")).status_code == 404
    assert client.get(reverse("api:webhook", args=[subscription.pk])).status_code == 404
    url = reverse("api:webhook_deliveries", args=[subscription.pk])
    assert client.get(url).status_code == 404
    assert client.delete(reverse("api:webhook", args=[subscription.pk])).status_code == 404
    assert WebhookSubscription.objects.filter(pk=subscription.pk).exists()


def test_an_admin_cannot_subscribe_for_another_organization(personas, org_admin_x, receiver):
    response = api_as(org_admin_x).post(
        reverse("api:webhooks"),
        {"organization": personas.agency_y.pk, "url": receiver.url},
        format="json",
    )
    assert response.status_code == 404
    assert not WebhookSubscription.objects.exists()


def test_accepting_delivers_a_signed_event_with_ids_and_status_only(
    personas, referral, subscription, receiver, django_capture_on_commit_callbacks
):
    _accept(personas, referral, django_capture_on_commit_callbacks)
    [request] = receiver.requests
    headers = {k.lower(): v for k, v in request["headers"].items()}
    payload = Webhook(subscription.secret).verify(request["body"], headers)  # raises if forged
    assert headers["webhook-signature"].startswith("v1,")
    assert payload["type"] == "referral.accepted"
    assert payload["data"]["reference_code"] == referral.reference_code
    assert payload["data"]["status"] == "accepted"
    assert payload["data"]["previous_status"] == "requested"
    for client_detail in ("Rosa", "Martinez", str(referral.client.phone), referral.reason):
        assert client_detail not in request["body"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.SUCCEEDED and delivery.response_code == 200
    assert delivery.message_id == headers["webhook-id"]


def test_a_tampered_body_fails_verification(
    personas, referral, subscription, receiver, django_capture_on_commit_callbacks
):
    from standardwebhooks import WebhookVerificationError

    _accept(personas, referral, django_capture_on_commit_callbacks)
    [request] = receiver.requests
    headers = {k.lower(): v for k, v in request["headers"].items()}
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription.secret).verify(
            request["body"].replace("accepted", "rejected"), headers
        )


def test_the_sending_center_hears_of_the_referral_it_sent(
    personas, client_a, receiver, django_capture_on_commit_callbacks
):
    admin_a = personas.navigator_a
    from casework import services
    from casework.models import Role

    services.membership_create(user=admin_a, organization=personas.center_a, role=Role.ORG_ADMIN)
    webhook_subscription_create(actor=admin_a, organization=personas.center_a, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(personas, client_a)
    [request] = receiver.requests
    body = json.loads(request["body"])
    assert body["type"] == "referral.sent" and body["data"]["referral_id"] == referral.pk


def test_events_a_subscription_did_not_ask_for_are_not_sent(
    personas, referral, org_admin_x, receiver, django_capture_on_commit_callbacks
):
    webhook_subscription_create(
        actor=org_admin_x,
        organization=personas.agency_x,
        url=receiver.url,
        events=["referral.completed"],
    )
    _accept(personas, referral, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_failing_endpoint_never_blocks_the_referral_and_is_retried_with_backoff(
    personas, referral, subscription, receiver, django_capture_on_commit_callbacks
):
    receiver.status = 500
    response = _accept(personas, referral, django_capture_on_commit_callbacks)
    assert response.json()["status"] == "accepted"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.PENDING
    assert (delivery.attempts, delivery.response_code) == (1, 500)
    first_retry = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_retry == datetime.timedelta(seconds=30)

    # Not due yet: nothing is sent.
    assert webhook_deliver(delivery_id=delivery.pk, now=delivery.last_attempt_at) is None
    later = delivery.next_attempt_at
    assert webhook_deliver(delivery_id=delivery.pk, now=later) == DeliveryState.PENDING
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - later == datetime.timedelta(seconds=60)

    # After a day the delivery gives up.
    day_later = delivery.created_at + datetime.timedelta(days=1, seconds=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=day_later)
    assert webhook_deliver(delivery_id=delivery.pk, now=day_later) == DeliveryState.FAILED
    assert len(receiver.requests) == 3

    receiver.status = 204  # a later success is recorded as such
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.PENDING)
    assert webhook_deliver(delivery_id=delivery.pk, now=day_later) == DeliveryState.SUCCEEDED


def test_backoff_doubles_and_spans_a_day():
    delays = [retry_delay(n).total_seconds() for n in range(1, 15)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 4 * 60 * 60
    assert sum(delays) >= 24 * 60 * 60  # attempts go on for the whole day


def test_a_slow_or_dead_endpoint_is_not_waited_for_by_the_request(
    personas, referral, subscription, settings, django_capture_on_commit_callbacks
):
    """Without a broker the delivery runs in a background thread: the request returns with the
    referral accepted and the delivery not yet attempted."""
    settings.WEBHOOK_EAGER_IN_THREAD = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    _accept(personas, referral, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 0 and delivery.state == DeliveryState.PENDING


def test_an_unreachable_endpoint_records_the_error(personas, referral, org_admin_x, receiver):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscription = webhook_subscription_create(
        actor=org_admin_x, organization=personas.agency_x, url=f"http://127.0.0.1:{port}/hook"
    )
    from referrals.services import referral_accept

    referral_accept(referral=referral, actor=personas.partner_x)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert webhook_deliver(delivery_id=delivery.pk) == DeliveryState.PENDING
    delivery.refresh_from_db()
    assert delivery.response_code is None and "Connection refused" in delivery.error


def test_a_second_message_for_the_same_delivery_sends_nothing(
    personas, referral, subscription, receiver
):
    from referrals.services import referral_accept

    referral_accept(referral=referral, actor=personas.partner_x)
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery_id=delivery.pk) == DeliveryState.SUCCEEDED
    assert webhook_deliver(delivery_id=delivery.pk) is None
    assert len(receiver.requests) == 1


def test_the_sweeper_sends_deliveries_whose_message_was_lost(
    personas, referral, subscription, receiver
):
    from referrals.services import referral_accept

    referral_accept(referral=referral, actor=personas.partner_x)  # no commit: never enqueued
    assert receiver.requests == []
    assert webhooks_sweep() == 1
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().state == DeliveryState.SUCCEEDED


def test_webhook_urls_must_be_https_and_public_outside_local_setups(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    for url in ("http://example.org/hook", "ftp://example.org/", "https://user:pw@example.org/"):
        with pytest.raises(WebhookUrlError):
            check_webhook_url(url, resolve=False)
    for url in ("https://127.0.0.1/hook", "https://10.0.0.8/hook", "https://[::1]/hook"):
        with pytest.raises(WebhookUrlError, match="public address"):
            check_webhook_url(url)
    check_webhook_url("https://203.0.113.9/hook", resolve=False)


def test_delivery_log_shows_response_codes_to_the_org_admin_and_the_administrator(
    personas, referral, subscription, receiver, org_admin_x, client, django_user_model
):
    from referrals.services import referral_accept

    receiver.status = 503
    referral_accept(referral=referral, actor=personas.partner_x)
    webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    body = api_as(org_admin_x).get(reverse("api:webhook_deliveries", args=[subscription.pk])).json()
    [row] = body["results"]
    assert (row["event_type"], row["response_code"], row["state"]) == (
        "referral.accepted",
        503,
        "pending",
    )
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("admin:api_webhookdelivery_changelist"))
    assert page.status_code == 200
    assert "503" in page.content.decode() and "referral.accepted" in page.content.decode()
    assert not Permission.objects.filter(user=org_admin_x).exists()


def test_webhook_lists_query_count_does_not_grow(personas, referral, org_admin_x, receiver):
    from referrals.services import referral_accept

    subscription = webhook_subscription_create(
        actor=org_admin_x, organization=personas.agency_x, url=receiver.url
    )
    referral_accept(referral=referral, actor=personas.partner_x)
    client = api_as(org_admin_x)
    urls = [reverse("api:webhooks"), reverse("api:webhook_deliveries", args=[subscription.pk])]
    counts = []
    for _ in range(2):
        for url in urls:
            client.get(url)
        with count_queries() as lists:
            for url in urls:
                assert client.get(url).status_code == 200
        counts.append(lists.count)
        for _ in range(5):
            webhook_subscription_create(
                actor=org_admin_x, organization=personas.agency_x, url=receiver.url
            )
            WebhookDelivery.objects.create(
                subscription=subscription,
                message_id=f"msg_{WebhookDelivery.objects.count()}",
                event_type="referral.sent",
                created_at=timezone.now(),
            )
    assert counts[0] == counts[1]
    assert len(client.get(urls[1]).json()["results"]) > 1


def test_an_administrator_subscribes_in_the_admin_through_the_service(
    personas, receiver, client, django_user_model
):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("admin:api_webhooksubscription_add"),
        {
            "organization": personas.agency_x.pk,
            "url": receiver.url,
            "description": "Agency X CMS",
            "events": '["referral.sent"]',
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret.startswith("whsec_") and subscription.events == ["referral.sent"]
    assert subscription.secret in " ".join(str(m) for m in response.context["messages"])
    assert subscription.history.get().history_user == admin
    bad = client.post(
        reverse("admin:api_webhooksubscription_add"),
        {"organization": personas.agency_x.pk, "url": receiver.url, "events": '["nope"]'},
    )
    assert bad.status_code == 200 and WebhookSubscription.objects.count() == 1


def test_a_message_on_the_referral_delivers_its_id_but_never_its_text(
    personas, referral, subscription, receiver, django_capture_on_commit_callbacks
):
    from referrals.conversation import referral_message_add

    with django_capture_on_commit_callbacks(execute=True):
        message = referral_message_add(
            referral=referral, actor=personas.navigator_a, body="Rosa prefers mornings."
        )
    [request] = [r for r in receiver.requests if "referral.message_added" in r["body"]]
    headers = {k.lower(): v for k, v in request["headers"].items()}
    payload = Webhook(subscription.secret).verify(request["body"], headers)
    assert payload["data"]["reference_code"] == referral.reference_code
    assert payload["data"]["message_id"] == message.pk
    assert "mornings" not in request["body"] and "Rosa" not in request["body"]
