"""The REST API: same access as the pages (404 for every persona the design does not name),
consent-scoped client fields with a disclosure row, lifecycle through the portal's services,
sending, filters, pagination and constant query counts."""

import pytest
from django.urls import reverse

from casework.models import AccessLogEntry
from casework.models.accesslog import AccessAction
from referrals.models import Referral, ReferralStatus
from tests.factories import ClientFactory, ConsentFactory, IntakeFactory, ProgramFactory
from tests.referrals.referral_helpers import count_queries, move_to, program_x, send

from .conftest import api_as

PERSONAS = ["navigator_a", "navigator_b", "partner_x", "partner_y", "manager", "outsider"]

# persona -> status for each endpoint (everyone not named: 404).
MATRIX = {
    "referrals": {"navigator_a": 200, "navigator_b": 200, "partner_x": 200, "partner_y": 200},
    "inbox": {"partner_x": 200, "partner_y": 200},
    "referral": {"navigator_a": 200, "partner_x": 200},
    "programs": {
        "navigator_a": 200,
        "navigator_b": 200,
        "partner_x": 200,
        "partner_y": 200,
        "manager": 200,
    },
    "program": {
        "navigator_a": 200,
        "navigator_b": 200,
        "partner_x": 200,
        "partner_y": 200,
        "manager": 200,
    },
    "clients": {"navigator_a": 200, "navigator_b": 200},
    "client": {"navigator_a": 200},
    "client_referrals": {"navigator_a": 200},
    "webhooks": {},
}


def _url(name, referral):
    args = {
        "referral": [referral.reference_code],
        "program": [referral.program_id],
        "client": [referral.client_id],
        "client_referrals": [referral.client_id],
    }.get(name, [])
    return reverse(f"api:{name}", args=args)


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_endpoint_answers_404_to_personas_it_is_not_for(personas, referral, name, persona):
    response = api_as(getattr(personas, persona)).get(_url(name, referral))
    assert response.status_code == MATRIX[name].get(persona, 404), response.content


def test_no_token_is_401_and_a_bad_token_too(referral):
    url = reverse("api:referral", args=[referral.reference_code])
    assert api_as(None).get(url).status_code == 401
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION="Bearer cb_not-a-real-token")
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_other_center_lists_none_of_center_as_referrals(personas, referral):
    body = api_as(personas.navigator_b).get(reverse("api:referrals")).json()
    assert body["count"] == 0
    body = api_as(personas.partner_y).get(reverse("api:inbox")).json()
    assert body["count"] == 0
    body = api_as(personas.partner_x).get(reverse("api:inbox")).json()
    assert [r["reference_code"] for r in body["results"]] == [referral.reference_code]
    assert body["results"][0]["client_id"] is None  # no client data in the partner's list


