"""Reactions to casework events (casework never imports referrals)."""

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

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


@receiver(pre_create_historical_record, dispatch_uid="referrals.history_external_actor")
def record_external_actor(sender, *, instance, history_instance, **kwargs):
    """A change made from an emailed answer link names the agency's address in the history."""
    if hasattr(history_instance, "history_external_actor"):
        history_instance.history_external_actor = getattr(instance, "_history_external_actor", "")


@receiver(consent_revoked, dispatch_uid="referrals.consent_revoked_links")
def end_answer_links_on_consent_revoked(sender, *, consent, actor=None, **kwargs):
    """Emailed answer links die with the consent, in the revoking transaction."""
    from .links import referral_links_revoke_for_consent

    referral_links_revoke_for_consent(consent=consent, actor=actor)
