import io

from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from casework import demo
from casework.access import centers_of, clients_visible_to
from casework.models import Client, IntakeInterview, Organization, OrganizationKind, User
from reports import demo_history


def _row_counts() -> dict[str, int]:
    """Rows of every model of every app: what the demo made, its extensions' data included."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_makes_a_demo_city_and_a_second_run_duplicates_nothing(db, capsys):
    call_command("seed_demo")
    first = _row_counts()
    out = capsys.readouterr().out
    call_command("seed_demo")
    assert _row_counts() == first
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
    # The named demo clients, plus the six months of history clients the reports read.
    history = Client.objects.filter(email__endswith="@" + demo_history.MARK)
    assert 25 <= first["casework.Client"] - history.count() <= 40
    assert 900 <= first["referrals.Referral"] <= 1300
    assert first["casework.IntakeInterview"] >= 20
    for label in ("casework.Consent", "casework.Note", "casework.HouseholdMember"):
        assert first[label] > 0, label
    languages = set(Client.objects.values_list("preferred_language", flat=True))
    assert languages == {"en", "es", "vi", "pa", "hi"}
    # "Not asked" stays distinct from "no" in the demo answers.
    assert IntakeInterview.objects.filter(has_internet_at_home__isnull=True).exists()
    assert IntakeInterview.objects.filter(has_internet_at_home=False).exists()

    # The logins are printed, with the demo password.
    for username, _role, _org in demo.logins():
        assert username in out
    assert demo.demo_password() in out

    # Every grant is the one the services would make, the history's bulk-made rows included:
    # a navigator sees their own center's history clients.
    report = io.StringIO()
    call_command("check_access", stdout=report)
    assert "match their sources" in report.getvalue()
    client = history.select_related("center").first()
    navigator = User.objects.get(
        memberships__organization=client.center, memberships__role="navigator"
    )
    assert clients_visible_to(user=navigator).filter(pk=client.pk).exists()


def test_demo_personas_sign_in_and_see_their_own_centers_clients(client, db):
    demo.seed_demo()  # casework's part only: fast
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

    for username in ("nav_mayfair", "nav_seventrees"):
        navigator = User.objects.get(username=username)
        (center,) = centers_of(navigator)
        visible = set(clients_visible_to(user=navigator).values_list("pk", flat=True))
        assert visible == set(Client.objects.filter(center=center).values_list("pk", flat=True))
        assert visible
        # The history names the navigator who created the client.
        first_client = Client.objects.filter(center=center).first()
        assert first_client.history.earliest().history_user == navigator
