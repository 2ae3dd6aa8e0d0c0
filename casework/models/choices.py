from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """Languages the interface and client documents are offered in."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    VIETNAMESE = "vi", _("Vietnamese")
    PUNJABI = "pa", _("Punjabi")
    HINDI = "hi", _("Hindi")
