"""The people every access test is written against (one place, like healthchecks' alice/bob).

- navigator_a: navigator at Center A (Northside); sees Center A's clients and referrals.
- navigator_b: navigator at Center B (Eastside); must never see Center A's.
- partner_x:   partner staff at Agency X; sees referrals sent to X under an active consent.
- partner_y:   partner staff at Agency Y; must never see referrals to X.
- manager:     program manager at the City office; aggregates only.
- outsider:    a signed-in user with no membership anywhere.
"""

from dataclasses import dataclass

from casework import services
from casework.models import Organization, OrganizationKind, Role, User

from .factories import UserFactory

PASSWORD = "correct horse battery staple"


@dataclass
class Personas:
    center_a: Organization
    center_b: Organization
    agency_x: Organization
    agency_y: Organization
    city: Organization
    navigator_a: User
    navigator_b: User
    partner_x: User
    partner_y: User
    manager: User
    outsider: User

    @property
    def all_users(self) -> dict[str, User]:
        return {
            "navigator_a": self.navigator_a,
            "navigator_b": self.navigator_b,
            "partner_x": self.partner_x,
            "partner_y": self.partner_y,
            "manager": self.manager,
            "outsider": self.outsider,
        }


def _org(name, slug, kind):
    return services.organization_create(name=name, slug=slug, kind=kind)


def _member(username, first, last, org, role):
    user = UserFactory(username=username, first_name=first, last_name=last)
    services.membership_create(user=user, organization=org, role=role)
    return user


def make_personas() -> Personas:
    center_a = _org("Northside Community Center", "northside", OrganizationKind.COMMUNITY_CENTER)
    center_b = _org("Eastside Community Center", "eastside", OrganizationKind.COMMUNITY_CENTER)
    agency_x = _org("Agency X Food Bank", "agency-x", OrganizationKind.PARTNER_AGENCY)
    agency_y = _org("Agency Y Legal Aid", "agency-y", OrganizationKind.PARTNER_AGENCY)
    city = _org("City Office of Community Services", "city", OrganizationKind.CITY_OFFICE)
    return Personas(
        center_a=center_a,
        center_b=center_b,
        agency_x=agency_x,
        agency_y=agency_y,
        city=city,
        navigator_a=_member("nav_a", "Maria", "Lopez", center_a, Role.NAVIGATOR),
        navigator_b=_member("nav_b", "Tuan", "Nguyen", center_b, Role.NAVIGATOR),
        partner_x=_member("partner_x", "Priya", "Singh", agency_x, Role.PARTNER_STAFF),
        partner_y=_member("partner_y", "Sam", "Jones", agency_y, Role.PARTNER_STAFF),
        manager=_member("manager", "Dana", "Kim", city, Role.PROGRAM_MANAGER),
        outsider=UserFactory(username="outsider", first_name="Otto", last_name="Side"),
    )
