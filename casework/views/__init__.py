"""Navigator pages. Thin: parse input, call a selector or service, render."""

from .clients import (
    client_create,
    client_detail,
    client_history,
    client_list,
    client_update,
    household_member_create,
    household_member_remove,
    household_member_update,
    note_create,
)
from .consents import consent_agency_options, consent_create, consent_revoke
from .dashboard import dashboard
from .intakes import intake_create, intake_update

__all__ = [
    "client_create",
    "client_detail",
    "client_history",
    "client_list",
    "client_update",
    "consent_agency_options",
    "consent_create",
    "consent_revoke",
    "dashboard",
    "household_member_create",
    "household_member_remove",
    "household_member_update",
    "intake_create",
    "intake_update",
    "note_create",
]
