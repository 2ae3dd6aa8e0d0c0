"""Export the program directory as one HSDS 3.0 JSON file."""

import json

from django.core.management.base import BaseCommand

from referrals.hsds import export_hsds


class Command(BaseCommand):
    help = "Exports partner agencies, programs, locations and their links as HSDS 3.0 JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Output file, or - for standard output")

    def handle(self, *args, file, **options):
        document = export_hsds()
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True)
        if file == "-":
            self.stdout.write(text)
            return
        with open(file, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        self.stdout.write(
            f"Exported {len(document['organizations'])} organizations, "
            f"{len(document['services'])} services, {len(document['locations'])} locations "
            f"to {file}."
        )
