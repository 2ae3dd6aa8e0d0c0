"""Import an HSDS 3.0 JSON file into the program directory (all or nothing)."""

from django.core.management.base import BaseCommand, CommandError

from referrals.hsds import HSDSImportError, import_hsds, load_hsds_file


class Command(BaseCommand):
    help = (
        "Imports organizations, services, locations and service_at_locations from an HSDS 3.0 "
        "JSON file. Validates everything first; any error stops the import and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            counts = import_hsds(load_hsds_file(file), source=file)
        except HSDSImportError as exc:
            raise CommandError(f"{exc} — nothing was imported.") from exc
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(f"Imported {summary} from {file}.")
