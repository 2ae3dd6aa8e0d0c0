import os

import pytest
from django.db import connection

from casework import jobs
from config.celery import app as celery_app

from .factories import ClientFactory, ConsentFactory, IntakeFactory, UserFactory
from .personas import Personas, make_personas

# CI sets this: a test that needs PostgreSQL or Redis fails instead of skipping.
REQUIRE_SERVICES = os.environ.get("CASEBRIDGE_REQUIRE_SERVICES") == "1"

# Under pytest-xdist every worker has its own test database; give each its own Redis keys too,
# so a Celery worker started by one pytest worker never takes (or purges) another's tasks.
# Settings were read already: set the app's option, and the variable for worker subprocesses.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["CELERY_KEY_PREFIX"] = f"pytest-{os.environ['PYTEST_XDIST_WORKER']}:"
    celery_app.conf.broker_transport_options = {
        **celery_app.conf.broker_transport_options,
        "global_keyprefix": os.environ["CELERY_KEY_PREFIX"],
    }


def _scan_static_files_once() -> None:
    """Every test client builds its own request handler, and so its own WhiteNoise middleware,
    which listed and stat()ed all of STATIC_ROOT's 3,000 files each time: half of a test
    worker's time. The first scan of a directory is kept for the rest of the process (the
    same StaticFile objects, which hold a file's path and headers; each request builds its
    own response from them). A gunicorn worker builds its middleware once, so production
    scans once anyway."""
    from whitenoise.base import WhiteNoise

    scan = WhiteNoise.update_files_dictionary
    scanned: dict[tuple, dict] = {}

    def update_files_dictionary(self, root, prefix):
        key = (root, prefix, self.max_age, self.charset, self.allow_all_origins)
        if key not in scanned:
            kept, self.files = self.files, {}
            try:
                scan(self, root, prefix)
                scanned[key] = self.files
            finally:
                self.files = {**kept, **self.files}
        else:
            self.files.update(scanned[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary


_scan_static_files_once()


def _redis_available() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def pytest_collection_modifyitems(config, items):
    missing = []
    if any(i.get_closest_marker("postgres") for i in items) and connection.vendor != "postgresql":
        missing.append(("postgres", "needs PostgreSQL: set DATABASE_URL=postgres://..."))
    if any(i.get_closest_marker("redis") for i in items) and not _redis_available():
        missing.append(("redis", "needs Redis: set REDIS_URL=redis://... (reachable)"))
    if missing and REQUIRE_SERVICES:
        raise pytest.UsageError(
            "CASEBRIDGE_REQUIRE_SERVICES=1 but: " + "; ".join(reason for _, reason in missing)
        )
    for marker, reason in missing:
        for item in items:
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Tasks run in-process in tests unless a test starts a real worker (see tests/celery)."""
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    jobs.broker_backoff_reset()  # a broker failure in an earlier test does not carry over
    yield
    celery_app.conf.task_always_eager = old


@pytest.fixture(autouse=True)
def _language_of_the_test():
    """Each test starts in the default language: a request by a user who chose another
    language activates it for the thread (casework.middleware.UserLanguageMiddleware), and a
    later test in the same worker calling code outside a request would otherwise inherit it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (the cache) start empty in every test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing takes ~0.25 s per password: too slow for hundreds of test users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def start_beat(transactional_db):
    """Starts beat's scheduler as ``celery beat`` does (the Procfile's DatabaseScheduler): it
    writes every CELERY_BEAT_SCHEDULE entry into django-celery-beat's tables. Call it again to
    start beat again. (It commits and closes old connections, so the test is transactional.)"""
    from django_celery_beat.schedulers import DatabaseScheduler

    from config.celery import app

    return lambda: DatabaseScheduler(app=app)


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()


@pytest.fixture
def client_a(personas):
    """A client of Center A, with an intake and a consent to share everything with Agency X."""
    client = ClientFactory(
        center=personas.center_a,
        created_by=personas.navigator_a,
        legal_first_name="Rosa",
        legal_last_name="Martinez",
        preferred_language="es",
    )
    IntakeFactory(client=client, navigator=personas.navigator_a)
    ConsentFactory(client=client, recorded_by=personas.navigator_a, recipients=[personas.agency_x])
    return client


@pytest.fixture
def admin_user(db):
    """A superuser for the Django admin's tests (pytest-django's, made by the factory)."""
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin(client, admin_user):
    """The test client signed in as ``admin_user``."""
    return login(client, admin_user)


def login(django_client, user):
    django_client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return django_client
