"""The widgets built in Python (casework/form_renderer.py) are Django's own HTML, byte for
byte: every kind of widget and value against Django's template renderer, and the product's
form pages drawn by both."""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from casework.form_renderer import BUILDERS, FastWidgetRenderer
from tests.conftest import login

HARD_TEXT = 'Tom & "Jerry" <b>\'s</b>'
CHOICES = [("", "---"), ("a", HARD_TEXT), ("b", "Bé"), (3, 3)]
GROUPED = [("Food", [("f1", "Pantry"), ("f2", "Meals")]), ("x", "Other"), ("Empty", [])]


class EveryWidget(forms.Form):
    text = forms.CharField(
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "placeholder": gettext_lazy("Search"),
                "data-safe": mark_safe("<i>ok</i>"),
                "data-off": False,
                "data-none": None,
                "data-zero": 0,
                "autofocus": True,
                "class": "usa-input",
            }
        ),
    )
    number = forms.DecimalField(widget=forms.NumberInput(attrs={"step": Decimal("0.01")}))
    email = forms.EmailField()
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField()
    hidden = forms.CharField(widget=forms.HiddenInput)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    agree = forms.BooleanField()
    maybe = forms.NullBooleanField()
    pick = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=GROUPED)
    many = forms.MultipleChoiceField(choices=CHOICES[1:])
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect(attrs={"class": "r"}))
    radio_grouped = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple)


VALUES = [
    {},
    {
        "text": HARD_TEXT,
        "number": "2300.50",
        "email": "a@example.org",
        "date": "2026-11-30",
        "when": "2026-11-30 14:05",
        "hidden": "0",
        "password": "p&ss",
        "note": HARD_TEXT + "\nsecond line",
        "agree": "on",
        "maybe": "false",
        "pick": "a",
        "grouped": "f2",
        "many": ["a", "3"],
        "radio": "3",
        "radio_grouped": "x",
        "boxes": ["b"],
    },
    {"text": "", "number": "not a number", "pick": "nope", "boxes": ["zz"]},
]
INITIAL = {
    "number": Decimal("1234.5"),
    "date": datetime.date(2026, 1, 2),
    "when": datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC),
    "note": "",
    "agree": True,
    "maybe": None,
    "radio": 3,
}


def _drawn(renderer, data, auto_id):
    """Every field and every choice of it, as a page can draw them."""
    form = (
        EveryWidget(data, renderer=renderer, auto_id=auto_id)
        if data
        else EveryWidget(initial=INITIAL, renderer=renderer, auto_id=auto_id)
    )
    drawn = []
    for field in form:
        drawn.append(str(field))
        drawn.append(field.as_widget(attrs={"aria-describedby": "hint", "required": True}))
        if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            for choice in field:
                drawn += [str(choice), choice.tag(), choice.tag(wrap_label=False)]
    return drawn


@pytest.mark.parametrize("language", ["en", "es", "hi"])
@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize("data", VALUES, ids=["unbound", "filled", "invalid"])
def test_every_widget_is_drawn_as_django_draws_it(language, auto_id, data):
    with translation.override(language):
        expected = _drawn(DjangoTemplates(), data, auto_id)
        assert _drawn(FastWidgetRenderer(), data, auto_id) == expected
    assert any("&amp;" in html and "&quot;" in html for html in expected)  # escaping was tried


def test_each_builder_is_used(monkeypatch):
    """The comparison above went through every Python builder (else it proved nothing)."""
    used = set()
    for name, build in BUILDERS.items():

        def spy(w, option, name=name, build=build):
            used.add(name)
            return build(w, option)

        monkeypatch.setitem(BUILDERS, name, spy)
    for data in VALUES:
        _drawn(FastWidgetRenderer(), data, "id_%s")
    widgets = "django/forms/widgets/"
    assert used >= {
        f"{widgets}{name}.html"
        for name in (
            "text",
            "number",
            "email",
            "date",
            "hidden",
            "password",
            "checkbox",
            "textarea",
            "select",
            "select_option",
            "radio",
            "radio_option",
            "checkbox_select",
            "checkbox_option",
        )
    }


def test_the_project_draws_its_forms_with_it(settings):
    assert settings.FORM_RENDERER == "casework.form_renderer.FastWidgetRenderer"
    assert isinstance(forms.Form().renderer, FastWidgetRenderer)


TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value="|nonce="|"X-CSRFToken": ")[^"]*"')


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _page(client, url):
    """The page without what changes on every view: tokens, nonces, a new program's uuid."""
    response = client.get(url)
    assert response.status_code == 200, url
    return UUID.sub("uuid", TOKENS.sub("", response.content.decode()))


@pytest.mark.django_db
def test_the_form_pages_are_the_same_with_django_templates(client, personas, client_a, admin_user):
    """The product's form pages, drawn by Django's renderer and by this one: the same HTML."""
    from tests.referrals.referral_helpers import program_x, send

    referral = send(personas, client_a, program=program_x(personas))
    intake = client_a.intakes.get()
    pages = {
        personas.navigator_a: [
            reverse("casework:client_create"),
            reverse("casework:client_update", args=[client_a.pk]),
            reverse("casework:client_detail", args=[client_a.pk]),
            reverse("casework:intake_create", args=[client_a.pk]),
            reverse("casework:intake_update", args=[client_a.pk, intake.pk]),
            reverse("casework:consent_create", args=[client_a.pk]),
            reverse("casework:household_member_create", args=[client_a.pk]),
            reverse("casework:client_list"),
            reverse("referrals:send", args=[client_a.pk]),
            reverse("referrals:detail", args=[referral.reference_code]),
            reverse("referrals:screening_whatif", args=[client_a.pk]),
        ],
        personas.partner_x: [
            reverse("referrals:inbox"),
            reverse("referrals:detail", args=[referral.reference_code]),
        ],
        personas.manager: [reverse("reports:dashboard")],
    }
    admin_pages = [
        reverse("admin:casework_user_add"),
        reverse("admin:casework_organization_change", args=[personas.agency_x.pk]),
        reverse("admin:referrals_program_add"),
        reverse("admin:casework_consent_change", args=[client_a.consents.get().pk]),
    ]
    admin = Client()
    admin.force_login(admin_user)

    def draw_all():
        drawn = {}
        for user, urls in pages.items():
            login(client, user)
            for url in urls:
                drawn[user.username, url] = _page(client, url)
        for url in admin_pages:
            drawn["admin", url] = _page(admin, url)
        client.logout()
        drawn["login"] = _page(client, reverse("login"))
        return drawn

    fast = draw_all()
    with override_settings(FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
        assert not isinstance(forms.Form().renderer, FastWidgetRenderer)
        django_drawn = draw_all()
    assert fast.keys() == django_drawn.keys()
    for key in fast:
        assert fast[key] == django_drawn[key], key
    assert sum(page.count("<select") + page.count("<textarea") for page in fast.values()) > 20
