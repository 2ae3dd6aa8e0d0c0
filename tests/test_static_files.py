"""collectstatic copies what the pages, USWDS's stylesheet and script use, and leaves out the
icon sets nothing uses (config/apps.py)."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders


def _collected() -> set[str]:
    """The paths collectstatic would copy, as it finds them."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    paths = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            paths.add(f"{prefix}/{path}" if prefix else path)
    return paths


def test_unused_icon_sets_are_not_collected_and_the_stylesheets_files_are():
    collected = _collected()
    assert not [p for p in collected if re.search(r"material-icons|uswds-icons|sprite\.svg", p)]
    stylesheet = Path(settings.BASE_DIR, "node_modules/@uswds/uswds/dist/css/uswds.min.css")
    used = {
        "uswds/" + url.removeprefix("../")
        for url in re.findall(r"url\(['\"]?([^'\")?#]+)", stylesheet.read_text())
        if url.startswith("../")
    }
    assert len(used) > 40  # fonts and icons: the pattern above read them
    assert sorted(used - collected) == []
    # And what our own templates name.
    assert {"uswds/img/usa-icons/close.svg", "img/favicon.svg"} <= collected
    assert len(collected) < 1200
