from .accesslog import AccessLogEntry
from .choices import Language
from .clients import Client, HouseholdMember, Note
from .consent import Consent, ConsentScope
from .intake import IntakeInterview
from .organizations import AnswerChannel, Membership, Organization, OrganizationKind, Role, User
from .permissions import ClientGroupObjectPermission, ClientUserObjectPermission
from .two_factor import TOTPDevice

__all__ = [
    "AccessLogEntry",
    "AnswerChannel",
    "Client",
    "ClientGroupObjectPermission",
    "ClientUserObjectPermission",
    "Consent",
    "ConsentScope",
    "HouseholdMember",
    "IntakeInterview",
    "Language",
    "Membership",
    "Note",
    "Organization",
    "OrganizationKind",
    "Role",
    "TOTPDevice",
    "User",
]
