"""Directory content in the client's language: entered per language by an administrator,
shown in packets and on the navigator's pages, English (marked lang="en") where missing."""

import json

import pytest
from django.urls import reverse

from referrals.demo import load_directory_data, load_directory_translations, seed_demo
from referrals.hsds import export_hsds
from referrals.models import Location, Program
from referrals.models.directory import DIRECTORY_LANGUAGES
from referrals.packets.render import render_packet_html
from tests.conftest import login
from tests.factories import UserFactory

from .packet_helpers import make_program, make_referral

pytestmark = pytest.mark.django_db


def _translate(program, **languages):
    program.translations = languages
    program.save()


def test_spanish_packet_shows_the_spanish_program_name_and_documents(personas):
    program = make_program(personas)
    _translate(
        program,
        es={"name": "Ayuda con CalFresh", "required_documents": "Identificación con foto"},
    )
    location = program.locations.get()
    location.translations = {
        "es": {"hours": "Lun–Vie 9:00–17:00", "directions": "Entrada por la calle Story"}
    }
    location.save()
    referral = make_referral(personas, language="es", program=program)

    html = render_packet_html(referral=referral, language="es", copy="client")

    assert "<h1>Paquete de remisión: Ayuda con CalFresh</h1>" in html
    assert "Identificación con foto" in html
    assert "Photo ID" not in html
    assert "Lun–Vie 9:00–17:00" in html and "Entrada por la calle Story" in html
    assert "Cómo llegar" in html
    assert 'lang="en"' not in html  # nothing fell back
    # The agency copy stays English.
    agency = render_packet_html(referral=referral, language="en", copy="agency")
    assert "Second Harvest CalFresh Help" in agency and "Ayuda con CalFresh" not in agency
    assert "Photo ID" in agency


def test_missing_translation_falls_back_to_english_marked_as_english(personas):
    program = make_program(personas)
    _translate(program, vi={"name": "Hỗ trợ CalFresh"})  # no Vietnamese documents
    referral = make_referral(personas, language="vi", program=program)

    html = render_packet_html(referral=referral, language="vi", copy="client")

    assert '<html lang="vi">' in html
    assert "Hỗ trợ CalFresh" in html
    assert '<span lang="en">Photo ID\nProof of income (last 30 days)</span>' in html
    assert '<span lang="en">Mon–Fri 9:00–17:00</span>' in html
    # Hindi: nothing translated, the name itself is marked English.
    hindi = make_referral(personas, language="hi", program=program, first_name="Asha")
    html = render_packet_html(referral=hindi, language="hi", copy="client")
    assert '<span lang="en">Second Harvest CalFresh Help</span>' in html


def test_admin_enters_a_program_name_and_documents_per_language(client, personas):
    program = make_program(personas)
    admin = UserFactory(username="dir-admin", is_staff=True, is_superuser=True)
    login(client, admin)
    url = reverse("admin:referrals_program_change", args=[program.pk])
    page = client.get(url)
    assert "name (ਪੰਜਾਬੀ)" in page.content.decode()
    assert 'lang="hi"' in page.content.decode()

    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = json.dumps(value) if isinstance(value, list) else value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for index, inline in enumerate(formset.formset.forms):
            for name in inline.fields:
                value = inline.instance.pk if name == "id" else inline.initial.get(name)
                if value is not None:
                    data[f"{inline.prefix}-{name}"] = getattr(value, "pk", value)
            assert index == 0
    data["translation_hi_name"] = "कैलफ़्रेश मदद"
    data["translation_hi_required_documents"] = "फ़ोटो पहचान पत्र"
    data["translation_es_name"] = "  "  # blank: English is shown

    response = client.post(url, data)

    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
        data,
    )
    program.refresh_from_db()
    assert program.translations == {
        "hi": {"name": "कैलफ़्रेश मदद", "required_documents": "फ़ोटो पहचान पत्र"}
    }
    assert program.name == "Second Harvest CalFresh Help"  # English unchanged
    latest = program.history.latest()
    assert latest.history_user == admin
    assert latest.translations["hi"]["name"] == "कैलफ़्रेश मदद"
    assert program.localized("name", "hi").text == "कैलफ़्रेश मदद"
    assert program.localized("name", "es").text == "Second Harvest CalFresh Help"


def test_unknown_language_in_translations_is_refused():
    from django.core.exceptions import ValidationError

    program = Program(translations={"fr": {"name": "Aide"}})
    with pytest.raises(ValidationError, match="Unknown language: fr"):
        program.clean()
    location = Location(translations={"es": {"name": "Oficina"}})  # name is not translatable
    with pytest.raises(ValidationError, match="Unknown field: name"):
        location.clean()


def test_navigator_sees_program_names_in_the_clients_language(client, personas):
    seed_demo()
    referral = make_referral(personas, language="es")
    referral.program = Program.objects.get(name="CalFresh (SNAP food benefits)")
    referral.save(update_fields=["program"])
    login(client, personas.navigator_a)

    html = client.get(reverse("referrals:detail", args=[referral.reference_code])).content
    html = html.decode()

    assert '<span lang="es">CalFresh (beneficios de alimentos SNAP)</span>' in html
    assert '<span class="cb-muted" lang="en">(CalFresh (SNAP food benefits))</span>' in html
    client_page = client.get(reverse("casework:client_detail", args=[referral.client.pk]))
    assert '<span lang="es">CalFresh (beneficios de alimentos SNAP)</span>' in (
        client_page.content.decode()
    )


def test_demo_directory_ships_names_and_documents_in_every_language():
    translations = load_directory_translations()
    for spec in load_directory_data()["programs"]:
        for language in DIRECTORY_LANGUAGES:
            entry = translations.get(spec["key"], {}).get(language, {})
            assert entry.get("name", "").strip(), (spec["key"], language)
            assert entry.get("name") != spec["name"], (spec["key"], language)
            lines = entry.get("required_documents", "").split("\n")
            assert len(lines) == len(spec["required_documents"].split("\n")), spec["key"]
    seed_demo()
    calfresh = Program.objects.get(name="CalFresh (SNAP food benefits)")
    assert calfresh.localized("name", "pa").text == "CalFresh (SNAP ਖਾਣੇ ਦੀ ਸਹਾਇਤਾ)"
    assert "फ़ोटो पहचान पत्र" in calfresh.localized("required_documents", "hi").text


def test_hsds_export_keeps_the_english_values(personas):
    program = make_program(personas)
    _translate(program, es={"name": "Ayuda con CalFresh"})

    exported = json.dumps(export_hsds(), ensure_ascii=False)

    assert "Second Harvest CalFresh Help" in exported
    assert "Ayuda con CalFresh" not in exported
