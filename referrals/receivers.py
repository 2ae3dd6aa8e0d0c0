"""Reactions to casework events (casework never imports referrals)."""

from django.dispatch import receiver

from casework.signals import consent_revoked

from .services import referrals_revoke_for_consent


@receiver(consent_revoked, dispatch_uid="referrals.consent_revoked")
def end_agency_access_on_consent_revoked(sender, *, consent, actor=None, **kwargs):
    """Runs inside the revoking transaction: the agency loses access at once."""
    referrals_revoke_for_consent(consent=consent, actor=actor)
