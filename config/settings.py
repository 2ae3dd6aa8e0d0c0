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
    "casework",
    "referrals",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casework.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: the login page says why the session ended.
    "casework.middleware.SessionTimeoutMiddleware",
    "casework.middleware.UserLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
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

# django-axes: lock a username (from one address) after 5 failures, for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs 15 minutes from the lockout; tries during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

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

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process (the embedded default).
REDIS_URL = env("REDIS_URL", default="")
# In-process (no REDIS_URL): kombu's memory transport; a host name keeps kombu from warning
# "No hostname was supplied" on every enqueue.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
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
# Packets (referrals.packets): a rendering claim older than this is abandoned (its worker
# died) and may be claimed again; longer than the render task's hard time limit (60 s).
PACKET_STALE_SECONDS = env.int("PACKET_STALE_SECONDS", default=300)
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
        # Without Redis, tasks run in-process: one "Task ... succeeded" line per task is noise
        # (a worker, with Redis, keeps them).
        **({} if REDIS_URL else {"celery.app.trace": {"level": "WARNING"}}),
    },
}

# Small-count suppression threshold for managers' reports.
REPORT_MIN_COUNT = 5
