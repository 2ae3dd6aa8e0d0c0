"""When a navigator last looked at their dashboard, for "updates since your last visit"."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class NavigatorVisit(models.Model):
    """Bookkeeping, not case data: no history (a row changes on every visit, and holds no client
    information). ``previous_at`` is the visit before the current one, the "since" of updates."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="navigator_visit"
    )
    previous_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} last visit {self.last_at:%Y-%m-%d %H:%M}"