def test_inbox_filters_and_paginates(personas, client_a):
    program = program_x(personas)
    referrals = [send(personas, client_a, program=program) for _ in range(3)]
    move_to(personas, referrals[0], ReferralStatus.ACCEPTED)
    client = api_as(personas.partner_x)
    body = client.get(reverse("api:inbox"), {"status": "accepted"}).json()
    assert [r["reference_code"] for r in body["results"]] == [referrals[0].reference_code]
    body = client.get(reverse("api:inbox"), {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    body = client.get(reverse("api:inbox"), {"status": "nonsense"})
    assert body.status_code == 400


def _disclosures(referral):
    return AccessLogEntry.objects.filter(object_id=referral.pk, action=AccessAction.DISCLOSE)


def test_partner_sees_only_the_consented_fields_and_each_read_is_a_disclosure(personas):
    client = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name="Lan",
        legal_last_name="Tran",
        phone="+14085550199",
    )
    IntakeFactory(client=client, navigator=personas.navigator_a)
    ConsentFactory(
        client=client,
        recorded_by=personas.navigator_a,
        recipients=[personas.agency_x],
        scopes=["contact"],
    )
    referral = send(personas, client)
    response = api_as(personas.partner_x).get(
        reverse("api:referral", args=[referral.reference_code])
    )
    assert response.status_code == 200
    shown = response.json()["disclosed_client"]
    assert shown["scopes"] == ["contact"]
    assert shown["contact"]["phone"] == "+14085550199"
    assert "demographics" not in shown and "intake" not in shown and "notes" not in shown
    assert response.json()["client"] is None
    entry = _disclosures(referral).get()
    assert entry.user == personas.partner_x and entry.fields_disclosed == [
        "name",
        "phone",
    ]  # exactly what was shown


def test_sender_sees_the_client_and_history_without_a_disclosure(personas, referral):
    move_to(personas, referral, ReferralStatus.ACCEPTED)
    body = (
        api_as(personas.navigator_a)
        .get(reverse("api:referral", args=[referral.reference_code]))
        .json()
    )
    assert body["client"]["name"] == "Rosa Martinez"
    assert body["disclosed_client"] is None
    assert [e["to_status"] for e in body["events"]] == ["requested", "accepted"]
    assert body["events"][1]["organization"] == "Agency X Food Bank"
    assert body["actions"] == ["cancel"]
    # Who accepted is on the event; the readable history leaves out status rows the events show.
    assert "Priya Singh" in body["events"][1]["actor"]
    assert isinstance(body["history"], list)
    assert not _disclosures(referral).exists()


def _act(user, referral, action, **data):
    return api_as(user).post(
        reverse("api:referral_action", args=[referral.reference_code, action]),
        data,
        format="json",
    )


def test_partner_accepts_starts_and_completes_through_the_lifecycle(personas, referral):
    assert _act(personas.partner_x, referral, "accept").json()["status"] == "accepted"
    assert _act(personas.partner_x, referral, "start").json()["status"] == "in-progress"
    response = _act(
        personas.partner_x, referral, "complete", code="got_help", decided_by="provider"
    )
    assert response.status_code == 200 and response.json()["status"] == "completed"
    referral.refresh_from_db()
    assert referral.outcome == "got_help"
    history = referral.history.order_by("history_date")
    assert history.last().history_user == personas.partner_x


def test_a_second_accept_is_a_409_that_says_who_acted(personas, referral):
    assert _act(personas.partner_x, referral, "accept").status_code == 200
    response = _act(personas.partner_x, referral, "accept")
    assert response.status_code == 409
    assert "already accepted by Priya Singh (Agency X Food Bank)" in response.json()["detail"]


def test_decline_needs_a_reason_and_changes_nothing_without(personas, referral):
    response = _act(personas.partner_x, referral, "reject")
    assert response.status_code == 400
    assert response.json()["errors"]["code"] == ["Choose why you are declining the referral."]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED
    response = _act(personas.partner_x, referral, "reject", code="bogus")
    assert response.status_code == 400


def test_the_other_sides_action_is_refused(personas, referral):
    response = _act(personas.navigator_a, referral, "accept")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the agency that received this referral can do that."
    assert _act(personas.partner_x, referral, "cancel").status_code == 403
    assert _act(personas.partner_y, referral, "accept").status_code == 404
    assert _act(personas.partner_x, referral, "explode").status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED


def test_navigator_sends_a_referral(personas, client_a):
    program = program_x(personas)
    response = api_as(personas.navigator_a).post(
        reverse("api:referrals"),
        {
            "client": client_a.pk,
            "program": program.pk,
            "need_category": "food",
            "urgency": "soon",
            "reason": "Lost her job last month.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference_code=response.json()["reference_code"])
    assert referral.sent_by == personas.navigator_a and referral.urgency == "soon"
    assert referral.events.get().to_status == ReferralStatus.REQUESTED


def test_sending_without_consent_says_so_and_creates_nothing(personas):
    client = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    program = program_x(personas)
    response = api_as(personas.navigator_a).post(
        reverse("api:referrals"),
        {"client": client.pk, "program": program.pk, "need_category": "food", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "has no active consent" in response.json()["detail"]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["navigator_b", "partner_x", "manager", "outsider"])
def test_only_the_clients_center_can_send(personas, client_a, persona):
    program = program_x(personas)
    response = api_as(getattr(personas, persona)).post(
        reverse("api:referrals"),
        {"client": client_a.pk, "program": program.pk, "need_category": "food", "reason": "x"},
        format="json",
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_client_read_is_logged(personas, client_a):
    response = api_as(personas.navigator_a).get(reverse("api:client", args=[client_a.pk]))
    assert response.json()["legal_last_name"] == "Martinez"
    assert AccessLogEntry.objects.filter(
        client_id=client_a.pk, action=AccessAction.VIEW, user=personas.navigator_a
    ).exists()


def test_programs_filter_by_need(personas):
    program_x(personas, name="Food help")
    ProgramFactory(agency=personas.agency_y, name="Legal help", need_categories=["legal"])
    body = api_as(personas.navigator_a).get(reverse("api:programs"), {"need": "legal"}).json()
    assert [p["name"] for p in body["results"]] == ["Legal help"]


# Query counts: the same for 1 row and for many ---------------------------------------------


def _count(user, url):
    client = api_as(user)
    client.get(url)  # warm: token "last used", content types
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200
    return counted.count, response.json()["count"]


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("partner_x", "inbox"),
        ("partner_x", "referrals"),
        ("navigator_a", "referrals"),
        ("navigator_a", "programs"),
        ("navigator_a", "clients"),
        ("navigator_a", "client_referrals"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(personas, client_a, persona, name):
    program = program_x(personas)
    first = send(personas, client_a, program=program)
    url = _url(name, first)
    one, rows_before = _count(getattr(personas, persona), url)
    for i in range(6):
        other = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
        ConsentFactory(
            client=other, recorded_by=personas.navigator_a, recipients=[personas.agency_x]
        )
        send(personas, other if name != "client_referrals" else client_a, program=program)
        program_x(personas, name=f"Program {i}")
    many, rows_after = _count(getattr(personas, persona), url)
    assert rows_after > rows_before
    assert many == one


def test_throttled_past_the_rate(personas, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)
    client = api_as(personas.navigator_a)
    codes = [client.get(reverse("api:programs")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


@pytest.mark.parametrize("status", list(ReferralStatus))
def test_every_lifecycle_transition_through_the_api(personas, client_a, status):
    from tests.referrals.referral_helpers import PATH_TO

    referral = send(personas, client_a)
    for action, data in PATH_TO[status]:
        actor = personas.navigator_a if action == "cancel" else personas.partner_x
        response = _act(actor, referral, action, note=f"{action} via API", **data)
        assert response.status_code == 200, response.content
    referral.refresh_from_db()
    assert referral.status == status
    assert [e.note for e in referral.events.order_by("at", "id")][1:] == [
        f"{action} via API" for action, _data in PATH_TO[status]
    ]


def test_messages_come_in_the_token_users_language(personas, referral):
    personas.partner_x.language = "es"
    personas.partner_x.save()
    assert _act(personas.partner_x, referral, "accept").status_code == 200
    response = _act(personas.partner_x, referral, "accept")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Esta remisión ya quedó en estado")
