"""History for two-factor devices (django-otp's TOTPDevice): who turned two-factor sign-in on
or off for whom, and when. The secret and the per-sign-in counters are not copied."""

from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history import register

register(
    TOTPDevice,
    app="casework",
    excluded_fields=[
        "key",
        "drift",
        "last_t",
        "throttling_failure_timestamp",
        "throttling_failure_count",
        "last_used_at",
    ],
)
