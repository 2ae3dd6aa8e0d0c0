"""Casebridge settings: one module, driven by environment variables (django-environ).

Variables: DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, EMAIL_URL, TIME_ZONE.
A `.env` file at the project root is read if present (the setup script writes one for
development with a generated secret key).
"""

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import environ
from django.utils.translation import gettext_lazy as _
from django_celery_beat.tzcrontab import TzAwareCrontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    # Development only: a per-checkout key written by the setup script, never committed.
    SECRET_KEY = env("SECRET_KEY", default="")
    if not SECRET_KEY:
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key()
else:
    SECRET_KEY = env("SECRET_KEY")  # required: no default in production

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "config.apps.CasebridgeStaticFilesConfig",  # django.contrib.staticfiles (config/apps.py)
    "django.contrib.humanize",
    "django.contrib.postgres",
    "guardian",
    "simple_history",
    "axes",
    "django_htmx",
    "django_filters",
    "phonenumber_field",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_ratelimit",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "casework",
    "referrals",
    "reports",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casework.middleware.RequestIdMiddleware",
    "casework.middleware.AccessMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on every signed-in response, Permissions-Policy on all; outside
    # the sign-in gates below, so their redirects and lockout pages get the headers too.
    "casework.security.SecurityHeadersMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: the login page says why the session ended.
    "casework.middleware.SessionTimeoutMiddleware",
    "casework.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Until a user who has (or must have) two-factor passes it, only sign-in pages answer.
    "casework.two_factor.TwoFactorMiddleware",
    # Rate-limited views (casework.security.rate_limit) answer 429 with a translated page.
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
# Django's widget HTML, built in Python for the common widgets (casework/form_renderer.py).
FORM_RENDERER = "casework.form_renderer.FastWidgetRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "casework.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Connection reuse: each web or worker process keeps its connection between requests for
# CONN_MAX_AGE seconds (checked before reuse), instead of a new connection per request (which
# cost 23% of throughput at county scale, issue 15). 0 turns reuse off. docs/deploy.md lists
# the PostgreSQL settings suited to this OLTP load.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# PostgreSQL's JIT compiler is for long analytical queries: on the inbox's count at county
# scale it spent 570 of 790 ms compiling (and 870 of 1,140 on the page itself), because the
# planner's estimate for the visibility probes crosses jit_above_cost. Every connection turns it
# off, whatever the server's postgresql.conf says (PG_CONNECTION_OPTIONS to change; issue 15).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", env("PG_CONNECTION_OPTIONS", default="-c jit=off")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "casework.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "casework:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions: idle timeout and absolute lifetime are enforced by
# casework.middleware.SessionTimeoutMiddleware; the cookie never outlives the absolute limit.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# django-axes: lock a username (from one address) after 5 failures, and an address after 20
# failures whatever the usernames (one person trying many accounts), each for 15 minutes. The
# per-address limit is higher because a community center's staff share one public address.
# casework.security.LockoutHandler applies one limit per entry of AXES_LOCKOUT_PARAMETERS.
AXES_HANDLER = "casework.security.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_PARAMETER_LIMITS = [AXES_FAILURE_LIMIT, AXES_IP_FAILURE_LIMIT]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
# The cool-off runs 15 minutes from the lockout; tries during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy the client address is in a header: say which one and how many proxies
# (README, "Deployment behind a proxy"). Default: the socket address (no proxy).
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list(
    "AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"]
)
AXES_IPWARE_PROXY_ORDER = env("AXES_IPWARE_PROXY_ORDER", default="right-most")
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("AXES_IPWARE_PROXY_TRUSTED_IPS", default=[]) or None

# HTTPS: redirect and HSTS in production (DEBUG off). A local run without TLS sets
# SECURE_SSL_REDIRECT=off (the test environment does, tests/environment.py). Behind a proxy
# that terminates TLS, set SECURE_PROXY_SSL_HEADER=on (it must overwrite X-Forwarded-Proto).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is a decision about the whole registered domain (a county's casebridge.county.gov
# cannot make it for county.gov), so it is the operator's: SECURE_HSTS_PRELOAD=on.
# `check --deploy` then stays clean (W021 is only the reminder of that choice).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer probes the health endpoints over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses (casework.security.SecurityHeadersMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from our own origin
# only; no inline script or style anywhere (templates keep their JavaScript in static/js,
# htmx runs with eval and its injected indicator style off: templates/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Two-factor sign-in (django-otp, TOTP): anyone may turn it on for themselves (Account ›
# Two-factor sign-in); it is required for these roles (Role values, and "staff" for Django
# admin users), e.g. REQUIRE_2FA_FOR_ROLES=staff,program_manager,org_admin.
REQUIRE_2FA_FOR_ROLES = env.list("REQUIRE_2FA_FOR_ROLES", default=[])
OTP_TOTP_ISSUER = "Casebridge"
# Password reset by email: a link valid for this long, used once (Django's token).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=60 * 60)

