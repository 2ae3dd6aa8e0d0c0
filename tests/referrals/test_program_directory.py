"""The program directory for navigators: filters, the program page, Refer carries the program."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals.models import Criterion, RuleSet, ServiceAtLocation
from tests.conftest import login
from tests.factories import LocationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:program_list")


def _program(personas, **kwargs):
    program = ProgramFactory(agency=personas.agency_x, **kwargs)
    location = LocationFactory(agency=personas.agency_x, address_1="200 Oak St", hours="Tue 10–2")
    ServiceAtLocation.objects.create(program=program, location=location)
    return program


def _names(body):
    return body.count('class="cb-card cb-program"')


def test_filters_by_need_language_zip_and_open(client, personas):
    laptops = _program(
        personas,
        name="Laptops for families",
        need_categories=["digital_access"],
        languages=["en", "vi"],
        service_area_zips=["95116"],
    )
    pantry = _program(personas, name="Weekend pantry", need_categories=["food"], languages=["es"])
    closed = _program(personas, name="Closed shelter", need_categories=["housing"])
    closed.capacity_status = "closed"
    closed.save()
    login(client, personas.navigator_a)
    body = client.get(LIST).content.decode()
    assert "3 programs" in body
    assert "200 Oak St" in body and "Tue 10–2" in body and "Last verified" in body
    body = client.get(LIST, {"need": "digital_access"}).content.decode()
    assert laptops.name in body and pantry.name not in body
    body = client.get(LIST, {"language": "vi"}).content.decode()
    assert laptops.name in body and pantry.name not in body
    assert "English, Tiếng Việt" in body
    body = client.get(LIST, {"zip_code": "95112"}).content.decode()
    assert laptops.name not in body and pantry.name in body  # pantry has no ZIP limit
    body = client.get(LIST, {"open": "closed"}).content.decode()
    assert closed.name in body and pantry.name not in body
    body = client.get(LIST, {"open": "open", "q": "pantry"}).content.decode()
    assert _names(body) == 1 and pantry.name in body


def test_program_page_in_plain_words_and_refer_carries_the_program(client, personas, client_a):
    program = _program(
        personas,
        name="CalFresh help",
        required_documents="Photo ID\nProof of income",
        contact_name="Ana Ruiz",
    )
    rule_set = RuleSet.objects.create(
        program=program, version=1, effective_from=datetime.date(2025, 1, 1)
    )
    Criterion.objects.create(
        rule_set=rule_set,
        fact="age",
        operator="gte",
        value=18,
        explanation="At least 18 years old.",
        citation="x",
    )
    for fact in ("receives_snap", "receives_ssi"):
        Criterion.objects.create(
            rule_set=rule_set,
            fact=fact,
            operator="eq",
            value=True,
            any_of_group="benefits",
            explanation=f"Receives {fact[9:].upper()}.",
            citation="x",
        )
    login(client, personas.navigator_a)
    body = client.get(reverse("referrals:program_detail", args=[program.pk])).content.decode()
    assert "At least 18 years old." in body
    assert "One of these:<ul" in body and "Receives SNAP." in body and "Receives SSI." in body
    assert "<li>Photo ID</li>" in body and "<li>Proof of income</li>" in body
    assert "200 Oak St" in body and "Ana Ruiz" in body and "Last verified" in body
    refer = reverse("referrals:program_refer", args=[program.pk])
    assert refer in body
    body = client.get(refer, {"q": "Rosa"}).content.decode()
    send_url = f"{reverse('referrals:send', args=[client_a.pk])}?program={program.pk}"
    assert send_url in body
    form = client.get(send_url).context["form"]
    assert form.initial["program"] == program.pk


@pytest.mark.parametrize("who", ["partner_x", "manager", "outsider"])
def test_directory_is_404_for_other_personas(client, personas, who):
    program = _program(personas)
    login(client, getattr(personas, who))
    for url in (
        LIST,
        reverse("referrals:program_detail", args=[program.pk]),
        reverse("referrals:program_refer", args=[program.pk]),
    ):
        assert client.get(url).status_code == 404


def test_missing_or_inactive_program_is_404(client, personas):
    program = _program(personas, is_active=False)
    login(client, personas.navigator_a)
    assert client.get(reverse("referrals:program_detail", args=[program.pk])).status_code == 404
    assert client.get(reverse("referrals:program_detail", args=[999999])).status_code == 404


def test_directory_query_count_does_not_grow_with_programs(
    client, personas, django_assert_num_queries
):
    _program(personas)
    login(client, personas.navigator_a)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST, {"need": "food"})
    for _ in range(15):
        _program(personas)
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(LIST, {"need": "food"}).content.decode()
    assert _names(body) == 16


def test_program_page_query_count_does_not_grow_with_locations_and_rules(
    client, personas, django_assert_num_queries
):
    program = _program(personas)
    url = reverse("referrals:program_detail", args=[program.pk])
    rule_set = RuleSet.objects.create(
        program=program, version=1, effective_from=datetime.date(2025, 1, 1)
    )
    Criterion.objects.create(
        rule_set=rule_set, fact="age", operator="gte", value=1, explanation="first", citation="x"
    )
    login(client, personas.navigator_a)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        loc = LocationFactory(agency=personas.agency_x, name=f"Site {n}")
        ServiceAtLocation.objects.create(program=program, location=loc)
        Criterion.objects.create(
            rule_set=rule_set,
            fact="age",
            operator="gte",
            value=n,
            explanation=f"rule {n}",
            citation="x",
        )
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert "Site 4" in body and "rule 4" in body


def test_administrators_read_the_directory_but_refer_no_one(client, personas):
    program = _program(personas)
    admin = UserFactory(username="dir_admin", is_staff=True)
    login(client, admin)
    assert client.get(LIST).status_code == 200
    detail = client.get(reverse("referrals:program_detail", args=[program.pk]))
    assert detail.status_code == 200
    refer = reverse("referrals:program_refer", args=[program.pk])
    assert refer not in detail.content.decode()  # no Refer button without a center
    assert client.get(refer).status_code == 404
