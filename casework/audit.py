"""Append-only access log: one row per read of a protected record. Ids only, no client data."""

import functools
from collections.abc import Iterable

from .middleware import current_client_request_id, current_request_id
from .models import AccessLogEntry, Client
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


def logs_client_read(object_type: str = "client", *, client_kwarg: str = "pk", object_kwarg=None):
    """Logs a page that shows a client's information (a form filled with it, the send page, the
    disclosure report) once it has rendered: 200 only, so a denied (404) or redirected request
    writes nothing. ``object_kwarg`` names the URL argument holding the object read, if it is
    not the client (an intake)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                client_pk = int(kwargs[client_kwarg])
                center_id = (
                    Client.objects.filter(pk=client_pk).values_list("center_id", flat=True).first()
                )
                AccessLogEntry.objects.create(
                    user=request.user,
                    organization_id=center_id,
                    object_type=object_type,
                    object_id=int(kwargs[object_kwarg]) if object_kwarg else client_pk,
                    client_id=client_pk,
                    action=AccessAction.VIEW,
                    request_id=current_request_id() or "",
                    client_request_id=current_client_request_id() or "",
                )
            return response

        return wrapper

    return decorator
