"""Log records carry the id of the request being served (set by
casework.middleware.RequestIdMiddleware), so a JSON log line can be matched to the access log
row and to the X-Request-ID the user saw. No Django imports: the logging configuration loads
this module before the apps are ready."""

import contextvars
import logging

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_client_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "client_request_id", default=None
)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True
