import datetime

import pytest
from django.urls import reverse

from casework.models import Client
from tests.conftest import login
from tests.factories import CenterFactory, ClientFactory

URL = reverse("casework:client_create")


def _form(**overrides):
    data = {
        "legal_first_name": "Rosa",
        "legal_last_name": "Martínez",
        "preferred_name": "",
        "date_of_birth": "03/14/1985",
        "phone": "(408) 555-0199",
        "email": "",
        "address_line1": "12 Elm St",
        "address_line2": "",
        "city": "San José",
        "zip_code": "95112",
        "preferred_language": "es",
    }
    data.update(overrides)
    return data


def test_navigator_creates_a_client_of_their_center(client, personas):
    login(client, personas.navigator_a)
    response = client.post(URL, _form())
    created = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:client_detail", args=[created.pk])
    assert created.center == personas.center_a
    assert created.date_of_birth == datetime.date(1985, 3, 14)
    assert str(created.phone) == "+14085550199"
    # History records the navigator who made it, through the view.
    assert created.history.get().history_user == personas.navigator_a
    page = client.get(response["Location"]).content.decode()
    assert "Maria Lopez (Northside Community Center) created the client record" in page


@pytest.mark.parametrize(
    "existing,why",
    [
        (
            {"legal_first_name": "ROSA", "legal_last_name": "Martinez", "phone": "+14085550000"},
            "name",
        ),
        (
            {
                "legal_first_name": "Ana",
                "legal_last_name": "Other",
                "phone": "+14085550199",
                "date_of_birth": datetime.date(1990, 1, 1),
            },
            "phone",
        ),
    ],
)
def test_duplicate_warning_until_confirmed(client, personas, existing, why):
    kwargs = {"date_of_birth": datetime.date(1985, 3, 14), **existing}
    dup = ClientFactory(center=personas.center_a, created_by=personas.navigator_a, **kwargs)
    login(client, personas.navigator_a)

    response = client.post(URL, _form())
    body = response.content.decode()
    assert response.status_code == 200
    assert Client.objects.count() == 1  # nothing created
    assert "This client may already be in Casebridge" in body
    assert reverse("casework:client_detail", args=[dup.pk]) in body
    assert ("same name and date of birth" if why == "name" else "same phone") in body
    assert "Create anyway" in body

    # "Create anyway" without ticking the box explains what is missing.
    response = client.post(URL, _form(duplicates_seen="1"))
    assert "Tick this box to create a new client anyway" in response.content.decode()
    assert Client.objects.count() == 1

    response = client.post(URL, _form(confirm_duplicates="on", duplicates_seen="1"))
    assert response.status_code == 302
    assert Client.objects.count() == 2


def test_same_person_at_another_center_is_not_a_duplicate(client, personas):
    ClientFactory(
        center=personas.center_b,
        created_by=personas.navigator_b,
        legal_first_name="Rosa",
        legal_last_name="Martínez",
        date_of_birth=datetime.date(1985, 3, 14),
        phone="+14085550199",
    )
    login(client, personas.navigator_a)
    response = client.post(URL, _form())
    assert response.status_code == 302
    assert Client.objects.filter(center=personas.center_a).count() == 1


def test_bad_input_shows_field_errors(client, personas):
    login(client, personas.navigator_a)
    response = client.post(
        URL,
        _form(legal_first_name="", date_of_birth="14/33/1985", zip_code="9511", phone="12"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert not Client.objects.exists()
    assert "Please fix the following" in body
    assert 'href="#id_legal_first_name"' in body
    assert "Enter a 5-digit ZIP code" in body
    assert 'id="id_date_of_birth-error"' in body
    assert 'aria-invalid="true"' in body


def test_future_birth_date_is_refused(client, personas):
    login(client, personas.navigator_a)
    response = client.post(URL, _form(date_of_birth="2999-01-01"))
    assert "cannot be in the future" in response.content.decode()
    assert not Client.objects.exists()


def test_navigator_with_two_centers_chooses_one(client, personas):
    from casework import services

    other = CenterFactory(name="Westside Center")
    services.membership_create(user=personas.navigator_a, organization=other, role="navigator")
    login(client, personas.navigator_a)
    assert 'name="center"' in client.get(URL).content.decode()
    response = client.post(URL, _form(center=personas.center_b.pk))
    assert "Select a valid choice" in response.content.decode()  # not one of hers
    response = client.post(URL, _form(center=other.pk))
    assert response.status_code == 302
    assert Client.objects.get().center == other


def test_profile_edit_records_the_editor(client, personas, client_a):
    login(client, personas.navigator_a)
    url = reverse("casework:client_update", args=[client_a.pk])
    data = _form(legal_first_name="Rosa", legal_last_name="Martinez", phone="(408) 555-0100")
    response = client.post(url, data)
    assert response.status_code == 302
    latest = client_a.history.first()
    assert latest.history_user == personas.navigator_a
    assert str(latest.phone) == "+14085550100"


def test_birth_date_is_typed_and_shown_in_us_format(client, personas, client_a):
    client_a.date_of_birth = datetime.date(1985, 3, 14)
    client_a.save()
    login(client, personas.navigator_a)
    body = client.get(reverse("casework:client_update", args=[client_a.pk])).content.decode()
    assert 'type="text" name="date_of_birth" value="03/14/1985"' in body
    assert 'aria-describedby="id_date_of_birth-hint"' in body
    assert "For example 03/14/1985 or 1985-03-14." in body
