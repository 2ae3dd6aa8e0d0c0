"""Import an HSDS 3.0 file (or a directory of HSDS CSV files) into the program directory."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from referrals.hsds import HSDSImportError, import_hsds, load_hsds_file


class Command(BaseCommand):
    help = (
        "Imports organizations, services, locations and service_at_locations from HSDS 3.0: "
        "Casebridge's export, a single object (service_full, organization_full, "
        "service_at_location_full), a page of the HSDS API (*_list.json), tabular.json or a "
        "directory of HSDS CSV files. Validates everything first; any error stops the import "
        "and writes nothing. Records are matched by HSDS id, so a re-import changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file, or a directory of CSV files")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; write nothing."
        )
        parser.add_argument(
            "--actor", metavar="USERNAME", help="User recorded in the history as the importer."
        )

    def handle(self, *args, file, dry_run=False, actor=None, **options):
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"No user named “{actor}”; nothing was imported.")
        try:
            result = import_hsds(load_hsds_file(file), source=file, actor=user, dry_run=dry_run)
        except HSDSImportError as exc:
            raise CommandError(f"{exc} — nothing was imported.") from exc
        for notice in result.notices:
            self.stdout.write(f"Notice: {notice}")
        for change in result.changes:
            self.stdout.write(("Would " if dry_run else "") + change)
        summary = ", ".join(f"{n} {what}" for what, n in result.counts.items())
        if dry_run:
            self.stdout.write(
                f"Dry run: read {summary} from {file}; {len(result.changes)} change(s) "
                "listed above; nothing was written."
            )
        elif result.changes:
            self.stdout.write(f"Imported {summary} from {file}; {len(result.changes)} change(s).")
        else:
            self.stdout.write(f"Read {summary} from {file}; nothing changed.")
