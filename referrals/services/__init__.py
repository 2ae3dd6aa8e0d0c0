"""Every referral write (keyword-only, ``actor=``, one transaction each)."""

from referrals.transitions import LEGAL_MOVES, TRANSITIONS

from .assignment import agency_colleagues, referral_assign
from .directory import (
    criterion_delete,
    criterion_save,
    directory_publishing_set,
    location_delete,
    location_save,
    poverty_guideline_delete,
    poverty_guideline_save,
    rule_set_delete,
    rule_set_save,
    service_at_location_delete,
    service_at_location_save,
)
from .followup import add_business_days, referrals_follow_up
from .lifecycle import (
    ReferralActionError,
    actions_available,
    referral_accept,
    referral_cancel,
    referral_complete,
    referral_fail,
    referral_reject,
    referral_send,
    referral_start,
    referral_transition,
    referrals_end_expired_access,
    referrals_revoke_for_consent,
)
from .programs import program_delete, program_save, referrals_follow_program

__all__ = [
    "LEGAL_MOVES",
    "TRANSITIONS",
    "ReferralActionError",
    "actions_available",
    "add_business_days",
    "agency_colleagues",
    "criterion_delete",
    "criterion_save",
    "directory_publishing_set",
    "location_delete",
    "location_save",
    "poverty_guideline_delete",
    "poverty_guideline_save",
    "program_delete",
    "program_save",
    "referral_accept",
    "referral_assign",
    "referral_cancel",
    "referral_complete",
    "referral_fail",
    "referral_reject",
    "referral_send",
    "referral_start",
    "referral_transition",
    "referrals_end_expired_access",
    "referrals_follow_program",
    "referrals_follow_up",
    "referrals_revoke_for_consent",
    "rule_set_delete",
    "rule_set_save",
    "service_at_location_delete",
    "service_at_location_save",
]
