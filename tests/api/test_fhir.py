"""FHIR R4 (SDOH Clinical Care): Task, ServiceRequest, Patient and Organization validate with the
fhir.resources models in every referral status; codes follow SDOHCC; Patient shows only the
consented fields; PATCH Task.status follows the portal's rules; the round trip works."""

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from api.fhir import codes
from casework.models import AccessLogEntry
from casework.models.accesslog import AccessAction
from casework.services import client_update
from referrals.models import Referral, ReferralStatus
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory, IntakeFactory
from tests.referrals.referral_helpers import count_queries, move_to, program_x, send

from .conftest import api_as

# FHIR R4 value sets the models do not enforce.
TASK_STATUSES = {
    "draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
    "in-progress", "on-hold", "failed", "completed", "entered-in-error",
}  # fmt: skip
REQUEST_STATUSES = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error"}
PRIORITIES = {"routine", "urgent", "asap", "stat"}
GENDERS = {"male", "female", "other", "unknown"}


def _get(user, name, *args):
    return api_as(user).get(reverse(f"api:{name}", args=args), HTTP_ACCEPT="application/fhir+json")


def _patch(user, referral, body, content_type="application/fhir+json"):
    import json

    return api_as(user).patch(
        reverse("api:fhir_task", args=[referral.reference_code]),
        json.dumps(body),
        content_type=content_type,
    )


@pytest.mark.parametrize("status", list(ReferralStatus))
def test_every_resource_validates_in_every_status(personas, client_a, status):
    program = program_x(
        personas,
        service_code="467771000124109",
        service_code_display="Assistance with application for food pantry program",
    )
    referral = move_to(personas, send(personas, client_a, program=program), status)
    client_update(actor=personas.navigator_a, client=client_a, administrative_gender="female")
    viewer = personas.navigator_a if status == ReferralStatus.CANCELLED else personas.partner_x

    task = _get(viewer, "fhir_task", referral.reference_code)
    assert task.status_code == 200 and task["Content-Type"].startswith("application/fhir+json")
    task = Task.model_validate(task.json())
    assert task.status == status.value and task.status in TASK_STATUSES
    assert task.intent == "order" and task.priority in PRIORITIES
    assert task.meta.profile == [codes.PROFILE_TASK]
    assert task.focus.reference == f"ServiceRequest/{referral.reference_code}"
    assert task.for_fhir.reference == f"Patient/{client_a.pk}"
    assert task.owner.reference == f"Organization/{personas.agency_x.pk}"
    assert task.requester.reference == f"Organization/{personas.center_a.pk}"

    request = ServiceRequest.model_validate(
        _get(viewer, "fhir_service_request", referral.reference_code).json()
    )
    assert request.status in REQUEST_STATUSES
    assert request.code.coding[0].code == "467771000124109"
    assert request.category[0].coding[0].code == "food-insecurity"
    assert request.category[0].coding[0].system == codes.SDOHCC_TEMP_CODES

    patient = Patient.model_validate(_get(viewer, "fhir_patient", client_a.pk).json())
    assert patient.gender in GENDERS
    for org in (personas.agency_x, personas.center_a):
        Organization.model_validate(_get(viewer, "fhir_organization", org.pk).json())

    if status == ReferralStatus.COMPLETED:
        outcome = task.output[0]
        assert outcome.type.coding[0].code == "resulting-activity"
        assert outcome.valueCodeableConcept.coding[0].code == "got_help"
        assert task.output[1].valueCodeableConcept.coding[0].code == "provider"
    if status == ReferralStatus.REJECTED:
        assert task.statusReason.coding[0].code == "no_capacity"
        assert request.status == "revoked"


@pytest.mark.parametrize(
    ("urgency", "priority"), [("routine", "routine"), ("soon", "urgent"), ("urgent", "asap")]
)
def test_priority_mapping(personas, client_a, urgency, priority):
    referral = send(personas, client_a, urgency=urgency)
    task = _get(personas.partner_x, "fhir_task", referral.reference_code).json()
    assert task["priority"] == priority
    assert ("restriction" in task) == (urgency == "soon")  # "soon": within a week


def test_patient_shows_only_the_consented_fields_and_logs_the_disclosure(personas):
    client = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_last_name="Tran",
        phone="+14085550142",
        administrative_gender="female",
    )
    ConsentFactory(
        client=client,
        recorded_by=personas.navigator_a,
        recipients=[personas.agency_x],
        scopes=["contact"],
    )
    send(personas, client)
    shown = _get(personas.partner_x, "fhir_patient", client.pk).json()
    Patient.model_validate(shown)
    assert shown["telecom"] == [{"system": "phone", "value": "+14085550142"}]
    assert "birthDate" not in shown and "gender" not in shown and "communication" not in shown
    entry = AccessLogEntry.objects.get(action=AccessAction.DISCLOSE, client_id=client.pk)
    assert entry.user == personas.partner_x and entry.fields_disclosed == [
        "name",
        "phone",
    ]  # exactly what was shown
    full = _get(personas.navigator_a, "fhir_patient", client.pk).json()
    assert full["gender"] == "female" and "birthDate" in full


