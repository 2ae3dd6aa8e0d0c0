"""The send form: consent recorded inside the flow, the need following the program, and a
second open referral to the same program needing a reason."""

import html
import importlib.util
import sys
import types
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Consent
from referrals.models import Referral
from tests.conftest import login
from tests.factories import ClientFactory, ProgramFactory

from .referral_helpers import program_x

pytestmark = pytest.mark.django_db


def _send_url(c, program):
    return f"{reverse('referrals:send', args=[c.pk])}?program={program.pk}"


def _post(client, c, program, **extra):
    data = {
        "program": program.pk,
        "need_category": "",
        "urgency": "routine",
        "reason": "Needs a laptop for school.",
        "note_to_agency": "",
        **extra,
    }
    return client.post(_send_url(c, program), data)


def test_consent_recorded_in_the_flow_returns_to_the_form_with_the_program(client, personas):
    rosa = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    program = program_x(personas)
    login(client, personas.navigator_a)
    response = client.get(_send_url(rosa, program))
    assert "Consent needed" in response.content.decode()
    consent_url = response.context["consent_url"]
    assert consent_url.replace("&", "&amp;") in response.content.decode()
    assert f"agency={personas.agency_x.pk}" in consent_url
    consent_page = client.get(consent_url)
    form_page = consent_page.content.decode()
    # The program's agency is ticked; the others are not drawn (found by a search).
    assert f'name="recipients" value="{personas.agency_x.pk}" class="usa-checkbox__input" id' in (
        form_page
    )
    x_box = form_page.split(f'name="recipients" value="{personas.agency_x.pk}"')[1].split(">")[0]
    assert "checked" in x_box
    assert f'name="recipients" value="{personas.agency_y.pk}"' not in form_page
    next_url = consent_page.context["next_url"]
    assert f'<input type="hidden" name="next" value="{next_url}">' in form_page.replace(
        "&amp;", "&"
    )
    response = client.post(
        consent_url,
        {
            "scopes": ["contact", "intake"],
            "recipients": [personas.agency_x.pk],
            "method": "verbal",
            "given_on": "2026-11-01",
            "expires_on": "2027-11-01",
            "next": next_url,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _send_url(rosa, program)
    assert Consent.objects.filter(client=rosa, recipients=personas.agency_x).exists()
    body = client.get(response["Location"]).content.decode()
    assert "Consent needed" not in body
    assert f'<option value="{program.pk}" selected>' in body


def test_consent_form_ignores_a_next_url_to_another_site(client, personas, client_a):
    login(client, personas.navigator_a)
    url = reverse("casework:consent_create", args=[client_a.pk])
    response = client.post(
        url,
        {
            "scopes": ["contact"],
            "recipients": [personas.agency_y.pk],
            "method": "verbal",
            "given_on": "2026-11-01",
            "expires_on": "2027-11-01",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("casework:client_detail", args=[client_a.pk]))


def test_the_need_follows_the_program(client, personas, client_a):
    laptops = ProgramFactory(
        agency=personas.agency_x, name="Laptops", need_categories=["digital_access"]
    )
    login(client, personas.navigator_a)
    form = client.get(_send_url(client_a, laptops)).context["form"]
    assert form.initial["need_category"] == "digital_access"
    # Picked from the list with the need left as "The program's need": the program's need.
    response = _post(client, client_a, laptops)
    assert response.status_code == 302
    assert Referral.objects.get().need_category == "digital_access"


def test_a_second_open_referral_to_the_same_program_needs_a_reason(client, personas, client_a):
    program = program_x(personas)
    login(client, personas.navigator_a)
    assert _post(client, client_a, program).status_code == 302
    first = Referral.objects.get()
    body = client.get(_send_url(client_a, program)).content.decode()
    assert "Already referred" in body and first.reference_code in body
    response = _post(client, client_a, program)
    assert response.status_code == 200
    assert "Say why you are sending another one." in response.content.decode()
    assert Referral.objects.count() == 1
    response = _post(client, client_a, program, duplicate_reason="First appointment was missed.")
    assert response.status_code == 302
    second = Referral.objects.exclude(pk=first.pk).get()
    note = second.events.get().note
    assert f"Sent again while {first.reference_code} is open: First appointment was missed." in note
    # Once the first is closed, no reason is needed.
    from referrals.services import referral_cancel

    referral_cancel(referral=first, actor=personas.navigator_a)
    referral_cancel(referral=second, actor=personas.navigator_a)
    assert _post(client, client_a, program).status_code == 302


def test_the_program_list_reads_in_the_navigators_language(client, personas, client_a):
    program = program_x(personas)
    program.translations = {"es": {"name": "Ayuda para comprar alimentos"}}
    program.save(update_fields=["translations"])
    navigator = personas.navigator_a
    navigator.language = "es"
    navigator.save(update_fields=["language"])
    login(client, navigator)

    body = client.get(reverse("referrals:send", args=[client_a.pk])).content.decode()

    assert f"Ayuda para comprar alimentos — {program.agency.name}" in body
    assert f"{program.name} — {program.agency.name}" not in body


def _center_lookups(context) -> int:
    """Queries that ask for the user's community centers on their own (not as a subquery of a
    visibility filter): ``centers_of``, or the request's memberships they are read from."""
    return sum(
        1
        for q in context.captured_queries
        if (
            "'community_center'" in q["sql"]
            and 'FROM "casework_organization"' in q["sql"].split(" WHERE ")[0]
        )
        or (
            'FROM "casework_membership"' in q["sql"].split(" WHERE ")[0]
            and '"casework_membership"."user_id" = ' in q["sql"]
        )
    )


def test_the_navigators_centers_are_read_once_per_request(client, personas, client_a):
    """The form, the send and the client page each read the navigator's centers once."""
    program = program_x(personas)
    login(client, personas.navigator_a)
    with CaptureQueriesContext(connection) as form:
        assert client.get(_send_url(client_a, program)).status_code == 200
    with CaptureQueriesContext(connection) as sending:
        response = _post(client, client_a, program)
    referral = Referral.objects.get(client=client_a)
    assert response.status_code == 302 and referral.sending_center == personas.center_a
    with CaptureQueriesContext(connection) as client_page:
        page = client.get(reverse("casework:client_detail", args=[client_a.pk]))
    send_url = reverse("referrals:send", args=[client_a.pk])
    assert f'href="{send_url}' in page.content.decode()  # the Refer buttons are there
    counts = [_center_lookups(c) for c in (form, sending, client_page)]
    assert counts == [1, 1, 1]


def _locustfile(monkeypatch):
    """bench/locustfile.py's form helpers, loaded with a stand-in for locust (not installed
    in the project's environment: bench/load.py runs it in its own)."""
    stub = types.ModuleType("locust")
    stub.HttpUser = object
    stub.between = lambda low, high: None
    stub.task = lambda weight=1: lambda method: method
    monkeypatch.setitem(sys.modules, "locust", stub)
    path = Path(settings.BASE_DIR) / "bench" / "locustfile.py"
    spec = importlib.util.spec_from_file_location("casebridge_locustfile", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_load_benchmarks_consent_step_still_records_the_consent(client, personas, monkeypatch):
    """Navigator.send_referral reads the consent form with FormParser and posts its fields: the
    send page's agency must be a ticked ``recipients`` checkbox, and nothing else needed."""
    locust = _locustfile(monkeypatch)
    rosa = ClientFactory(center=personas.center_a, created_by=personas.navigator_a)
    program = program_x(personas)
    login(client, personas.navigator_a)
    send_page = client.get(_send_url(rosa, program)).content.decode()
    consent_url = html.unescape(locust.CONSENT_LINK.search(send_page).group(1))
    form = locust.form_with(client.get(consent_url).content.decode(), field="recipients")
    assert form["fields"]["recipients"] == [str(personas.agency_x.pk)]
    data = {key: value for key, value in form["fields"].items() if value}
    data |= {"scopes": ["contact", "demographics", "intake"], "method": ["verbal"]}
    response = client.post(form["action"] or consent_url, data)
    assert response.status_code == 302 and "/send/" in response["Location"]
    assert Consent.objects.filter(client=rosa, recipients=personas.agency_x).exists()


def test_the_send_page_says_whether_the_client_gets_a_text(client, personas, client_a):
    """A text about the referral goes only to a client who agreed; the page says which."""
    from referrals.client_messages import contact_preference_set, contact_preference_stop

    program = program_x(personas)
    login(client, personas.navigator_a)
    name = client_a.display_name

    page = client.get(_send_url(client_a, program)).content.decode()
    assert f"{name} will not get a message about this referral" in html.unescape(page)
    contact_url = reverse("referrals:contact_preference", args=[client_a.pk])
    assert f'href="{contact_url}"' in page

    contact_preference_set(
        client=client_a, actor=personas.navigator_a, channel="sms", phone="+14085550134"
    )
    page = html.unescape(client.get(_send_url(client_a, program)).content.decode())
    language = client_a.get_preferred_language_display()
    assert f"{name} will get a text at +14085550134, in {language}," in page

    contact_preference_set(
        client=client_a, actor=personas.navigator_a, channel="email", email="rosa@example.org"
    )
    page = html.unescape(client.get(_send_url(client_a, program)).content.decode())
    assert f"{name} will get an email at rosa@example.org, in {language}," in page

    contact_preference_stop(client=client_a, actor=personas.navigator_a)
    page = html.unescape(client.get(_send_url(client_a, program)).content.decode())
    assert f"{name} will not get a message about this referral" in page
