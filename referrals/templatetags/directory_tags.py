"""Template filters for program cards (suggestions, the program directory)."""

from django import template
from django.utils.translation import get_language_info

from casework.models.choices import LANGUAGE_AUTONYMS

register = template.Library()

# Languages programs list that Django's table lacks (or names only by script variant).
OTHER_AUTONYMS = {"zh": "中文", "tl": "Tagalog", "yue": "粵語", "so": "Soomaali"}


def language_autonym(code: str) -> str:
    """A language named in itself: our five from one table, others from Django's list."""
    if code in LANGUAGE_AUTONYMS:
        return LANGUAGE_AUTONYMS[code]
    if code in OTHER_AUTONYMS:
        return OTHER_AUTONYMS[code]
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


@register.filter
def spoken_languages(codes) -> str:
    """``["en", "es", "vi"]`` -> "English, Español, Tiếng Việt"."""
    return ", ".join(language_autonym(code) for code in codes or [])
