"""The referral pages: persona matrix (404 for everyone the design does not name), the partner
inbox (filters, counts, query count), consent-scoped client fields and disclosures."""

import pytest
from django.urls import reverse

from casework.models import AccessLogEntry
from casework.services import consent_revoke
from referrals.models import Referral
from referrals.services import referral_cancel
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory, IntakeFactory

from .referral_helpers import count_queries, move_to, program_x, send

PERSONAS = ["navigator_a", "navigator_b", "partner_x", "partner_y", "manager", "outsider"]


@pytest.fixture
def referral(personas, client_a):
    return send(personas, client_a)


def _get(client, user, url, **kwargs):
    login(client, user)
    return client.get(url, **kwargs)


# The design's access for each URL: persona -> expected status code (everyone else 404).
MATRIX = {
    "detail": {"navigator_a": 200, "partner_x": 200},
    "send": {"navigator_a": 200},
    "disclosures": {"navigator_a": 200},
    "inbox": {"partner_x": 200, "partner_y": 200},
}


def _url(name, referral):
    return {
        "detail": reverse("referrals:detail", args=[referral.reference_code]),
        "send": reverse("referrals:send", args=[referral.client_id]),
        "disclosures": reverse("referrals:client_disclosures", args=[referral.client_id]),
        "inbox": reverse("referrals:inbox"),
    }[name]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(MATRIX))
def test_persona_matrix_get(client, personas, referral, persona, name):
    response = _get(client, getattr(personas, persona), _url(name, referral))
    assert response.status_code == MATRIX[name].get(persona, 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ["accept", "reject", "cancel"])
def test_persona_matrix_actions(client, personas, referral, persona, action):
    """Both sides can post (the service says no to the wrong side with a message); everyone
    else gets 404 and nothing changes."""
    login(client, getattr(personas, persona))
    url = reverse("referrals:act", args=[referral.reference_code, action])
    data = {"note": "n", "code": "no_capacity", "confirmed": "yes"}
    response = client.post(url, data, follow=True)
    referral.refresh_from_db()
    allowed = {"accept": "partner_x", "reject": "partner_x", "cancel": "navigator_a"}[action]
    if persona in ("navigator_a", "partner_x"):
        assert response.status_code == 200
        if persona == allowed:
            assert (
                referral.status
                == {"accept": "accepted", "reject": "rejected", "cancel": "cancelled"}[action]
            )
        else:
            assert referral.status == "requested"
            assert "Only the" in response.content.decode()
    else:
        assert response.status_code == 404
        assert referral.status == "requested"


def _inbox_codes(client, user, **params):
    response = _get(client, user, reverse("referrals:inbox"), data=params)
    return {r.reference_code for r in response.context["page"].object_list}


def test_inbox_of_other_agency_and_search_do_not_show_it(client, personas, referral):
    assert _inbox_codes(client, personas.partner_y) == set()
    assert _inbox_codes(client, personas.partner_y, q=referral.reference_code) == set()
    assert _inbox_codes(client, personas.partner_x, q=referral.reference_code) == {
        referral.reference_code
    }


def test_unknown_reference_is_404_like_a_hidden_one(client, personas):
    assert (
        _get(
            client, personas.partner_x, reverse("referrals:detail", args=["CB-NOPE123"])
        ).status_code
        == 404
    )


def test_cancel_removes_the_agencys_access_to_every_page(client, personas, referral):
    referral_cancel(referral=referral, actor=personas.navigator_a)
    assert _get(client, personas.partner_x, _url("detail", referral)).status_code == 404
    assert _inbox_codes(client, personas.partner_x) == set()
    assert _get(client, personas.navigator_a, _url("detail", referral)).status_code == 200


def test_revoking_consent_removes_the_agencys_access_to_every_page(client, personas, referral):
    consent_revoke(actor=personas.navigator_a, consent=referral.consent)
    assert _get(client, personas.partner_x, _url("detail", referral)).status_code == 404
    assert _inbox_codes(client, personas.partner_x) == set()
    response = client.post(reverse("referrals:act", args=[referral.reference_code, "accept"]))
    assert response.status_code == 404


