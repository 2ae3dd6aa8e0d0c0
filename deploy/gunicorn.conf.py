"""Gunicorn settings for Casebridge (Procfile, deploy/casebridge-web.service).

Environment: PORT (8000), BIND (overrides PORT, e.g. unix:/run/casebridge/web.sock),
WEB_CONCURRENCY (worker processes, default 2 per core), GUNICORN_THREADS (1: sync workers),
ACCESS_LOG (on). Logs go to stderr as JSON lines when LOG_FORMAT=json.
"""

import gc
import multiprocessing
import os

_host = os.environ.get("HOST", "127.0.0.1")
bind = os.environ.get("BIND") or f"{_host}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Sync workers: PDF rendering and reports are background jobs, so a request never waits long.
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then (memory growth), not all at once.
max_requests = 2000
max_requests_jitter = 200
# Load the application once in the master: quicker worker starts, less memory (copy on write).
# Database connections are opened lazily per worker, after the fork.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Garbage collection. What the master loaded (Django, the apps, the URL conf) is frozen before
# each fork: the collector never scans it again and its memory pages stay shared. The workers
# collect young objects every 20,000 allocations instead of 700: a page makes thousands, so
# most were collected every few requests. Measured on bench/pages.py's pages: 1.5 -> 0.4 ms
# of collection a request, and no more 150 ms full collections in the middle of one.
GC_THRESHOLDS = (20_000, 20, 20)


def pre_fork(server, worker):
    gc.freeze()


def post_fork(server, worker):
    gc.set_threshold(*GC_THRESHOLDS)


# No control socket: one fixed path per user would collide between stacks on one host.
control_socket_disable = True

_json = os.environ.get("LOG_FORMAT", "plain") == "json"
_access = os.environ.get("ACCESS_LOG", "on").lower() in ("1", "on", "true", "yes")
accesslog = "-" if _access else None
errorlog = "-"
# The request id is the one the application returned (casework.middleware.RequestIdMiddleware).
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _json else "plain",
            "stream": "ext://sys.stderr",
        }
    },
    # The application's own records go through Django's LOGGING (config/settings.py).
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # With a logging config gunicorn logs access whatever ``accesslog`` says: ACCESS_LOG=off
        # is this level.
        "gunicorn.access": {
            "handlers": ["console"],
            "level": "INFO" if _access else "WARNING",
            "propagate": False,
        },
    },
}