# django-guardian: direct-FK permission models only; no anonymous user row.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("vi", _("Vietnamese")),
    ("pa", _("Punjabi")),
    ("hi", _("Hindi")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# US date and number conventions in every language (config/formats/us.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    *(
        (f"uswds/{part}", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist" / part)
        for part in ("css", "js", "fonts", "img")
    ),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    *(
        (
            f"fonts/noto-sans-{script}",
            BASE_DIR / "node_modules" / "@fontsource" / f"noto-sans-{script}",
        )
        for script in ("devanagari", "gurmukhi")
    ),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Documents attached to referrals: outside MEDIA_ROOT and STATIC_ROOT, never under a URL; served
# only by referrals.views.attachments after the access check (referrals/attachments.py).
DOCUMENTS_ROOT = env.path("DOCUMENTS_ROOT", default=BASE_DIR / "private" / "documents")
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Casebridge <noreply@casebridge.invalid>")
# Absolute links in emails and background jobs.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# An agency's emailed answer link (referrals/links.py) works this many days, and only while
# the referral is open, its consent covers the agency and nobody revoked it.
REFERRAL_LINK_DAYS = env.int("REFERRAL_LINK_DAYS", default=14)
# Messages to clients who agreed to be contacted (referrals/client_messages.py). SMS_BACKEND is
# referrals.sms.ConsoleBackend (stdout), LocmemBackend (tests) or TwilioBackend (Twilio's REST
# API with the three TWILIO_* variables). SMS_INBOUND_SECRET lets the console backend's inbound
# webhook be tried locally (header X-Casebridge-Sms-Secret); empty refuses every request.
SMS_BACKEND = env("SMS_BACKEND", default="referrals.sms.ConsoleBackend")
SMS_INBOUND_SECRET = env("SMS_INBOUND_SECRET", default="")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
# Delivery attempts of one client message, and the first wait (doubling each time), in seconds.
CLIENT_MESSAGE_MAX_RETRIES = env.int("CLIENT_MESSAGE_MAX_RETRIES", default=5)
CLIENT_MESSAGE_RETRY_SECONDS = env.int("CLIENT_MESSAGE_RETRY_SECONDS", default=30)
# A claimed message not finished in this long belongs to a worker that died (the task's hard
# limit is 60 s); the sweeper (every 2 minutes) also publishes messages queued this long ago.
CLIENT_MESSAGE_LEASE_SECONDS = env.int("CLIENT_MESSAGE_LEASE_SECONDS", default=120)
# Days after a referral is accepted when the client is asked whether they got help, and how
# long the link in that message works.
CLIENT_CONFIRM_AFTER_DAYS = env.int("CLIENT_CONFIRM_AFTER_DAYS", default=10)
CLIENT_CONFIRM_LINK_DAYS = env.int("CLIENT_CONFIRM_LINK_DAYS", default=30)

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process (the embedded default).
REDIS_URL = env("REDIS_URL", default="")
# In-process (no REDIS_URL): kombu's memory transport; a host name keeps kombu from warning
# "No hostname was supplied" on every enqueue.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True  # the database row is the source of truth for each job
CELERY_RESULT_BACKEND = None
# No results are kept, so beat adds no celery.backend_cleanup entry of its own.
CELERY_RESULT_EXPIRES = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any countdown or ETA we use, so a late-acked task is not redelivered early.
    "visibility_timeout": 6 * 60 * 60,
    # A web request publishing while Redis is frozen gives up after ~1 s, at once when it is
    # stopped (tests/celery/test_redis_down.py). The worker reads BRPOP replies through its
    # event loop, so short socket timeouts do not disturb it.
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    "max_retries": 1,
}
# Optional namespace for every broker key, so processes sharing one Redis database never take
# each other's tasks (the test suite gives each pytest-xdist worker its own).
if env("CELERY_KEY_PREFIX", default=""):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = env("CELERY_KEY_PREFIX")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Workers and beat log through Django's LOGGING (JSON lines in production), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# PDF rendering gets its own queue, so a burst of packets never delays reminders and sweeps;
# run its worker with prefetch 1 (the global multiplier) and one process per core:
#   celery -A config worker -Q pdf --concurrency=2      celery -A config worker -Q celery
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"referrals.packet_render": {"queue": "pdf"}}
# Publishing from a web request: fail fast when Redis is down (the job row stays pending and
# the sweeper enqueues it later). Measured against a frozen Redis (SIGSTOP), per publish:
# this policy 1 s; max_retries=1 2-3 s; task_publish_retry=False 4 s (kombu's own connect
# retries). A publish right after a Redis restart still succeeds (redis-py reconnects).
CELERY_TASK_PUBLISH_RETRY = True
# After a failed publish a process does not try the broker for this long (casework.jobs), so a
# request that queues several jobs waits on a dead broker once; the sweepers always try.
BROKER_BACKOFF_SECONDS = env.int("BROKER_BACKOFF_SECONDS", default=5)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# Packets (referrals.packets): a rendering claim is a lease the render renews every
# PACKET_STALE_SECONDS / 4; one not renewed for PACKET_STALE_SECONDS is abandoned (its worker
# died) and may be claimed again (the sweeper runs every 20 s). A render stops renewing after
# PACKET_LEASE_MAX_SECONDS (longer than the task's hard time limit), so a hung one is taken over.
PACKET_STALE_SECONDS = env.int("PACKET_STALE_SECONDS", default=20)
PACKET_LEASE_MAX_SECONDS = env.int("PACKET_LEASE_MAX_SECONDS", default=120)
PACKET_PENDING_GRACE_SECONDS = env.int("PACKET_PENDING_GRACE_SECONDS", default=120)
PACKET_MAX_ATTEMPTS = 5
# Test-only: slows every render so a test can kill a worker mid-render. Never set in production.
PACKET_RENDER_DELAY_SECONDS = env.float("PACKET_RENDER_DELAY_SECONDS", default=0)
# With the 20 s lease, a packet whose worker died is rendered again within ~45 s.
PACKET_SWEEP_EVERY_SECONDS = 20

