import datetime
from decimal import Decimal

import pytest
from django import forms
from django.utils import formats, translation

LANGUAGES = ["en", "es", "vi", "pa", "hi"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_and_amounts_read_the_us_way_in_every_language(language):
    """11/10/2026 is November 10 on every page, whatever the interface language."""
    with translation.override(language):
        day = datetime.date(2026, 11, 10)
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "11/10/2026"
        assert formats.number_format(Decimal("1900.5"), 2, force_grouping=True) == "1,900.50"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_typed_date_means_month_first_in_every_language(language):
    with translation.override(language):
        field = forms.DateField()
        assert field.clean("11/10/2026") == datetime.date(2026, 11, 10)


def test_month_names_stay_translated():
    with translation.override("es"):
        assert formats.date_format(datetime.date(2026, 11, 10), "F") == "noviembre"


def test_language_menu_names_each_language_in_itself(client, personas):
    from tests.conftest import login

    login(client, personas.navigator_a)
    html = client.get("/").content.decode()
    for autonym in ("English", "Español", "Tiếng Việt", "ਪੰਜਾਬੀ", "हिन्दी"):
        assert f">{autonym}</option>" in html
