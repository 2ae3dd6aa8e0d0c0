from django import template

from casework.models.choices import LANGUAGE_AUTONYMS

register = template.Library()


@register.filter
def autonym(code: str) -> str:
    """A language named in itself ("ਪੰਜਾਬੀ", not Django's "Punjabi"), for pickers and packets."""
    return LANGUAGE_AUTONYMS.get(code, code)
