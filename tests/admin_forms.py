"""Posting a Django admin change form as an administrator would: everything the page shows,
with some fields changed."""

import datetime


def _encode(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


def _form_data(form, data: dict) -> None:
    for bound in form:
        if bound.field.disabled:
            continue
        value = _encode(bound.value())
        if value is not None:
            data[bound.html_name] = value


def admin_form_data(response, **changes) -> dict:
    """The POST data of the admin change page in ``response`` (its form and inline formsets
    as they stand), with ``changes`` applied (field name: value; None removes the field)."""
    context = response.context
    data: dict = {}
    _form_data(context["adminform"].form, data)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        _form_data(formset.management_form, data)
        for form in formset.forms:
            _form_data(form, data)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
