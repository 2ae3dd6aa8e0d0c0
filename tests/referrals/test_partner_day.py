"""The partner's working day: one transition table, distinct decline / complete / fail forms,
a confirmation before closing, assignment within the agency, the inbox, the intake view."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models.organizations import Role
from casework.services import membership_create
from referrals.access import ReferralSide
from referrals.forms import CloseForm, RejectForm
from referrals.models import Referral
from referrals.services import (
    ReferralActionError,
    actions_available,
    referral_assign,
    referral_transition,
)
from referrals.transitions import TRANSITIONS
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory, IntakeFactory, UserFactory

from .referral_helpers import count_queries, move_to, program_x, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(personas, client_a):
    return send(personas, client_a)


@pytest.fixture
def colleague(personas):
    user = UserFactory(username="ana_x", first_name="Ana", last_name="Lopez")
    membership_create(user=user, organization=personas.agency_x, role=Role.PARTNER_STAFF)
    return user


def _page(client, user, referral):
    login(client, user)
    return client.get(reverse("referrals:detail", args=[referral.reference_code]))


def _act(client, referral, action, **data):
    url = reverse("referrals:act", args=[referral.reference_code, action])
    return client.post(url, data, follow=True)


# 1. One table -------------------------------------------------------------------------------


def test_every_action_reads_its_label_form_and_codes_from_the_one_table():
    assert {a: str(t.label) for a, t in TRANSITIONS.items()} == {
        "accept": "Accept",
        "reject": "Decline",
        "start": "Start work",
        "complete": "Complete",
        "fail": "Close as failed",
        "cancel": "Cancel referral",
    }
    assert TRANSITIONS["reject"].form is RejectForm
    assert TRANSITIONS["complete"].form is CloseForm
    assert {t.action for t in TRANSITIONS.values() if t.closing} == {
        "reject",
        "complete",
        "fail",
        "cancel",
    }


def test_buttons_come_from_the_table_in_its_order(personas, referral):
    assert actions_available(referral=referral, side=ReferralSide.RECEIVER) == ["accept", "reject"]
    assert actions_available(referral=referral, side=ReferralSide.SENDER) == ["cancel"]


def test_the_conflict_message_uses_the_tables_past_tense(personas, referral):
    move_to(personas, referral, "rejected")
    with pytest.raises(ReferralActionError) as exc:
        referral_transition(referral=referral, actor=personas.partner_x, action="accept")
    assert "cannot be accepted now" in exc.value.messages[0]


def test_the_referral_page_lists_each_status_change_once(client, personas, referral):
    move_to(personas, referral, "completed")
    body = _page(client, personas.navigator_a, referral).content.decode()
    assert body.count("Accepted → In progress") == 1
    assert body.count("In progress → Completed") == 1
    assert "changed status" not in body


# 2. Distinct forms, no pre-selected outcome, confirmation -----------------------------------


def _options(body, action):
    """The option values of the action's code select, in order."""
    import re

    form = body.split(f'data-action="{action}"', 1)[1].split("</form>", 1)[0]
    select = re.search(r'<select name="code"[^>]*>(.*?)</select>', form, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"([^>]*)>', select)


def test_decline_has_its_own_reasons_and_nothing_is_preselected(client, personas, referral):
    body = _page(client, personas.partner_x, referral).content.decode()
    options = _options(body, "reject")
    assert [v for v, _ in options] == [
        "",
        "not_eligible",
        "no_capacity",
        "out_of_area",
        "service_not_offered",
        "duplicate",
        "other",
    ]
    assert not any("selected" in attrs for v, attrs in options if v)
    accept = body.split('data-action="accept"', 1)[1].split("</form>", 1)[0]
    assert 'name="code"' not in accept


def test_complete_offers_got_help_and_fail_its_own_outcomes(client, personas, referral):
    move_to(personas, referral, "in-progress")
    body = _page(client, personas.partner_x, referral).content.decode()
    complete = _options(body, "complete")
    fail = _options(body, "fail")
    assert [v for v, _ in complete] == ["", "got_help"]
    assert [v for v, _ in fail] == [
        "",
        "could_not_contact",
        "not_eligible",
        "no_capacity",
        "client_declined",
        "other",
    ]
    assert not any("selected" in attrs for v, attrs in complete + fail if v)


def test_failing_as_got_help_is_refused_and_changes_nothing(client, personas, referral):
    move_to(personas, referral, "in-progress")
    with pytest.raises(ReferralActionError):
        referral_transition(
            referral=referral,
            actor=personas.partner_x,
            action="fail",
            code="got_help",
            decided_by="provider",
        )
    login(client, personas.partner_x)
    body = _act(
        client, referral, "fail", code="got_help", decided_by="provider", confirmed="yes"
    ).content.decode()
    referral.refresh_from_db()
    assert referral.status == "in-progress" and referral.outcome == ""
    assert "Please check the form" in body


def test_a_closing_action_needs_a_confirmation(client, personas, referral):
    move_to(personas, referral, "in-progress")
    login(client, personas.partner_x)
    body = _act(
        client, referral, "fail", code="could_not_contact", decided_by="client", note="3 calls"
    ).content.decode()
    referral.refresh_from_db()
    assert referral.status == "in-progress"
    assert "Could not contact" in body and "Yes: Close as failed" in body
    body = _act(
        client,
        referral,
        "fail",
        code="could_not_contact",
        decided_by="client",
        note="3 calls",
        confirmed="yes",
    ).content.decode()
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.decided_by) == (
        "failed",
        "could_not_contact",
        "client",
    )
    assert "is now failed" in body


