"""Screen a household described on the command line against every active program."""

import datetime
import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from referrals.eligibility import screen_facts
from referrals.eligibility.facts import parse_fact


class Command(BaseCommand):
    help = (
        "Screens a household against every active program and prints each program's status, "
        "reasons, missing facts and rule-set version. Saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--household-size", type=int)
        parser.add_argument("--monthly-income", help="Monthly gross income in dollars, e.g. 2300")
        parser.add_argument("--age", type=int)
        parser.add_argument("--zip", dest="zip_code")
        parser.add_argument(
            "--fact",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Any catalogue fact, e.g. --fact is_pregnant=yes --fact children_ages=2,7",
        )
        parser.add_argument("--need", action="append", default=[], help="A stated need (food)")
        parser.add_argument("--date", help="Screening date YYYY-MM-DD (default: today)")
        parser.add_argument("--language", default="en", help="Language of the reasons")
        parser.add_argument("--json", action="store_true", help="Print JSON")

    def handle(self, *args, **opts):
        facts = {}
        if opts["household_size"] is not None:
            if opts["household_size"] < 1:
                raise CommandError("--household-size must be 1 or more")
            facts["household_size"] = opts["household_size"]
        if opts["monthly_income"] is not None:
            try:
                facts["monthly_gross_income"] = Decimal(
                    opts["monthly_income"].replace("$", "").replace(",", "")
                )
            except InvalidOperation as exc:
                raise CommandError(f"--monthly-income: {opts['monthly_income']!r}") from exc
        if opts["age"] is not None:
            facts["age"] = opts["age"]
        if opts["zip_code"]:
            facts["zip_code"] = opts["zip_code"].strip()[:5]
        for item in opts["fact"]:
            name, sep, raw = item.partition("=")
            if not sep:
                raise CommandError(f"--fact {item!r}: use NAME=VALUE")
            try:
                facts[name.strip()] = parse_fact(name.strip(), raw)
            except ValueError as exc:
                raise CommandError(f"--fact {item!r}: {exc}") from exc
        on = None
        if opts["date"]:
            try:
                on = datetime.date.fromisoformat(opts["date"])
            except ValueError as exc:
                raise CommandError(f"--date {opts['date']!r}: use YYYY-MM-DD") from exc

        with translation.override(opts["language"]):
            results = screen_facts(facts=facts, on=on, needs=opts["need"])
            rows = [
                {
                    "program": r.program.name,
                    "program_id": r.program_id,
                    "agency": r.program.agency.name,
                    "status": str(r.status),
                    "reasons": [reason.render() for reason in r.reasons],
                    "notices": [notice.render() for notice in r.notices],
                    "missing": r.missing,
                    "questions": r.questions(),
                    "rule_set_id": r.rule_set_id,
                    "rule_set_version": r.rule_set_version,
                    "guideline_year": r.guideline_year,
                    "screened_on": r.screened_on.isoformat(),
                    "matches_need": r.matches_need,
                    "citations": [reason.citation for reason in r.reasons if reason.citation],
                    "estimated_monthly_value": (
                        None
                        if r.estimated_monthly_value is None
                        else str(r.estimated_monthly_value)
                    ),
                    "value_working": [w.render() for w in r.value_working],
                }
                for r in results
            ]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for row in rows:
            version = f"v{row['rule_set_version']}" if row["rule_set_version"] else "no rules"
            self.stdout.write(f"{row['program']} — {row['status']} ({version})")
            for reason in row["reasons"] + row["notices"]:
                self.stdout.write(f"    · {reason}")
            for question in row["questions"]:
                self.stdout.write(f"    ? {question}")
            for line in row["value_working"]:
                self.stdout.write(f"    $ {line}")
