"""Form widgets shared by the apps."""

from html import escape

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A plain <select> built in Python: the program lists (the reports' filters, the send
    form) run to a thousand options, which the template-based widget renderer takes a quarter
    of a second to draw. Options are escaped with the standard library's ``html.escape`` (what
    Django's ``escape`` calls) and joined once, not one ``format_html`` each."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(option_value))}"'
            f"{' selected' if str(option_value) in selected else ''}>{escape(str(label))}</option>"
            for option_value, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final_attrs), mark_safe(options)
        )


class NameChoiceIterator(ModelChoiceIterator):
    """A model choice field's options as (id, name) read with ``values_list``: no model
    instance per option (a thousand programs: 1,000 instances built to draw a list)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.rows()

    def rows(self):
        """(id, label) for each row; a subclass may label them otherwise, still from values."""
        return self.queryset.values_list("pk", "name")


class NameChoiceField(forms.ModelChoiceField):
    """A choice of rows by their ``name`` (organizations, programs), drawn by ``FastSelect``."""

    widget = FastSelect
    iterator = NameChoiceIterator
