"""factory_boy factories. Objects that carry access grants are made through the services, so a
factory-made client or referral is visible exactly as a real one would be."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from casework import services as casework_services
from casework.models import (
    Client,
    Consent,
    IntakeInterview,
    Language,
    Organization,
    OrganizationKind,
    User,
)
from casework.models.consent import ConsentMethod, ConsentScope
from referrals.models import Location, Program


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    language = Language.ENGLISH


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = OrganizationKind.COMMUNITY_CENTER
    email = factory.LazyAttribute(lambda o: f"{o.slug}@example.org")


class CenterFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Community Center {n}")
    slug = factory.Sequence(lambda n: f"center-{n}")
    kind = OrganizationKind.COMMUNITY_CENTER


class AgencyFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Partner Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    kind = OrganizationKind.PARTNER_AGENCY


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    phone = factory.Sequence(lambda n: f"+1408555{n % 10000:04d}")
    zip_code = "95112"
    preferred_language = Language.ENGLISH
    center = factory.SubFactory(CenterFactory)
    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        actor = kwargs.pop("created_by")
        center = kwargs.pop("center")
        return casework_services.client_create(actor=actor, center=center, **kwargs)


class IntakeFactory(DjangoModelFactory):
    class Meta:
        model = IntakeInterview

    client = factory.SubFactory(ClientFactory)
    navigator = factory.SubFactory(UserFactory)
    interview_date = factory.LazyFunction(timezone.localdate)
    household_size = 2
    monthly_gross_income = Decimal("2300.00")
    needs = factory.LazyFunction(lambda: ["food"])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        client = kwargs.pop("client")
        navigator = kwargs.pop("navigator")
        return casework_services.intake_create(
            actor=navigator, client=client, navigator=navigator, **kwargs
        )


class ConsentFactory(DjangoModelFactory):
    """Consent from ``client`` to share every scope with ``recipients`` (a list of agencies)."""

    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    recorded_by = factory.SubFactory(UserFactory)
    method = ConsentMethod.VERBAL
    scopes = factory.LazyFunction(lambda: list(ConsentScope.values))
    given_on = factory.LazyFunction(timezone.localdate)
    expires_on = None
    recipients = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        expires_on = kwargs.pop("expires_on") or kwargs["given_on"] + datetime.timedelta(days=365)
        return casework_services.consent_record(
            actor=kwargs.pop("recorded_by"),
            client=kwargs.pop("client"),
            scopes=kwargs.pop("scopes"),
            recipients=kwargs.pop("recipients"),
            method=kwargs.pop("method"),
            given_on=kwargs.pop("given_on"),
            expires_on=expires_on,
        )


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    agency = factory.SubFactory(AgencyFactory)
    name = factory.LazyAttribute(lambda loc: f"{loc.agency.name} main office")
    address_1 = factory.Faker("street_address")
    city = "San José"
    postal_code = "95112"
    hours = "Mon–Fri 9:00–17:00"


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    description = "Helps residents."
    need_categories = factory.LazyFunction(lambda: ["food"])
    languages = factory.LazyFunction(lambda: ["en", "es"])
    contact_phone = "+1 408 555 0100"
    contact_email = "intake@example.org"
    required_documents = "Photo ID; proof of income"
    cost = "Free"
    last_verified_on = factory.LazyFunction(timezone.localdate)
