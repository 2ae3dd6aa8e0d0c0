import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas hash six passwords per test; PBKDF2 made that most of the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