def test_accepting_needs_no_confirmation(client, personas, referral):
    login(client, personas.partner_x)
    _act(client, referral, "accept", note="Calling today")
    referral.refresh_from_db()
    assert referral.status == "accepted"


@pytest.mark.parametrize("persona", ["navigator_b", "partner_y", "manager", "outsider"])
def test_wrong_persona_gets_404_on_the_confirmation(client, personas, referral, persona):
    login(client, getattr(personas, persona))
    response = client.post(
        reverse("referrals:act", args=[referral.reference_code, "reject"]),
        {"code": "no_capacity"},
    )
    assert response.status_code == 404


# 2. Assignment --------------------------------------------------------------------------------


def test_partner_assigns_to_a_colleague_with_history(client, personas, referral, colleague):
    login(client, personas.partner_x)
    url = reverse("referrals:assign", args=[referral.reference_code])
    body = client.post(url, {"assignee": colleague.pk}, follow=True).content.decode()
    referral.refresh_from_db()
    assert referral.assigned_to == colleague
    assert "assigned to Ana Lopez" in body
    last = referral.history.latest("history_date")
    assert last.history_user == personas.partner_x and last.assigned_to_id == colleague.pk
    # The page's history names who assigned whom.
    assert "Priya Singh (Agency X Food Bank) changed assigned to" in body


def test_assignment_stays_within_the_agency(client, personas, referral):
    login(client, personas.partner_x)
    url = reverse("referrals:assign", args=[referral.reference_code])
    body = client.post(url, {"assignee": personas.partner_y.pk}, follow=True).content.decode()
    referral.refresh_from_db()
    assert referral.assigned_to is None
    assert "Choose someone who works at Agency X Food Bank" in body
    with pytest.raises(ReferralActionError):
        referral_assign(referral=referral, actor=personas.partner_x, assignee=personas.navigator_a)
    # The assignee list offers only the agency's own staff.
    page = _page(client, personas.partner_x, referral).content.decode()
    form = page.split('class="usa-form cb-assign-form"', 1)[1].split("</form>", 1)[0]
    assert "Priya Singh" in form and "Sam Jones" not in form


@pytest.mark.parametrize("persona", ["navigator_a", "navigator_b", "partner_y", "manager"])
def test_only_the_receiving_agency_can_assign(client, personas, referral, colleague, persona):
    login(client, getattr(personas, persona))
    url = reverse("referrals:assign", args=[referral.reference_code])
    assert client.post(url, {"assignee": colleague.pk}).status_code == 404
    referral.refresh_from_db()
    assert referral.assigned_to is None
    with pytest.raises(ReferralActionError):
        referral_assign(referral=referral, actor=getattr(personas, persona), assignee=colleague)


def test_a_closed_referral_cannot_be_assigned(personas, referral, colleague):
    move_to(personas, referral, "rejected")
    with pytest.raises(ReferralActionError):
        referral_assign(referral=referral, actor=personas.partner_x, assignee=colleague)


# 2. The inbox ---------------------------------------------------------------------------------


def _client_sharing(personas, first, scopes):
    c = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name=first,
        legal_last_name="Tran",
    )
    ConsentFactory(
        client=c, recorded_by=personas.navigator_a, recipients=[personas.agency_x], scopes=scopes
    )
    return c


