"""Packet status, downloads and re-render on the referral page: who may, what they see."""

import unicodedata

import pytest
from django.urls import reverse

from casework.models import AccessLogEntry
from referrals.models import PacketStatus, Referral
from referrals.packets.services import packet_render
from tests.conftest import login

from .packet_helpers import make_referral

pytestmark = pytest.mark.django_db

OUTSIDERS = ["navigator_b", "partner_y", "manager", "outsider"]


@pytest.fixture
def referral(personas):
    return make_referral(personas, language="vi")


@pytest.fixture
def ready(referral):
    assert packet_render(referral_id=referral.pk)
    referral.refresh_from_db()
    return referral


def urls(referral):
    code = referral.reference_code
    return {
        "status": reverse("referrals:packet_status", args=[code]),
        "client": reverse("referrals:packet_file", args=[code, "client"]),
        "agency": reverse("referrals:packet_file", args=[code, "agency"]),
        "default": reverse("referrals:packet_download", args=[code]),
    }


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_wrong_persona_gets_404_on_status_and_downloads(client, personas, ready, persona):
    login(client, getattr(personas, persona))
    for name, url in urls(ready).items():
        assert client.get(url).status_code == 404, name
    render_again = reverse("referrals:packet_render_again", args=[ready.reference_code])
    assert client.post(render_again).status_code == 404
    assert not AccessLogEntry.objects.filter(action="download").exists()


def test_unknown_referral_is_404(client, personas):
    login(client, personas.navigator_a)
    response = client.get(reverse("referrals:packet_status", args=["CB-NOPE123"]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["navigator_a", "partner_x"])
def test_status_polls_while_rendering_and_stops_when_ready(client, personas, referral, persona):
    login(client, getattr(personas, persona))
    url = urls(referral)["status"]

    pending = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in pending
    assert f'hx-get="{url}"' in pending
    assert "waiting to be rendered" in pending

    Referral.objects.filter(pk=referral.pk).update(packet_status=PacketStatus.RENDERING)
    rendering = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in rendering
    assert "Rendering the packet" in rendering

    Referral.objects.filter(pk=referral.pk).update(packet_status=PacketStatus.PENDING)
    packet_render(referral_id=referral.pk)
    done = client.get(url).content.decode()
    assert "hx-trigger" not in done
    assert urls(referral)["agency"] in done
    vietnamese = unicodedata.normalize("NFC", "Tiếng Việt")
    if persona == "navigator_a":
        assert urls(referral)["client"] in done
        assert vietnamese in unicodedata.normalize("NFC", done)
    else:  # the client's copy (in the client's language, a demographic) is not the agency's
        assert urls(referral)["client"] not in done
        assert vietnamese not in unicodedata.normalize("NFC", done)

    Referral.objects.filter(pk=referral.pk).update(packet_status=PacketStatus.FAILED)
    failed = client.get(url).content.decode()
    assert "hx-trigger" not in failed
    assert "could not be rendered" in failed
    # Rendering again is the sending center's control, not the agency's.
    assert ("Render the packet again" in failed) == (persona == "navigator_a")


def test_no_download_before_the_packet_is_ready(client, personas, referral):
    login(client, personas.navigator_a)
    assert client.get(urls(referral)["client"]).status_code == 404
    assert client.get(urls(referral)["default"]).status_code == 404


@pytest.mark.parametrize(
    ("persona", "copy", "org"),
    [
        ("navigator_a", "client", "center_a"),
        ("navigator_a", "agency", "center_a"),
        ("partner_x", "agency", "agency_x"),
    ],
)
def test_download_is_a_pdf_and_a_logged_disclosure(client, personas, ready, persona, copy, org):
    user = getattr(personas, persona)
    login(client, user)
    response = client.get(urls(ready)[copy])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    language = "vi" if copy == "client" else "en"
    assert (
        f'filename="{ready.reference_code}-{copy}-{language}.pdf"'
        in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    entry = AccessLogEntry.objects.get(action="download")
    assert entry.user == user
    assert entry.organization == getattr(personas, org)
    assert (entry.object_type, entry.object_id, entry.client_id) == (
        "referral_packet",
        ready.pk,
        ready.client_id,
    )
    if persona == "partner_x":  # exactly what the agency copy shows
        assert entry.fields_disclosed == ready.packet_disclosed
        assert "phone" in entry.fields_disclosed and "name" in entry.fields_disclosed
    else:
        assert entry.fields_disclosed == []


def test_partner_cannot_download_the_clients_copy(client, personas, ready):
    login(client, personas.partner_x)
    assert client.get(urls(ready)["client"]).status_code == 404
    assert not AccessLogEntry.objects.filter(action="download").exists()
    assert client.get(urls(ready)["agency"]).status_code == 200
    assert AccessLogEntry.objects.filter(action="download").count() == 1


def test_each_side_gets_its_usual_copy(client, personas, ready):
    login(client, personas.partner_x)
    assert "-agency-en.pdf" in client.get(urls(ready)["default"])["Content-Disposition"]
    login(client, personas.navigator_a)
    assert "-client-vi.pdf" in client.get(urls(ready)["default"])["Content-Disposition"]
    assert AccessLogEntry.objects.filter(action="download").count() == 2


def test_unknown_copy_is_404(client, personas, ready):
    login(client, personas.navigator_a)
    url = reverse("referrals:packet_file", args=[ready.reference_code, "secret"])
    assert client.get(url).status_code == 404


def test_partner_gets_no_render_again_control(client, personas, ready):
    login(client, personas.partner_x)
    page = client.get(reverse("referrals:detail", args=[ready.reference_code])).content.decode()
    assert "Agency's copy" in page
    assert "Render the packet again" not in page
    url = reverse("referrals:packet_render_again", args=[ready.reference_code])
    assert client.post(url).status_code == 404
    ready.refresh_from_db()
    assert ready.packet_status == PacketStatus.READY


def test_sending_center_can_render_again(
    client, personas, ready, django_capture_on_commit_callbacks
):
    login(client, personas.navigator_a)
    page = client.get(reverse("referrals:detail", args=[ready.reference_code])).content.decode()
    assert "Render the packet again" in page
    first_file = ready.packet_client_file.name
    url = reverse("referrals:packet_render_again", args=[ready.reference_code])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    ready.refresh_from_db()
    assert ready.packet_status == PacketStatus.READY
    assert ready.packet_client_file.name != first_file
    assert ready.packet_client_file.storage.exists(ready.packet_client_file.name)
    assert not ready.packet_client_file.storage.exists(first_file)  # the old copy is replaced
    # The swapped-in box shows the packet waiting and polls until the new render is done.
    assert 'hx-trigger="every 2s"' in response.content.decode()


def test_render_again_does_nothing_while_rendering(client, personas, referral):
    Referral.objects.filter(pk=referral.pk).update(packet_status=PacketStatus.RENDERING)
    login(client, personas.navigator_a)
    url = reverse("referrals:packet_render_again", args=[referral.reference_code])
    response = client.post(url)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.packet_status == PacketStatus.RENDERING


@pytest.mark.parametrize("persona", ["navigator_a", "partner_x"])
def test_referral_page_shows_the_packet_and_polls_while_it_renders(
    client, personas, referral, persona
):
    login(client, getattr(personas, persona))
    page = client.get(reverse("referrals:detail", args=[referral.reference_code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="packet-{referral.reference_code}"' in html
    assert f'hx-get="{urls(referral)["status"]}"' in html
    assert 'hx-trigger="every 2s"' in html