def test_partner_sees_only_consented_fields_and_the_view_is_a_logged_disclosure(client, personas):
    rosa = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name="Rosa",
        legal_last_name="Martinez",
        phone="+14085550199",
        email="rosa@example.org",
    )
    IntakeFactory(client=rosa, navigator=personas.navigator_a, household_size=4)
    ConsentFactory(
        client=rosa,
        recorded_by=personas.navigator_a,
        recipients=[personas.agency_x],
        scopes=["contact"],
    )
    referral = send(personas, rosa)
    body = _get(client, personas.partner_x, _url("detail", referral)).content.decode()
    assert "Rosa Martinez" in body
    assert "rosa@example.org" in body
    assert "Intake answers" not in body and "Household size" not in body
    assert "Date of birth" not in body
    # The reason and the screening explanation are there.
    assert "income dropped after a layoff" in body
    assert "Screening result" in body
    entry = AccessLogEntry.objects.get(action="disclose")
    assert (
        entry.user,
        entry.organization,
        entry.object_type,
        entry.object_id,
        entry.client_id,
    ) == (personas.partner_x, personas.agency_x, "referral", referral.pk, rosa.pk)
    assert entry.fields_disclosed[:3] == ["name", "phone", "email"]
    assert not {"date_of_birth", "household_size", "monthly_income"} & set(entry.fields_disclosed)
    # The navigator's own view is logged as a view, not a disclosure.
    _get(client, personas.navigator_a, _url("detail", referral))
    assert AccessLogEntry.objects.filter(action="view", object_type="referral").count() == 1
    assert AccessLogEntry.objects.filter(action="disclose").count() == 1


def test_partner_with_all_scopes_sees_intake_and_notes(client, personas, client_a):
    from casework.services import note_add

    note_add(actor=personas.navigator_a, client=client_a, body="Prefers morning calls.")
    referral = send(personas, client_a)
    body = _get(client, personas.partner_x, _url("detail", referral)).content.decode()
    assert "Intake answers" in body and "Prefers morning calls." in body
    entry = AccessLogEntry.objects.get(action="disclose")
    assert {"phone", "date_of_birth", "household_size", "monthly_income", "notes"} <= set(
        entry.fields_disclosed
    )


def test_disclosure_report_lists_who_saw_what_when(client, personas, referral):
    _get(client, personas.partner_x, _url("detail", referral))
    body = _get(client, personas.navigator_a, _url("disclosures", referral)).content.decode()
    assert "Priya Singh" in body and "Agency X Food Bank" in body
    assert "Phone" in body and referral.reference_code in body


def _make_disclosures(client, personas, referral, n):
    for _ in range(n):
        _get(client, personas.partner_x, _url("detail", referral))


def test_disclosure_report_query_count_is_independent_of_rows(
    client, personas, referral, django_assert_num_queries
):
    _make_disclosures(client, personas, referral, 1)
    login(client, personas.navigator_a)
    url = _url("disclosures", referral)
    client.get(url)  # warm caches (content types, permissions)
    with count_queries() as one:
        client.get(url)
    _make_disclosures(client, personas, referral, 6)
    login(client, personas.navigator_a)
    client.get(url)
    with django_assert_num_queries(one.count):
        response = client.get(url)
    assert len(response.context["rows"]) == 7


def test_inbox_filters_and_counts(client, personas, client_a):
    program = program_x(personas)
    other_program = program_x(personas, name="Emergency groceries")
    first = send(personas, client_a, program=program, urgency="urgent")
    second = move_to(personas, send(personas, client_a, program=other_program), "accepted")
    third = move_to(personas, send(personas, client_a, program=program), "completed")
    Referral.objects.filter(pk=first.pk).update(overdue_at=first.created_at)
    login(client, personas.partner_x)
    url = reverse("referrals:inbox")
    response = client.get(url)
    counts = response.context["counts"]
    assert (counts["requested"], counts["accepted"], counts["completed"], counts["overdue"]) == (
        1,
        1,
        1,
        1,
    )
    assert counts["total"] == 3

    def codes(**params):
        page = client.get(url, params).context["page"]
        return {r.reference_code for r in page.object_list}

    assert codes(status="accepted") == {second.reference_code}
    assert codes(program=other_program.pk) == {second.reference_code}
    assert codes(urgency="urgent") == {first.reference_code}
    assert codes(overdue="true") == {first.reference_code}
    assert codes() == {first.reference_code, second.reference_code, third.reference_code}


def test_inbox_query_count_is_independent_of_rows(client, personas, django_assert_num_queries):
    program = program_x(personas)

    def add(n):
        for _ in range(n):
            c = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
            ConsentFactory(
                client=c, recorded_by=personas.navigator_a, recipients=[personas.agency_x]
            )
            send(personas, c, program=program)

    add(1)
    login(client, personas.partner_x)
    url = reverse("referrals:inbox")
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    add(8)
    client.get(url)
    with django_assert_num_queries(one.count):
        response = client.get(url)
    assert response.context["page"].paginator.count == 9


