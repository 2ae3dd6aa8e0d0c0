import datetime
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from casework import panels, services
from casework.models import AccessLogEntry, HouseholdMember, Note
from tests.conftest import login


def _url(client_a):
    return reverse("casework:client_detail", args=[client_a.pk])


def test_reading_the_client_page_writes_an_access_log_row(client, personas, client_a):
    login(client, personas.navigator_a)
    assert client.get(_url(client_a)).status_code == 200
    assert client.get(_url(client_a)).status_code == 200
    rows = list(AccessLogEntry.objects.order_by("id"))
    assert len(rows) == 2
    row = rows[0]
    assert row.user == personas.navigator_a
    assert row.organization == personas.center_a
    assert (row.object_type, row.object_id, row.client_id) == ("client", client_a.pk, client_a.pk)
    assert row.action == "view"
    assert row.request_id


def test_no_access_log_row_for_a_404(client, personas, client_a):
    login(client, personas.navigator_b)
    assert client.get(_url(client_a)).status_code == 404
    login(client, personas.navigator_a)
    assert client.get("/clients/999999/").status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_page_shows_profile_intake_consent_and_notes(client, personas, client_a):
    services.note_add(actor=personas.navigator_a, client=client_a, body="Called about rent.")
    login(client, personas.navigator_a)
    body = client.get(_url(client_a)).content.decode()
    assert "<title>Rosa Martinez · Casebridge</title>" in body
    assert "Intake interview on" in body
    assert "Agency X Food Bank" in body
    assert "Active" in body
    assert "Called about rent." in body
    assert "Maria Lopez" in body
    assert 'class="cb-not-asked">Not asked' in body


def test_the_timeline_counts_unasked_questions_in_every_language(client, personas, client_a):
    """The count of unasked questions (drawn without the answers) matches the answers, and
    reads in each language's plural forms."""
    from casework.selectors import intake_answers, not_asked_count

    intake = client_a.intakes.latest("created_at")
    unasked = sum(1 for answer in intake_answers(intake) if answer.not_asked)
    assert unasked > 1 and not_asked_count(intake) == unasked
    navigator = personas.navigator_a
    for language in ("es", "vi", "pa", "hi", "en"):
        type(navigator).objects.filter(pk=navigator.pk).update(language=language)
        login(client, navigator)
        response = client.get(_url(client_a))
        assert response.status_code == 200, language
    assert f"{unasked} questions not asked." in response.content.decode()


def test_readable_changes_on_the_timeline(client, personas, client_a):
    intake = client_a.intakes.get()
    services.intake_update(
        actor=personas.navigator_a, intake=intake, monthly_gross_income=Decimal("1900.00")
    )
    services.intake_update(
        actor=personas.navigator_a,
        intake=intake,
        monthly_gross_income=Decimal("2300.00"),
        housing_status="rents",
        is_veteran=False,
    )
    login(client, personas.navigator_a)
    body = client.get(_url(client_a)).content.decode()
    assert (
        "Maria Lopez (Northside Community Center) changed monthly income from $1,900.00 to "
        "$2,300.00; housing from not answered to Rents; veteran from not answered to no"
    ) in body


def test_household_add_edit_remove(client, personas, client_a):
    login(client, personas.navigator_a)
    add = reverse("casework:household_member_create", args=[client_a.pk])
    response = client.post(add, {"relationship": "child", "name": "Luis", "age": "7"})
    assert response.status_code == 302
    member = HouseholdMember.objects.get()
    assert (member.name, member.age) == ("Luis", 7)
    assert member.history.get().history_user == personas.navigator_a

    edit = reverse("casework:household_member_update", args=[client_a.pk, member.pk])
    response = client.post(
        edit, {"relationship": "child", "name": "Luis", "date_of_birth": "2018-05-01", "age": ""}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.date_of_birth == datetime.date(2018, 5, 1)

    response = client.post(
        edit, {"relationship": "child", "age": "7", "date_of_birth": "2018-05-01"}
    )
    assert "either the age or the date of birth" in response.content.decode()

    body = client.get(_url(client_a)).content.decode()
    assert "Luis" in body
    assert "added household member Luis (Child)" in body

    remove = reverse("casework:household_member_remove", args=[client_a.pk, member.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not HouseholdMember.objects.exists()
    body = client.get(_url(client_a)).content.decode()
    assert "removed household member Luis (Child)" in body


def test_add_note_shows_author_and_time(client, personas, client_a):
    login(client, personas.navigator_a)
    url = reverse("casework:note_create", args=[client_a.pk])
    response = client.post(url, {"body": "Needs a ride to the clinic."})
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.author == personas.navigator_a
    body = client.get(_url(client_a)).content.decode()
    assert "Needs a ride to the clinic." in body
    local = timezone.localtime(note.created_at)
    assert f'<strong>Maria Lopez</strong> · <time datetime="{local.isoformat()}">' in body
    assert f"{local:%m/%d/%Y %H:%M}</time>" in body
    response = client.post(url, {"body": "   "})
    assert response.status_code == 200
    assert Note.objects.count() == 1


def test_other_apps_add_panels_and_timeline_entries(client, personas, client_a):
    def render(request, c):
        return format_html("<h2>Referrals</h2><p>Panel for {}</p>", c.display_name)

    def entries(c):
        return [
            {
                "at": c.created_at + datetime.timedelta(days=1),
                "kind": "referral",
                "html": format_html("<p>Referral sent to {}</p>", "Agency X"),
            },
            {"at": c.created_at, "kind": "referral", "html": "<script>x</script>"},
        ]

    # Names of their own: the real referrals panels stay registered for other tests.
    panels.register_client_panel("test_referrals", render, label="Test referrals")
    panels.register_client_panel("test_empty", lambda request, c: "")
    panels.register_timeline_source("test_referrals", entries)
    try:
        login(client, personas.navigator_a)
        body = client.get(_url(client_a)).content.decode()
    finally:
        panels.unregister_client_panel("test_referrals")
        panels.unregister_client_panel("test_empty")
        panels.unregister_timeline_source("test_referrals")
    assert '<section id="panel-test_referrals"' in body
    assert 'href="#panel-test_referrals">Test referrals</a>' in body
    assert "<p>Panel for Rosa Martinez</p>" in body
    assert 'id="panel-test_empty"' not in body
    assert "<p>Referral sent to Agency X</p>" in body
    assert "&lt;script&gt;" in body  # unsafe strings are escaped


def test_client_page_query_count_does_not_grow_with_history(
    client, personas, client_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, personas.navigator_a)
    client.get(_url(client_a))
    # Both views screen (a cold suggestions cache), so like is compared with like; the cache
    # itself is tested in tests/referrals/test_suggestions_cache.py.
    cache.clear()
    with CaptureQueriesContext(connection) as before:
        client.get(_url(client_a))
    intake = client_a.intakes.get()
    for i in range(10):
        services.intake_update(actor=personas.navigator_a, intake=intake, household_size=i + 1)
        services.note_add(actor=personas.navigator_a, client=client_a, body=f"note {i}")
        services.household_member_add(
            actor=personas.navigator_a, client=client_a, relationship="child", age=i
        )
    with django_assert_max_num_queries(len(before.captured_queries) + 1):
        # +1: the navigator's intake edits bring one foreign-key label lookup at most.
        cache.clear()
        client.get(_url(client_a))