# Every periodic task, declared once (docs/jobs.md). Beat runs django-celery-beat's
# DatabaseScheduler, which writes these entries into its tables (by name) each time it starts;
# the admin shows them. Names are stable: renaming one leaves the old row behind.
# ``expire_seconds``: a run the workers could not take before the next one is pointless.
BUSINESS_TIME_ZONE = ZoneInfo("America/Los_Angeles")
CELERY_BEAT_SCHEDULE = {
    "referrals: re-enqueue stuck packets (every 20 seconds)": {
        "task": "referrals.packets_sweep",
        "schedule": timedelta(seconds=PACKET_SWEEP_EVERY_SECONDS),
        "options": {"expire_seconds": PACKET_SWEEP_EVERY_SECONDS - 5},
    },
    "referrals: daily follow-up (reminders, overdue)": {
        "task": "referrals.follow_up",
        # Business days, 08:00 local: reminders after 2 business days, overdue after 5.
        "schedule": TzAwareCrontab(minute="0", hour="8", day_of_week="1-5", tz=BUSINESS_TIME_ZONE),
        "options": {"expire_seconds": 6 * 60 * 60},
    },
    "reports: weekly report (Mondays 07:00 Los Angeles)": {
        "task": "reports.schedule_weekly_report",
        "schedule": TzAwareCrontab(minute="0", hour="7", day_of_week="1", tz=BUSINESS_TIME_ZONE),
    },
    "reports: weekly roll-ups of recent weeks (nightly 02:30 Los Angeles)": {
        "task": "reports.rollup_recent_weeks",
        "schedule": TzAwareCrontab(minute="30", hour="2", tz=BUSINESS_TIME_ZONE),
    },
    "referrals: ask clients whether they got help (daily 10:00 Los Angeles)": {
        "task": "referrals.client_confirmations",
        "schedule": TzAwareCrontab(minute="0", hour="10", tz=BUSINESS_TIME_ZONE),
        "options": {"expire_seconds": 6 * 60 * 60},
    },
    # Reads already hide a referral whose consent expired; this trims the agencies' grants to
    # what they may still open, so reading them does not grow with the years.
    "referrals: end agency grants of expired consents (nightly 00:10)": {
        "task": "referrals.end_expired_access",
        "schedule": TzAwareCrontab(minute="10", hour="0", tz=ZoneInfo(TIME_ZONE)),
        "options": {"expire_seconds": 6 * 60 * 60},
    },
    "referrals: send client messages left queued (every 2 minutes)": {
        "task": "referrals.client_messages_sweep",
        "schedule": timedelta(minutes=2),
        "options": {"expire_seconds": 100},
    },
    "reports: sweep stale report runs (every 5 minutes)": {
        "task": "reports.sweep_report_runs",
        "schedule": timedelta(minutes=5),
        "options": {"expire_seconds": 240},
    },
    "api: webhook deliveries sweeper": {
        "task": "api.webhooks_sweep",
        "schedule": timedelta(minutes=5),
        "options": {"expire_seconds": 300},
    },
}

