import pytest

from referrals import sms


@pytest.fixture
def sms_outbox(settings):
    """Texts go to ``referrals.sms.outbox`` (the locmem SMS backend) for the test."""
    settings.SMS_BACKEND = "referrals.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
