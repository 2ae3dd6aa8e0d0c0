"""Every referral status change (ReferralEvent, written by referrals.services) and every message
on a referral's conversation (referrals.conversation) -> webhooks.

A receiver rather than a call in referrals.services: referrals must not import api
(``api -> referrals -> casework``). It runs inside the referral's transaction, so the deliveries
exist exactly when the event does; sending happens after commit, in the worker.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from referrals.conversation import referral_message_added
from referrals.models import ReferralEvent

from .webhooks import webhooks_emit_message_added, webhooks_for_referral_event


@receiver(post_save, sender=ReferralEvent, dispatch_uid="api.webhooks.referral_event")
def referral_event_to_webhooks(sender, instance: ReferralEvent, created: bool, raw=False, **kw):
    if created and not raw:
        webhooks_for_referral_event(instance)


@receiver(referral_message_added, dispatch_uid="api.webhooks.message_added")
def referral_message_to_webhooks(sender, *, message, **kw):
    """A message on the conversation (sent after its commit): ids only, never the text."""
    webhooks_emit_message_added(referral=message.referral, message_id=message.pk)
