from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """Languages the interface and client documents are offered in."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    VIETNAMESE = "vi", _("Vietnamese")
    PUNJABI = "pa", _("Punjabi")
    HINDI = "hi", _("Hindi")


# Each language named in itself: what a speaker looks for in a language menu or on a document.
LANGUAGE_AUTONYMS = {
    Language.ENGLISH: "English",
    Language.SPANISH: "Español",
    Language.VIETNAMESE: "Tiếng Việt",
    Language.PUNJABI: "ਪੰਜਾਬੀ",
    Language.HINDI: "हिन्दी",
}
