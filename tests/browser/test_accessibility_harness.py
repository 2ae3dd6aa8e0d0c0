"""The axe-core harness itself: it fails on a WCAG violation (at either width) and passes a
clean page, so a green browser test means axe really ran."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = (
    '<!DOCTYPE html><html lang="en"><head><title>t</title></head>'
    "<body><main>{}</main></body></html>"
)


def test_a_violation_fails_with_its_rule_and_width(page):
    page.set_content(PAGE.format('<h1>Form</h1><input type="text">'))
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    assert "label" in str(failure.value)
    assert "desktop:" in str(failure.value) and "phone:" in str(failure.value)


def test_only_at_phone_width_is_caught_too(page):
    # Text under 4.5:1 contrast that only shows below 600 px.
    style = "<style>p{display:none}@media (max-width:600px){p{display:block;color:#aaa}}</style>"
    page.set_content(PAGE.format(f"{style}<h1>Hi</h1><p>Faint on phones</p>"))
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    assert "phone: color-contrast" in str(failure.value)
    assert "desktop:" not in str(failure.value)


def test_a_clean_page_passes_and_keeps_its_width(page):
    page.set_viewport_size({"width": 800, "height": 600})
    page.set_content(PAGE.format("<h1>Hello</h1><p>Readable text.</p>"))
    assert_accessible(page)
    assert page.viewport_size == {"width": 800, "height": 600}
