"""Django's own widget HTML, built in Python for the widgets the product's forms use.

Django draws every widget through the form renderer from its templates: a text input is
``input.html`` including ``attrs.html``, a select includes ``select_option.html`` once per
option, a radio button is three nested includes. That costs 60 µs a text input and 250 µs a
seven-option select or a three-choice radio: half the intake form's time, a seventh of the
partner inbox's (bench/pages.py, py-spy). ``FastWidgetRenderer`` builds the same HTML, byte
for byte, for those templates (``BUILDERS``), with the template language's own rules for
output (``render_value_in_context``: localized, escaped unless safe) and for
``stringformat:'s'``; every other template (a form's or a field's layout, a widget it does
not know, the admin's own widgets) goes to Django's renderer unchanged.
``tests/casework/test_form_renderer.py`` compares both renderers on every kind of value and
on the product's form pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_CONTEXT = Context(autoescape=True)  # what a template's ``{{ value }}`` is rendered in

W = "django/forms/widgets/"


def _out(value) -> str:
    """``{{ value }}``: localized, then escaped unless marked safe."""
    return render_value_in_context(value, _CONTEXT)


def _s(value) -> str:
    """``{{ value|stringformat:'s' }}`` (a safe value stays safe, as the filter is_safe)."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        text = ""
    if isinstance(value, SafeData):
        text = mark_safe(text)
    return conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """attrs.html: `` name="value"`` each; ``True`` the name alone, ``False`` left out."""
    return "".join(
        f" {_out(name)}" if value is True else f' {_out(name)}="{_s(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(w: dict, _option: Callable) -> str:
    value = f' value="{_s(w["value"])}"' if w["value"] != None else ""  # noqa: E711 - as the template
    return f'<input type="{_out(w["type"])}" name="{_out(w["name"])}"{value}{_attrs(w["attrs"])}>\n'


def _input_option(w: dict, option: Callable) -> str:
    if not w.get("wrap_label"):
        return _input(w, option) + "\n"
    label_for = f' for="{_out(w["attrs"]["id"])}"' if w["attrs"].get("id") else ""
    return f"<label{label_for}>{_input(w, option)} {_out(w['label'])}</label>\n"


def _option_of_input(w: dict, option: Callable) -> str:
    """radio_option.html and checkbox_option.html: input_option.html and a newline."""
    return _input_option(w, option) + "\n"


def _select_option(w: dict, _option: Callable) -> str:
    return f'<option value="{_s(w["value"])}"{_attrs(w["attrs"])}>{_out(w["label"])}</option>\n'


def _select(w: dict, option: Callable) -> str:
    parts = [f'<select name="{_out(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        for choice in group_choices:
            parts.append("\n  " + option(choice))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(w: dict, option: Callable) -> str:
    attrs = w["attrs"]
    parts = ["<div"]
    if attrs.get("id"):
        parts.append(f' id="{_out(attrs["id"])}"')
    if attrs.get("class"):
        parts.append(f' class="{_out(attrs["class"])}"')
    parts.append(">")
    for group, options, _index in w["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_out(group)}</label>")
        for choice in options:
            parts.append("<div>\n    " + option(choice) + "</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _textarea(w: dict, _option: Callable) -> str:
    value = _out(w["value"]) if w["value"] else ""
    return f'<textarea name="{_out(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>\n'


# Each template's output as its include would give it (with its file's final newline); the
# renderer strips the outermost one, as Django's does.
BUILDERS: dict[str, Callable[[dict, Callable], str]] = {
    **{
        f"{W}{name}.html": _input
        for name in (
            "input",
            "text",
            "number",
            "email",
            "url",
            "password",
            "hidden",
            "date",
            "datetime",
            "time",
            "search",
            "tel",
            "color",
            "checkbox",
        )
    },
    f"{W}input_option.html": _input_option,
    f"{W}radio_option.html": _option_of_input,
    f"{W}checkbox_option.html": _option_of_input,
    f"{W}select_option.html": _select_option,
    f"{W}select.html": _select,
    f"{W}radio.html": _multiple_input,
    f"{W}checkbox_select.html": _multiple_input,
    f"{W}multiple_input.html": _multiple_input,
    f"{W}textarea.html": _textarea,
}


class FastWidgetRenderer(DjangoTemplates):
    """Django's ``DjangoTemplates`` form renderer, with the common widgets built in Python
    (``BUILDERS``); settings.FORM_RENDERER."""

    def render(self, template_name, context, request=None):
        build = BUILDERS.get(template_name)
        if build is None:
            return super().render(template_name, context, request=request)
        return build(context["widget"], self._option).strip()

    def _option(self, option: dict) -> str:
        """One option of a select or of a radio or checkbox list, as its include draws it."""
        build = BUILDERS.get(option["template_name"])
        if build is None:
            return self.get_template(option["template_name"]).render({"widget": option})
        return build(option, self._option)
