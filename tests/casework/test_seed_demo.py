from django.core.management import call_command
from django.urls import reverse

from casework import demo
from casework.access import centers_of, clients_visible_to
from casework.models import (
    Client,
    Consent,
    HouseholdMember,
    IntakeInterview,
    Membership,
    Note,
    Organization,
    OrganizationKind,
    User,
)

MODELS = [Organization, User, Membership, Client, HouseholdMember, IntakeInterview, Note, Consent]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_makes_a_demo_city_and_a_second_run_duplicates_nothing(db, capsys):
    call_command("seed_demo")
    first = _counts()
    out = capsys.readouterr().out
    call_command("seed_demo")
    assert _counts() == first
    assert "nothing new" in capsys.readouterr().out

    # The city's own organizations (other apps' demos may add directory-only agencies).
    city = Organization.objects.filter(slug__in=[spec.slug for spec in demo.ORGANIZATIONS])
    kinds = {kind: city.filter(kind=kind).count() for kind in OrganizationKind}
    assert kinds == {
        OrganizationKind.COMMUNITY_CENTER: 2,
        OrganizationKind.PARTNER_AGENCY: 4,
        OrganizationKind.CITY_OFFICE: 1,
    }
    for organization in city.exclude(kind=OrganizationKind.CITY_OFFICE):
        assert organization.memberships.exists(), organization  # someone works there
    assert 25 <= first["Client"] <= 40
    assert first["IntakeInterview"] >= 20
    assert first["Consent"] > 0 and first["Note"] > 0 and first["HouseholdMember"] > 0
    languages = set(Client.objects.values_list("preferred_language", flat=True))
    assert languages == {"en", "es", "vi", "pa", "hi"}
    # "Not asked" stays distinct from "no" in the demo answers.
    assert IntakeInterview.objects.filter(has_internet_at_home__isnull=True).exists()
    assert IntakeInterview.objects.filter(has_internet_at_home=False).exists()

    # The logins are printed, with the demo password.
    for username, _role, _org in demo.logins():
        assert username in out
    assert demo.demo_password() in out


def test_each_center_navigator_sees_exactly_their_centers_clients(db):
    call_command("seed_demo", quiet=True)
    for username in ("nav_mayfair", "nav_seventrees"):
        navigator = User.objects.get(username=username)
        (center,) = centers_of(navigator)
        visible = set(clients_visible_to(user=navigator).values_list("pk", flat=True))
        assert visible == set(Client.objects.filter(center=center).values_list("pk", flat=True))
        assert visible


def test_demo_personas_can_sign_in(client, db):
    call_command("seed_demo", quiet=True)
    for username, _role, _org in demo.logins():
        response = client.post(
            reverse("login"), {"username": username, "password": demo.demo_password()}
        )
        assert response.status_code == 302, username
        landing = client.get(response.url, follow=True)  # each role has its own start page
        assert landing.status_code == 200, username
        assert landing.wsgi_request.user.username == username
        client.post(reverse("logout"))
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_demo_history_names_the_navigator(db):
    call_command("seed_demo", quiet=True)
    client = Client.objects.filter(center__slug="demo-mayfair").first()
    assert client.history.earliest().history_user.username == "nav_mayfair"
