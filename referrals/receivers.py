"""Reactions to casework events (casework never imports referrals)."""

from django.dispatch import receiver

from casework.signals import consent_changed, consent_revoked

from .services import referrals_revoke_for_consent
from .services.lifecycle import referrals_resync_for_consent


@receiver(consent_revoked, dispatch_uid="referrals.consent_revoked")
def end_agency_access_on_consent_revoked(sender, *, consent, actor=None, **kwargs):
    """Runs inside the revoking transaction: the agency loses access at once."""
    referrals_revoke_for_consent(consent=consent, actor=actor)


@receiver(consent_changed, dispatch_uid="referrals.consent_changed")
def follow_consent_change(sender, *, consent, actor=None, **kwargs):
    """Runs inside the changing transaction: grants follow the recipients at once, and packets
    that showed a scope no longer covered are rendered again."""
    referrals_resync_for_consent(
        consent=consent,
        actor=actor,
        scopes_removed=kwargs.get("scopes_removed") or (),
        recipients_removed=kwargs.get("recipients_removed") or (),
    )
