"""The navigator's side: referrals on the client page and its timeline (every status change with
its note), and the dashboard's "awaiting a response" list, overdue first."""

from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from referrals.services import referral_accept, referral_reject, referral_send
from tests.conftest import login
from tests.factories import ClientFactory, ConsentFactory

from .referral_helpers import count_queries, program_x, send


def test_client_timeline_shows_referrals_and_every_status_change_with_its_note(
    client, personas, client_a
):
    referral = send(personas, client_a)
    referral_accept(referral=referral, actor=personas.partner_x, note="Appointment on Tuesday")
    login(client, personas.navigator_a)
    body = client.get(reverse("casework:client_detail", args=[client_a.pk])).content.decode()
    assert "referred the client to CalFresh application help" in body
    assert '<span class="cb-timeline-referral">' in body  # drawn as HTML (lazily), not escaped
    assert "Appointment on Tuesday" in body
    assert referral.reference_code in body
    assert reverse("referrals:send", args=[client_a.pk]) in body
    assert reverse("referrals:client_disclosures", args=[client_a.pk]) in body


def test_dashboard_lists_referrals_awaiting_a_response_overdue_first(client, personas, client_a):
    program = program_x(personas)
    older = send(personas, client_a, program=program)
    overdue = send(personas, client_a, program=program)
    answered = send(personas, client_a, program=program)
    referral_reject(referral=answered, actor=personas.partner_x, reason_code="no_capacity")
    Referral.objects.filter(pk=overdue.pk).update(overdue_at=timezone.now())
    login(client, personas.navigator_a)
    body = client.get(reverse("casework:dashboard")).content.decode()
    assert "Referrals awaiting a response" in body
    assert body.index(overdue.reference_code) < body.index(older.reference_code)
    assert (
        answered.reference_code
        not in body.split("Referrals awaiting a response")[1].split("</section>")[0]
    )
    # Other centers never see them.
    login(client, personas.navigator_b)
    body = client.get(reverse("casework:dashboard")).content.decode()
    assert overdue.reference_code not in body


def test_dashboard_query_count_is_independent_of_referrals(
    client, personas, client_a, django_assert_num_queries
):
    program = program_x(personas)
    send(personas, client_a, program=program)
    login(client, personas.navigator_a)
    url = reverse("casework:dashboard")
    client.get(url)
    with count_queries() as one:
        client.get(url)
    for _ in range(6):
        other = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
        ConsentFactory(
            client=other, recorded_by=personas.navigator_a, recipients=[personas.agency_x]
        )
        send(personas, other, program=program)
    client.get(url)
    with django_assert_num_queries(one.count):
        client.get(url)


def test_client_page_query_count_is_independent_of_referrals(
    client, personas, client_a, django_assert_num_queries
):
    program = program_x(personas)
    send(personas, client_a, program=program)
    login(client, personas.navigator_a)
    url = reverse("casework:client_detail", args=[client_a.pk])
    client.get(url)
    with count_queries() as one:
        client.get(url)
    for _ in range(5):
        referral = send(personas, client_a, program=program)
        referral_accept(referral=referral, actor=personas.partner_x, note="ok")
    client.get(url)
    with django_assert_num_queries(one.count):
        body = client.get(url).content.decode()
    assert body.count("cb-timeline-referral") == 1 + 5 * 2


def test_suggested_programs_have_a_refer_button_that_preselects_the_program(
    client, personas, client_a
):
    program = program_x(personas)
    login(client, personas.navigator_a)
    body = client.get(reverse("casework:client_detail", args=[client_a.pk])).content.decode()
    send_url = reverse("referrals:send", args=[client_a.pk])
    assert f"{send_url}?program={program.pk}" in body
    page = client.get(send_url, {"program": program.pk})
    assert page.context["form"]["program"].value() == program.pk


def test_a_navigator_of_two_centers_sees_both_centers_waiting_overdue_first(
    client, personas, client_a, django_assert_num_queries
):
    """Each center's waiting referrals are read in their own index order and merged: the list
    holds both centers' referrals, overdue first, and costs the same queries for more rows."""
    from casework.models import Role
    from casework.services import membership_create

    membership_create(
        user=personas.navigator_b, organization=personas.center_a, role=Role.NAVIGATOR
    )
    program = program_x(personas)
    from_a = send(personas, client_a, program=program)
    client_b = ClientFactory(center=personas.center_b, created_by=personas.navigator_b)
    ConsentFactory(
        client=client_b, recorded_by=personas.navigator_b, recipients=[personas.agency_x]
    )
    from_b = referral_send(
        actor=personas.navigator_b,
        client=client_b,
        program=program,
        need_category="food",
        urgency="routine",
        reason="Rent is due on Friday.",
    )
    Referral.objects.filter(pk=from_b.pk).update(overdue_at=timezone.now())
    login(client, personas.navigator_b)
    url = reverse("casework:dashboard")
    body = client.get(url).content.decode()
    waiting = body.split("Referrals awaiting a response")[1].split("</section>")[0]
    assert from_a.reference_code in waiting and from_b.reference_code in waiting
    assert waiting.index(from_b.reference_code) < waiting.index(from_a.reference_code)
    # Navigator A works at center A only: center B's referral is not on A's list.
    login(client, personas.navigator_a)
    assert from_b.reference_code not in client.get(url).content.decode()

    login(client, personas.navigator_b)
    with count_queries() as few:
        client.get(url)
    for _ in range(4):
        send(personas, client_a, program=program)
    with django_assert_num_queries(few.count):
        client.get(url)
