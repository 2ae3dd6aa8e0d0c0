from django.core.management.base import BaseCommand
from django.utils import timezone

from referrals.services import referrals_follow_up


class Command(BaseCommand):
    help = (
        "Runs the referral follow-up now (what Celery beat runs every weekday at 08:00): "
        "reminders after 2 business days without an answer, overdue after 5. Safe to rerun."
    )

    def handle(self, *args, **options):
        run = referrals_follow_up(now=timezone.now())
        self.stdout.write(
            f"Reminders sent: {len(run.reminders)}; marked overdue: {len(run.overdue)}."
        )
