"""Issue 13: the client answers "did you get help?" from the text message's link on a phone,
without an account or JavaScript, and the navigator's worklist shows the disagreement.
axe-core on each page (desktop and 390 px)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals import sms
from referrals.client_confirm import client_confirmations_send
from referrals.models import Referral
from referrals.services import referral_transition
from tests.browser.conftest import assert_accessible
from tests.referrals.client_message_helpers import program_with_location
from tests.referrals.referral_helpers import send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_client_answers_on_a_phone_and_the_navigator_sees_it(
    page, sign_in, settings, personas, client_a
):
    settings.SMS_BACKEND = "referrals.sms.LocmemBackend"
    sms.outbox.clear()
    then = timezone.now() - datetime.timedelta(days=10)
    referral = send(personas, client_a, program=program_with_location(personas), now=then)
    for action, kwargs in (
        ("accept", {}),
        ("start", {}),
        ("complete", {"code": "got_help", "decided_by": "provider"}),
    ):
        referral = referral_transition(
            referral=referral, actor=personas.partner_x, action=action, now=then, **kwargs
        )
    # The navigator records the client's agreement to texts on the client's contact page.
    sign_in(personas.navigator_a)
    page.goto(f"/referrals/clients/{client_a.pk}/contact/")
    assert_accessible(page)
    page.get_by_label("Text message").check()
    page.get_by_label("Mobile number").fill("(408) 555-0199")
    page.get_by_role("button", name="The client agrees").click()
    expect(page.locator(".cb-contact-status")).to_contain_text("+14085550199")
    assert_accessible(page)
    page.context.clear_cookies()  # the client is not signed in
    assert client_confirmations_send() == [referral.pk]  # autocommit: sent at once
    (text,) = sms.outbox
    path = re.search(r"https?://\S+(/referrals/confirm/\S+/)", text.body)[1]

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path)
    expect(page.get_by_role("heading", level=1, name="¿Recibió ayuda?")).to_be_visible()
    assert_accessible(page)
    # Keyboard only: the first choice, then down to "No fui", then Enter sends the form.
    page.get_by_label("Recibí ayuda").focus()
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("No fui")).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Su respuesta se envió a su navegador(a).")).to_be_visible()
    assert_accessible(page)
    assert Referral.objects.get(pk=referral.pk).client_outcome == "did_not_go"

    page.goto(path)  # single use
    expect(page.get_by_text("Usted ya respondió.")).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(personas.navigator_a)
    page.goto("/referrals/")
    follow_up = page.locator(".cb-client-follow-up")
    expect(follow_up).to_contain_text(referral.reference_code)
    expect(follow_up).to_contain_text("I did not go")
    assert_accessible(page)
    page.goto(f"/referrals/r/{referral.reference_code}/")
    expect(page.locator(".cb-client-outcome")).to_contain_text("I did not go")
    expect(page.locator(".cb-outcome")).to_contain_text("Got help")
    assert_accessible(page)
