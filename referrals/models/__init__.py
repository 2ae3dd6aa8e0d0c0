from .directory import CapacityStatus, Location, Program, ServiceAtLocation
from .referral import (
    DecidedBy,
    Outcome,
    PacketStatus,
    Referral,
    ReferralEvent,
    ReferralGroupObjectPermission,
    ReferralStatus,
    ReferralUserObjectPermission,
    RejectionReason,
    Urgency,
)

__all__ = [
    "CapacityStatus",
    "DecidedBy",
    "Location",
    "Outcome",
    "PacketStatus",
    "Program",
    "Referral",
    "ReferralEvent",
    "ReferralGroupObjectPermission",
    "ReferralStatus",
    "ReferralUserObjectPermission",
    "RejectionReason",
    "ServiceAtLocation",
    "Urgency",
]
