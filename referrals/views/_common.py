from django.urls import NoReverseMatch, reverse


def url_or_none(name: str, *args) -> str | None:
    """A link into a page another app may not have yet (no 500 if it is missing)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None
