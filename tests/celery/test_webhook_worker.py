"""Webhooks through a real Celery worker on Redis: the referral change commits, the task is
enqueued after commit, and the worker delivers the signed event to a local endpoint."""

import json
import time

import pytest
from standardwebhooks import Webhook

from api.models import DeliveryState, WebhookDelivery
from api.services import webhook_subscription_create
from casework import services as casework_services
from casework.models import Role
from referrals.services import referral_accept
from tests.api.test_webhooks import Receiver
from tests.factories import UserFactory
from tests.referrals.referral_helpers import send

from .conftest import purge, thread_worker

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def accepted_requests(receiver) -> list[dict]:
    return [r for r in receiver.requests if json.loads(r["body"])["type"] == "referral.accepted"]


def test_worker_delivers_the_event_after_commit(personas, client_a, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    receiver = Receiver()
    try:
        admin = UserFactory(username="admin_x")
        casework_services.membership_create(
            user=admin, organization=personas.agency_x, role=Role.ORG_ADMIN
        )
        subscription = webhook_subscription_create(
            actor=admin, organization=personas.agency_x, url=receiver.url
        )
        referral = send(personas, client_a)
        purge("celery")
        with thread_worker(queue="celery"):
            referral_accept(referral=referral, actor=personas.partner_x)
            # The send's own event (referral.created) may arrive first: wait for this one.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not accepted_requests(receiver):
                time.sleep(0.2)
            time.sleep(0.5)  # a duplicate delivery would arrive now
        assert receiver.requests, "the worker delivered nothing"
        [request] = accepted_requests(receiver)
        headers = {k.lower(): v for k, v in request["headers"].items()}
        Webhook(subscription.secret).verify(request["body"], headers)
        delivery = WebhookDelivery.objects.get(event_type="referral.accepted")
        assert delivery.state == DeliveryState.SUCCEEDED and delivery.response_code == 200
    finally:
        receiver.close()
