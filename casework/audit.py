"""Append-only access log: one row per read of a protected record. Ids only, no client data."""

from collections.abc import Iterable

from .middleware import current_request_id
from .models import AccessLogEntry
from .models.accesslog import AccessAction


def access_log_append(
    *,
    user,
    organization,
    object_type: str,
    object_id: int,
    client_id: int | None,
    action: str = AccessAction.VIEW,
    fields_disclosed: Iterable[str] = (),
) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        user=user,
        organization=organization,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        action=action,
        fields_disclosed=list(fields_disclosed),
        request_id=current_request_id() or "",
    )
