"""Referral pages: the partner inbox, the referral page and its actions, sending, disclosures.

Thin: each view checks access through referrals.access / casework.access (404 when denied),
then calls a selector or a service."""
