from django.core.management.base import BaseCommand

from reports.rollups import NIGHTLY_WEEKS, rollup_all, rollup_recent


class Command(BaseCommand):
    help = (
        "Recomputes the weekly report roll-ups: the last few weeks (what the nightly job does), "
        "or every week with --all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every week that has referrals.")
        parser.add_argument("--weeks", type=int, default=NIGHTLY_WEEKS)

    def handle(self, *args, all=False, weeks=NIGHTLY_WEEKS, **options):
        written = rollup_all() if all else rollup_recent(weeks=weeks)
        self.stdout.write(f"Weekly roll-ups written: {written} rows.")
