"""`manage.py screen` prints the same screening as JSON, for audits from a shell."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from referrals.demo import seed_demo

pytestmark = pytest.mark.django_db


def screen(*args):
    out = StringIO()
    call_command("screen", *args, stdout=out)
    return out.getvalue()


def by_program(rows):
    return {row["program"]: row for row in rows}


def test_screen_json_prints_status_reasons_missing_and_version():
    seed_demo()
    rows = by_program(
        json.loads(
            screen(
                "--household-size",
                "2",
                "--monthly-income",
                "2300",
                "--age",
                "34",
                "--zip",
                "95116",
                "--date",
                "2026-05-01",
                "--json",
            )
        )
    )
    calfresh = rows["CalFresh (SNAP food benefits)"]
    assert calfresh["status"] == "likely_eligible"
    assert calfresh["rule_set_version"] == 1 and calfresh["guideline_year"] == 2025
    assert calfresh["missing"] == []
    assert (
        "Monthly income $2,300 is at or under 200% of the 2025 poverty guideline for a household "
        "of 2: $3,525" in calfresh["reasons"]
    )
    wic = rows["WIC (Women, Infants and Children)"]
    assert wic["status"] == "need_more_info"
    assert {"is_pregnant", "children_ages"} <= set(wic["missing"])
    assert wic["questions"]
    section8 = rows["Housing Choice Voucher (Section 8) waiting list"]
    assert "The program is closed to new referrals right now" in section8["notices"]


def test_screen_fact_flags_and_later_date_use_the_newer_rules():
    seed_demo()
    rows = by_program(
        json.loads(
            screen(
                "--household-size",
                "3",
                "--monthly-income",
                "4100",
                "--age",
                "29",
                "--zip",
                "95122",
                "--fact",
                "children_ages=2",
                "--fact",
                "is_pregnant=no",
                "--date",
                "2026-10-15",
                "--json",
            )
        )
    )
    assert rows["WIC (Women, Infants and Children)"]["status"] == "likely_eligible"
    assert rows["WIC (Women, Infants and Children)"]["rule_set_version"] == 2
    assert rows["CalFresh (SNAP food benefits)"]["rule_set_version"] == 3


def test_screen_text_output_and_bad_arguments():
    seed_demo()
    text = screen(
        "--household-size", "1", "--monthly-income", "900", "--zip", "95112", "--date", "2026-05-01"
    )
    assert "CalFresh (SNAP food benefits) — likely_eligible (v1)" in text
    with pytest.raises(CommandError, match="unknown fact 'shoe_size'"):
        screen("--fact", "shoe_size=9")
    with pytest.raises(CommandError, match="is_pregnant: 'maybe' is not a valid yes or no"):
        screen("--fact", "is_pregnant=maybe")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        screen("--date", "May 1")