def test_inbox_shows_client_days_waiting_assignee_and_sorts_overdue_first(
    client, personas, colleague
):
    program = program_x(personas)
    now = timezone.now()
    named = send(personas, _client_sharing(personas, "Linh", ["contact"]), program=program)
    hidden = send(personas, _client_sharing(personas, "Bao", ["intake"]), program=program)
    overdue = send(personas, _client_sharing(personas, "Minh", ["contact"]), program=program)
    closed = move_to(
        personas,
        send(personas, _client_sharing(personas, "Hoa", ["contact"]), program=program),
        "rejected",
    )
    Referral.objects.filter(pk=named.pk).update(created_at=now - datetime.timedelta(days=3))
    Referral.objects.filter(pk=hidden.pk).update(created_at=now - datetime.timedelta(days=1))
    Referral.objects.filter(pk=overdue.pk).update(
        created_at=now - datetime.timedelta(days=8), overdue_at=now
    )
    referral_assign(referral=named, actor=personas.partner_x, assignee=colleague)

    login(client, personas.partner_x)
    response = client.get(reverse("referrals:inbox"))
    rows = [r.reference_code for r in response.context["page"].object_list]
    assert rows == [
        overdue.reference_code,
        named.reference_code,
        hidden.reference_code,
        closed.reference_code,
    ]
    body = response.content.decode()
    assert "Linh Tran" in body and "Minh Tran" in body
    assert "Bao Tran" not in body and "Name not shared" in body
    assert "8 days" in body and "3 days" in body and "1 day<" in body
    assert "Ana Lopez" in body
    assert "CalFresh application help" in body

    def codes(**params):
        page = client.get(reverse("referrals:inbox"), params).context["page"]
        return [r.reference_code for r in page.object_list]

    assert codes(assigned="nobody") == [
        overdue.reference_code,
        hidden.reference_code,
        closed.reference_code,
    ]
    login(client, colleague)
    assert codes(assigned="me") == [named.reference_code]
    assert codes(sort="newest")[0] == closed.reference_code


def test_inbox_with_assignees_keeps_a_constant_query_count(
    client, personas, colleague, django_assert_num_queries
):
    program = program_x(personas)

    def add(n):
        for i in range(n):
            r = send(personas, _client_sharing(personas, f"C{i}", ["contact"]), program=program)
            referral_assign(referral=r, actor=personas.partner_x, assignee=colleague)

    add(1)
    login(client, personas.partner_x)
    url = reverse("referrals:inbox")
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    add(6)
    client.get(url)
    with django_assert_num_queries(one.count):
        response = client.get(url)
    assert response.content.decode().count("Ana Lopez") >= 7


# 2. The intake view and staff-only controls ---------------------------------------------------


def test_partner_intake_view_shows_every_answer_the_consent_covers(client, personas):
    c = _client_sharing(personas, "Lan", ["intake", "demographics"])
    IntakeFactory(
        client=c,
        navigator=personas.navigator_a,
        has_internet_at_home=False,
        has_working_device=False,
        children_ages=[4, 9],
        benefits_received=["calfresh"],
        needs=["internet"],
    )
    referral = send(personas, c)
    body = _page(client, personas.partner_x, referral).content.decode()
    intake = body.split('class="cb-dl cb-facts cb-disclosed-intake"', 1)[1].split("</dl>", 1)[0]
    for label in (
        "Internet at home",
        "Working computer or smartphone",
        "Benefits already received",
    ):
        assert label in intake, label
    assert "CalFresh (SNAP)" in intake
    # Children's ages are demographics (referrals.disclosure), shown with that scope.
    demographics = body.split('class="cb-dl cb-facts cb-disclosed-demographics"', 1)[1]
    demographics = demographics.split("</dl>", 1)[0]
    assert "Children&#x27;s ages" in demographics and "4, 9" in demographics
    # Not covered: no contact details.
    assert "cb-disclosed-contact" not in body


def test_without_the_intake_scope_no_intake_answers(client, personas):
    c = _client_sharing(personas, "Lan", ["contact"])
    IntakeFactory(client=c, navigator=personas.navigator_a, has_internet_at_home=False)
    referral = send(personas, c)
    body = _page(client, personas.partner_x, referral).content.decode()
    assert "cb-disclosed-contact" in body
    assert "Internet at home" not in body