# Logs: LOG_FORMAT=json (production, `make serve`, deploy/) writes one JSON object per line
# with the request id of the request being served (casework.logging); "plain" is for a
# terminal. Gunicorn's own logs use the same configuration (deploy/gunicorn.conf.py).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "casework.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its INFO is one line per rendering step
        "fontTools": {"level": "WARNING"},
        # Without Redis, tasks run in-process: one "Task ... succeeded" line per task is noise
        # (a worker, with Redis, keeps them).
        **({} if REDIS_URL else {"celery.app.trace": {"level": "WARNING"}}),
    },
}

# Cache: Redis when REDIS_URL is set (shared by every web process, so rate limits hold across
# them), else per-process memory. CACHE_URL overrides (the tests use locmem://).
_cache_url = env("CACHE_URL", default="")
if _cache_url.startswith("locmem://") or not (_cache_url or REDIS_URL):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url or REDIS_URL,
            "KEY_PREFIX": "cache:" + env("CELERY_KEY_PREFIX", default=""),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# Rate limits (django-ratelimit, counted in the cache, per signed-in user or else per address):
# "N/s|m|h|d" per group. casework.security.rate_limit(group) applies one; over the limit a view
# answers 429 with templates/429.html. "api" is for the coming API's views.
RATELIMITS = {
    "search": env("RATELIMIT_SEARCH", default="30/m"),
    "export": env("RATELIMIT_EXPORT", default="10/m"),
    "packet_render": env("RATELIMIT_PACKET_RENDER", default="5/m"),
    "password_reset": env("RATELIMIT_PASSWORD_RESET", default="5/h"),
    "two_factor": env("RATELIMIT_TWO_FACTOR", default="10/m"),
    "api": env("RATELIMIT_API", default="120/m"),
    # Emailed answer links (no sign-in), per address.
    "referral_link": env("RATELIMIT_REFERRAL_LINK", default="30/m"),
    # The SMS provider's webhook: every client's reply arrives from the provider's few
    # addresses, so it has a limit of its own, far above one person's answer link.
    "sms_inbound": env("RATELIMIT_SMS_INBOUND", default="600/m"),
}
RATELIMIT_VIEW = "casework.security.rate_limited"
# A rate-limit cache outage lets requests through (an outside service never blocks a request).
RATELIMIT_FAIL_OPEN = True
# The client address as django-axes sees it (the same AXES_IPWARE_* proxy settings).
RATELIMIT_IP_META_KEY = "casework.security.client_ip"
# Django's own RedisCache increments atomically (W001 only knows django-redis); per-process
# memory (E003) is fine for one process: development and tests.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
if "LocMemCache" in CACHES["default"]["BACKEND"]:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Small-count suppression threshold for managers' reports.
REPORT_MIN_COUNT = 5
# Seconds between a referral's change and the recompute of its week's roll-ups (the long-window
# reports lag by at most this much; issue 15: a recompute a minute per week touched took a third
# of a core under load).
REPORTS_ROLLUP_DELAY_SECONDS = env.int("REPORTS_ROLLUP_DELAY_SECONDS", default=600)
# Seconds a dashboard's figures are reused for the same filters while no referral changed
# (reports/cached.py); 0 computes them on every load.
REPORTS_CACHE_SECONDS = env.int("REPORTS_CACHE_SECONDS", default=60)
# Seconds the figures are still reused after a referral changed (a county changes referrals
# every few seconds): a change shows within this long; 0 shows it at the next load.
REPORTS_STALE_SECONDS = env.int("REPORTS_STALE_SECONDS", default=30)

# REST API (api/): personal tokens stored hashed, JSON only, paginated, throttled through the
# Django cache. The OpenAPI document is generated from the code by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="30/minute"),
        "user": env("API_THROTTLE_USER", default="600/minute"),
    },
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Casebridge API",
    "DESCRIPTION": (
        "Partner systems' access to referrals, programs and (for navigators) clients, under "
        "the same access rules as the pages. Authenticate with a personal token: "
        "`Authorization: Bearer cb_...`. FHIR R4 (SDOH Clinical Care) lives under /api/fhir/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "referrals.models.referral.ReferralStatus.choices",
        "WebhookEventEnum": "api.models.WebhookEvent.choices",
    },
}
# Webhooks (api/webhooks.py): retried with exponential backoff for up to a day.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_RETRY_WINDOW = timedelta(hours=env.int("WEBHOOK_RETRY_HOURS", default=24))
# Endpoints on loopback/private addresses are refused unless allowed (tests, local setups).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
# Without a broker (tasks run in-process) a delivery runs in a background thread, so a slow
# endpoint never holds up the request that changed the referral. Tests turn this off.
WEBHOOK_EAGER_IN_THREAD = env.bool("WEBHOOK_EAGER_IN_THREAD", default=True)
