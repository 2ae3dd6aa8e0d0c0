"""Casebridge settings: one module, driven by environment variables (django-environ).

Variables: DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, EMAIL_URL, TIME_ZONE.
A `.env` file at the project root is read if present (the setup script writes one for
development with a generated secret key).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

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
    "django.contrib.staticfiles",
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
    "casework",
    "referrals",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casework.middleware.RequestIdMiddleware",
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
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
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
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process (the embedded default).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True  # the database row is the source of truth for each job
CELERY_RESULT_BACKEND = None
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # its INFO is one line per rendering step
        "fontTools": {"level": "WARNING"},
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
}
RATELIMIT_VIEW = "casework.security.rate_limited"
# A rate-limit cache outage lets requests through (an outside service never blocks a request).
RATELIMIT_FAIL_OPEN = True
# The client address as django-axes sees it (the same AXES_IPWARE_* proxy settings).
RATELIMIT_IP_META_KEY = "casework.security.client_ip"
# Django's own RedisCache increments atomically (W001 only knows django-redis); per-process
# memory (E003) is fine for one process: development and tests.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if "LocMemCache" in CACHES["default"]["BACKEND"]:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Small-count suppression threshold for managers' reports.
REPORT_MIN_COUNT = 5
