from .client_contact import (
    ClientConfirmLink,
    ClientMessage,
    ContactChannel,
    ContactPreference,
    MessageStatus,
)
from .conversation import ReferralMessage
from .directory import CapacityStatus, Location, Program, ServiceAtLocation
from .documents import DocumentKind, ReferralDocument
from .eligibility import Criterion, PovertyGuideline, RuleSet
from .links import ReferralLink
from .publishing import DirectoryPublishing
from .referral import (
    ClientOutcome,
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
from .visits import NavigatorVisit

__all__ = [
    "CapacityStatus",
    "ClientConfirmLink",
    "ClientMessage",
    "ClientOutcome",
    "ContactChannel",
    "ContactPreference",
    "Criterion",
    "DecidedBy",
    "DirectoryPublishing",
    "DocumentKind",
    "Location",
    "MessageStatus",
    "NavigatorVisit",
    "Outcome",
    "PacketStatus",
    "PovertyGuideline",
    "Program",
    "Referral",
    "ReferralDocument",
    "ReferralEvent",
    "ReferralGroupObjectPermission",
    "ReferralLink",
    "ReferralMessage",
    "ReferralStatus",
    "ReferralUserObjectPermission",
    "RejectionReason",
    "RuleSet",
    "ServiceAtLocation",
    "Urgency",
]
