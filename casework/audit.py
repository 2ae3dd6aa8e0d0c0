"""Append-only access log: one row per read of a protected record. Ids only, no client data.

Views never call these: the read helpers (``casework.access.client_for_read`` and its
neighbours, ``referrals.access.referral_for_read`` and its neighbours) decide access and write
the row together. tests/test_access_log_helpers.py keeps it so."""

from collections.abc import Iterable

from .middleware import current_client_request_id, current_request_id
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
    external_actor: str = "",
) -> AccessLogEntry:
    """``user`` is None for a read through an emailed link; ``external_actor`` names who."""
    return AccessLogEntry.objects.create(
        user=user,
        external_actor=external_actor,
        organization=organization,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        action=action,
        fields_disclosed=list(fields_disclosed),
        request_id=current_request_id() or "",
        client_request_id=current_client_request_id() or "",
    )


def access_log_clients_listed(*, user, clients: Iterable) -> None:
    """One ``search`` row per client a result list showed, in one INSERT (a list's query count
    does not grow with its rows)."""
    rows = [
        AccessLogEntry(
            user=user,
            organization_id=client.center_id,
            object_type="client",
            object_id=client.pk,
            client_id=client.pk,
            action=AccessAction.SEARCH,
            request_id=current_request_id() or "",
            client_request_id=current_client_request_id() or "",
        )
        for client in clients
    ]
    if rows:
        AccessLogEntry.objects.bulk_create(rows)