FHIR_MATRIX = {
    "fhir_task": {"navigator_a": 200, "partner_x": 200},
    "fhir_service_request": {"navigator_a": 200, "partner_x": 200},
    "fhir_patient": {"navigator_a": 200, "partner_x": 200},
    "fhir_organization": {"navigator_a": 200, "navigator_b": 200, "partner_x": 200,
                          "partner_y": 200, "manager": 200},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FHIR_MATRIX))
@pytest.mark.parametrize(
    "persona", ["navigator_a", "navigator_b", "partner_x", "partner_y", "manager", "outsider"]
)
def test_fhir_reads_answer_404_to_personas_they_are_not_for(personas, referral, name, persona):
    arg = {
        "fhir_patient": referral.client_id,
        "fhir_organization": personas.agency_x.pk,
    }.get(name, referral.reference_code)
    response = _get(getattr(personas, persona), name, arg)
    assert response.status_code == FHIR_MATRIX[name].get(persona, 404)
    if response.status_code == 404:
        OperationOutcome.model_validate(response.json())


def test_patch_follows_the_portals_rules(personas, referral):
    response = _patch(
        personas.navigator_a, referral, {"resourceType": "Task", "status": "accepted"}
    )
    assert response.status_code == 403
    assert _patch(personas.partner_y, referral, {"status": "accepted"}).status_code == 404
    response = _patch(personas.partner_x, referral, {"status": "rejected"})
    assert response.status_code == 400
    assert "Choose why you are declining" in response.json()["issue"][0]["diagnostics"]
    response = _patch(personas.partner_x, referral, {"status": "draft"})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED

    ok = _patch(
        personas.partner_x,
        referral,
        [{"op": "replace", "path": "/status", "value": "accepted"}],
        content_type="application/json-patch+json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    again = _patch(personas.partner_x, referral, {"status": "accepted"})
    assert again.status_code == 409
    outcome = OperationOutcome.model_validate(again.json())
    assert outcome.issue[0].code == "conflict"
    assert "already accepted by Priya Singh" in outcome.issue[0].diagnostics


def test_patch_declines_with_a_reason_and_completes_with_an_outcome(personas, client_a):
    referral = send(personas, client_a)
    declined = _patch(
        personas.partner_x,
        referral,
        {
            "status": "rejected",
            "statusReason": {
                "coding": [{"system": codes.CB_REJECTION_REASON, "code": "no_capacity"}]
            },
        },
    )
    assert declined.status_code == 200
    assert declined.json()["statusReason"]["coding"][0]["code"] == "no_capacity"

    other = move_to(personas, send(personas, client_a), ReferralStatus.IN_PROGRESS)
    missing_who = {
        "status": "completed",
        "output": [
            {"type": {"coding": [{"code": "resulting-activity"}]},
             "valueCodeableConcept": {"coding": [{"code": "got_help"}]}},
        ],
    }  # fmt: skip
    response = _patch(personas.partner_x, other, missing_who)
    assert response.status_code == 400
    assert "Say who decided" in response.json()["issue"][0]["diagnostics"]
    missing_who["output"].append(
        {"type": {"coding": [{"code": "decided-by"}]},
         "valueCodeableConcept": {"coding": [{"code": "client"}]}}
    )  # fmt: skip
    done = _patch(personas.partner_x, other, missing_who)
    assert done.status_code == 200
    other.refresh_from_db()
    assert (other.status, other.outcome, other.decided_by) == ("completed", "got_help", "client")


def test_round_trip_portal_send_fhir_read_patch_accept_read_back(personas, client, client_a):
    program = program_x(personas)
    login(client, personas.navigator_a)
    page = client.post(
        reverse("referrals:send", args=[client_a.pk]),
        {
            "program": program.pk,
            "need_category": "food",
            "urgency": "soon",
            "reason": "Needs groceries this week.",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    referral = Referral.objects.get()

    task = Task.model_validate(
        _get(personas.partner_x, "fhir_task", referral.reference_code).json()
    )
    assert (task.status, task.priority) == ("requested", "urgent")
    assert task.businessStatus.coding[0].code == "awaiting-response"

    response = _patch(personas.partner_x, referral, {"resourceType": "Task", "status": "accepted"})
    assert response.status_code == 200

    back = Task.model_validate(
        _get(personas.partner_x, "fhir_task", referral.reference_code).json()
    )
    assert back.status == "accepted" and back.businessStatus.coding[0].code == "accepted"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.events.last().actor == personas.partner_x
    # The portal shows it too, to the navigator.
    page = client.get(reverse("referrals:detail", args=[referral.reference_code]))
    assert "Priya Singh" in page.content.decode()


def test_task_search_lists_only_visible_tasks_with_a_constant_query_count(personas, client_a):
    program = program_x(personas)
    send(personas, client_a, program=program)
    client = api_as(personas.partner_x)
    url = reverse("api:fhir_task_search")
    client.get(url)
    with count_queries() as one:
        first = client.get(url).json()
    for _ in range(4):
        other = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
        IntakeFactory(client=other, navigator=personas.navigator_a)
        ConsentFactory(
            client=other, recorded_by=personas.navigator_a, recipients=[personas.agency_x]
        )
        send(personas, other, program=program)
    with count_queries() as many:
        bundle = client.get(url).json()
    assert (first["total"], bundle["total"]) == (1, 5)
    assert one.count == many.count
    Bundle.model_validate(bundle)
    assert api_as(personas.partner_y).get(url).json()["total"] == 0
    assert api_as(personas.manager).get(url).status_code == 404
