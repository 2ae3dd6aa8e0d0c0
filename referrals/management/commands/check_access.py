"""Recompute every access grant from memberships, clients, referrals and consents, and report
(or, with --fix, repair) any difference. Exit status 1 when differences were found and not
fixed, so a cron job or CI step notices."""

from django.core.management.base import BaseCommand, CommandError

from referrals.access_check import access_differences, access_repair


class Command(BaseCommand):
    help = "Check (and with --fix repair) object grants against memberships, referrals, consents."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Repair every difference found.")

    def handle(self, *args, fix=False, **options):
        differences = access_differences()
        for difference in differences:
            self.stdout.write(str(difference))
        if not differences:
            self.stdout.write(self.style.SUCCESS("Access grants match their sources."))
            return
        if fix:
            changed = access_repair(differences)
            remaining = access_differences()
            if remaining:
                raise CommandError(f"{len(remaining)} differences remain after repair.")
            self.stdout.write(self.style.SUCCESS(f"Repaired {changed} differences."))
            return
        raise CommandError(f"{len(differences)} differences found; run with --fix to repair.")
