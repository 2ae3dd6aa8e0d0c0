"""Every status tone has text contrast of at least 4.5:1 (WCAG 2.1 AA), computed from the CSS
the browser gets, and every status the tag knows maps to a tone that has colours."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from casework.templatetags.status_tags import STATUS_TONES, TONES

CSS = Path(settings.BASE_DIR) / "static" / "css" / "casebridge.css"


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def tone_colours() -> dict[str, tuple[str, str]]:
    css = CSS.read_text()
    found = {}
    for tone, body in re.findall(r"\.cb-tone--([a-z]+)\s*\{([^}]*)\}", css):
        background = re.search(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})", body)
        text = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", body)
        found[tone] = (background.group(1), text.group(1))
    return found


def test_the_contrast_formula_matches_known_pairs():
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    # The green the consent tag used to have: the issue measured 3.13:1.
    assert contrast("#00a91c", "#ffffff") == pytest.approx(3.14, abs=0.01)


@pytest.mark.parametrize("tone", TONES)
def test_each_tone_has_text_contrast_of_at_least_4_5(tone):
    colours = tone_colours()
    assert tone in colours, f".cb-tone--{tone} has no colours in casebridge.css"
    background, text = colours[tone]
    assert contrast(background, text) >= 4.5, (tone, background, text)


def test_every_status_maps_to_a_tone_with_colours():
    assert set(STATUS_TONES.values()) <= set(TONES) <= set(tone_colours())


def test_the_tag_renders_the_tone_of_the_status():
    html = Template('{% load status_tags %}{% status_tag "referral" "completed" "Done" %}').render(
        Context()
    )
    assert "cb-tone--success" in html and ">Done</span>" in html
    html = Template('{% load status_tags %}{% status_tag "consent" "revoked" label %}').render(
        Context({"label": "<b>"})
    )
    assert "cb-tone--danger" in html and "&lt;b&gt;" in html
