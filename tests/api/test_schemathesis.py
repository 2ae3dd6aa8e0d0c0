"""Schemathesis against the live OpenAPI document, as every persona: no server error, every
response as the schema says (status code, content type, body), and nothing outside the persona's
access in any response (names and reference codes of other organizations' clients and referrals
never appear). Examples mix generated values with real ids of objects the persona may and may not
see. Bounded: a fixed number of examples per operation and persona, no shrinking."""

import os
import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from casework.access import clients_visible_to
from casework.models import Client
from referrals.access import referrals_received_by, referrals_visible_to
from referrals.models import Referral, ReferralStatus
from tests.factories import ClientFactory, ConsentFactory, ProgramFactory, UserFactory
from tests.referrals.referral_helpers import move_to, program_x, send

from .conftest import token_for

EXAMPLES_PER_OPERATION = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app(settings):
    """The real WSGI stack in this test's transaction (Django's test client does the same)."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _world(personas, org_admin_x):
    """Referrals in several statuses at Agency X (from Center A) and Agency Y (from Center B)."""
    a = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name="Rosa",
        legal_last_name="Martinez",
    )
    ConsentFactory(client=a, recorded_by=personas.navigator_a, recipients=[personas.agency_x])
    program = program_x(personas, service_code="467771000124109")
    for status in (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
        move_to(personas, send(personas, a, program=program), status)
    b = ClientFactory(
        center=personas.center_b,
        created_by=personas.navigator_b,
        legal_first_name="Quynh",
        legal_last_name="Pham",
    )
    ConsentFactory(client=b, recorded_by=personas.navigator_b, recipients=[personas.agency_y])
    program_y = ProgramFactory(agency=personas.agency_y, name="Tenant rights clinic")
    from referrals.services import referral_send

    referral_send(
        actor=personas.navigator_b,
        client=b,
        program=program_y,
        need_category="legal",
        reason="Eviction notice received.",
    )


def _forbidden_strings(user) -> set[str]:
    """Names and reference codes of what ``user`` may not see right now."""
    visible_referrals = referrals_visible_to(user=user)
    visible_clients = set(clients_visible_to(user=user).values_list("pk", flat=True)) | set(
        referrals_received_by(user=user).values_list("client_id", flat=True)
    )
    strings = set(
        Referral.objects.exclude(pk__in=visible_referrals.values("pk")).values_list(
            "reference_code", flat=True
        )
    )
    for client in Client.objects.exclude(pk__in=visible_clients):
        strings.update({client.legal_last_name, client.legal_first_name})
    return strings


def _examples(operation, label, headers, forbidden, real, tally, failures):
    @given(case=operation.as_strategy(), swap=st.booleans(), data=st.data())
    @hsettings(
        max_examples=EXAMPLES_PER_OPERATION,
        database=None,
        deadline=None,
        derandomize=not os.environ.get("SCHEMATHESIS_RANDOM"),
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, swap, data):
        params = case.path_parameters or {}
        if swap:  # a real object: the persona's own, or someone else's (must be 404)
            for name, strategy in real.items():
                if name in params:
                    params[name] = data.draw(strategy)
        tally["examples"] += 1
        # Each request in a savepoint: a database error must not poison the rest of the run
        # (a real server runs every request in its own transaction).
        savepoint = transaction.savepoint()
        response = case.call(headers=headers)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as exc:
            failures.append(f"{label} {operation.label} {params}: {exc}"[:800])
        leaked = sorted(s for s in forbidden if s and s in response.text)
        if leaked:
            failures.append(f"{label} {operation.label} {params}: shows {leaked}")

    return run


@pytest.mark.slow
def test_schemathesis_as_every_persona(personas, org_admin_x, wsgi_app, monkeypatch, capsys):
    from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "100000/minute", raising=False)
    monkeypatch.setattr(AnonRateThrottle, "rate", "100000/minute", raising=False)
    _world(personas, org_admin_x)
    superuser = UserFactory(username="admin", is_staff=True, is_superuser=True)
    run_as = {
        "other agency (partner_y)": personas.partner_y,
        "manager": personas.manager,
        "admin (superuser)": superuser,
        "organization admin (agency X)": org_admin_x,
        "partner (partner_x)": personas.partner_x,
        "navigator (navigator_a)": personas.navigator_a,
    }
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    codes = sorted(Referral.objects.values_list("reference_code", flat=True))
    client_ids = sorted(Client.objects.values_list("pk", flat=True))
    program_ids = sorted(ProgramFactory._meta.model.objects.values_list("pk", flat=True))
    org_ids = [personas.center_a.pk, personas.agency_x.pk, personas.agency_y.pk]

    tally = {"examples": 0}
    failures: list[str] = []
    started = time.monotonic()
    real = {
        "reference_code": st.sampled_from(codes),
        "id": st.sampled_from(client_ids + program_ids + org_ids),
    }
    for label, user in run_as.items():
        headers = {"Authorization": f"Bearer {token_for(user)}"}
        forbidden = _forbidden_strings(user)
        for operation in operations:
            _examples(operation, label, headers, forbidden, real, tally, failures)()
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nSchemathesis: {len(operations)} operations x {len(run_as)} personas, "
            f"{tally['examples']} examples, {len(failures)} failures, {elapsed:.1f} s"
        )
    assert not failures, "\n".join(failures[:30])
