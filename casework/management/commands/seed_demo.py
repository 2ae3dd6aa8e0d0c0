import importlib
import importlib.util

from django.core.management.base import BaseCommand

from casework import demo

# Apps that add to the demo city, each with ``seed_demo(*, city, stdout)`` in this module.
# Imported by name so casework never depends on them.
EXTENSIONS = [
    "referrals.demo",
    "referrals.demo_referrals",
    "referrals.packets.demo",
    "reports.demo_history",
    "reports.demo",
]


class Command(BaseCommand):
    help = (
        "Creates the demo city (centers, agencies, staff, ~30 clients with intakes) and prints "
        "the demo logins. Safe to run again: nothing is duplicated. Demo use only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins", action="store_true", help="Only print the demo logins; change nothing."
        )
        parser.add_argument(
            "--quiet", action="store_true", help="Do not print the logins after seeding."
        )

    def handle(self, *args, logins=False, quiet=False, **options):
        if not logins:
            city = demo.seed_demo()
            for module_name in EXTENSIONS:
                if importlib.util.find_spec(module_name) is None:
                    continue
                module = importlib.import_module(module_name)
                module.seed_demo(city=city, stdout=self.stdout)
            made = ", ".join(f"{n} {what}" for what, n in city.created.items()) or "nothing new"
            self.stdout.write(f"Demo data ready ({made}).")
        if logins or not quiet:
            self._print_logins()

    def _print_logins(self):
        rows = demo.logins()
        width = max(len(username) for username, _, _ in rows)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (demo only), password for all: {demo.demo_password()}")
        for username, role, organization in rows:
            self.stdout.write(f"  {username:<{width}}  {role} — {organization}")