def test_send_page_shows_consent_link_when_not_covered(client, personas, client_a):
    from tests.factories import ProgramFactory

    program_y = ProgramFactory(agency=personas.agency_y, name="Tenant rights clinic")
    login(client, personas.navigator_a)
    url = reverse("referrals:send", args=[client_a.pk])
    body = client.get(url, {"program": program_y.pk}).content.decode()
    assert "no active consent" in body
    assert reverse("casework:consent_create", args=[client_a.pk]) in body
    response = client.post(
        url,
        {
            "program": program_y.pk,
            "need_category": "legal",
            "urgency": "routine",
            "reason": "Eviction notice",
        },
    )
    assert response.status_code == 200
    assert "no active consent" in response.content.decode()
    assert not Referral.objects.exists()


def test_send_from_the_form_creates_the_referral(client, personas, client_a):
    program = program_x(personas)
    login(client, personas.navigator_a)
    url = reverse("referrals:send", args=[client_a.pk])
    assert client.get(url, {"program": program.pk}).status_code == 200
    response = client.post(
        url,
        {
            "program": program.pk,
            "need_category": "food",
            "urgency": "soon",
            "reason": "Lost job, two kids.",
            "note_to_agency": "Spanish please",
        },
        follow=True,
    )
    referral = Referral.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "referrals:detail", args=[referral.reference_code]
    )
    assert (referral.urgency, referral.reason, referral.note_to_agency) == (
        "soon",
        "Lost job, two kids.",
        "Spanish please",
    )
    assert "sent to Agency X Food Bank" in response.content.decode()


def test_partner_closes_the_loop_through_the_page(client, personas, referral):
    login(client, personas.partner_x)
    act = lambda action, **data: client.post(  # noqa: E731
        reverse("referrals:act", args=[referral.reference_code, action]), data, follow=True
    )
    act("accept", note="We will call Rosa tomorrow.")
    act("start")
    # A closing action first shows what it will record and changes nothing yet.
    body = act("complete", code="got_help", decided_by="provider", note="Enrolled.")
    body = body.content.decode()
    referral.refresh_from_db()
    assert referral.status == "in-progress"
    assert "Yes: Complete" in body and "Got help" in body and 'value="yes"' in body
    body = act(
        "complete", code="got_help", decided_by="provider", note="Enrolled.", confirmed="yes"
    ).content.decode()
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.outcome == "got_help"
    assert "Got help" in body and "We will call Rosa tomorrow." in body
    # Each status change is listed once, with who made it (not again under "All changes").
    assert body.count("In progress → Completed") == 1
    assert "changed status" not in body
    # An illegal move now is a message, not a 500.
    body = act("accept").content.decode()
    assert "already completed by Priya Singh" in body


def test_bad_form_is_a_message_not_a_500(client, personas, referral):
    login(client, personas.partner_x)
    response = client.post(
        reverse("referrals:act", args=[referral.reference_code, "reject"]),
        {"code": "bogus"},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please check the form:" in body
    assert "bogus is not one of the available choices" in body
    referral.refresh_from_db()
    assert referral.status == "requested"
    assert not referral.events.filter(to_status="rejected").exists()


def test_partners_have_an_inbox_link_and_navigators_do_not(client, personas):
    inbox = reverse("referrals:inbox")
    assert f'href="{inbox}"' in _get(client, personas.partner_x, inbox).content.decode()
    login(client, personas.navigator_a)
    body = client.get(reverse("casework:dashboard")).content.decode()
    assert f'href="{inbox}"' not in body


def test_referral_page_shows_follow_up_and_a_readable_history(client, personas, referral):
    from django.utils import timezone

    from referrals.services import referral_accept

    referral_accept(referral=referral, actor=personas.partner_x, note="Calling today")
    Referral.objects.filter(pk=referral.pk).update(reminder_sent_at=timezone.now())
    body = _get(client, personas.navigator_a, _url("detail", referral)).content.decode()
    assert "Casebridge reminded the agency" in body
    # The status change is listed once, with who made it and their note.
    assert "Priya Singh (Agency X Food Bank):" in body
    assert body.count("Requested → Accepted") == 1 and "Calling today" in body
    assert "Someone" not in body


def test_referral_page_query_count_does_not_grow_with_its_history(
    client, personas, referral, django_assert_num_queries
):
    url = _url("detail", referral)
    login(client, personas.partner_x)
    client.get(url)
    with count_queries() as one:
        client.get(url)
    move_to(personas, referral, "completed")
    client.get(url)
    with django_assert_num_queries(one.count):
        body = client.get(url).content.decode()
    assert "Got help" in body
