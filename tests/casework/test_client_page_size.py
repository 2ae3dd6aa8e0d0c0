"""The client page at county scale (1,000 programs, 250 agencies, a long history) stays small."""

from django.urls import reverse

from tests.conftest import login
from tests.county_scale import build_county_client

MAX_BYTES = 60 * 1024


def test_client_page_at_county_scale_is_under_60_kib(client, db, capsys):
    navigator, county_client = build_county_client()
    login(client, navigator)
    response = client.get(reverse("casework:client_detail", args=[county_client.pk]))
    assert response.status_code == 200
    size = len(response.content)
    with capsys.disabled():
        print(f"\nclient page at county scale: {size:,} bytes ({size / 1024:.1f} KiB)")
    body = response.content.decode()
    # Still the page a navigator needs: the open referrals, the actions and the suggestions.
    assert "Record intake" in body
    assert "Send referral" in body
    assert size < MAX_BYTES
