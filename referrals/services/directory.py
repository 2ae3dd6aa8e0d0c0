"""Program directory writes besides programs themselves: locations, which programs are offered
where, eligibility rule sets and their criteria, poverty guidelines, and the HSDS publishing
switch. Keyword-only, ``actor=``, one transaction each; the history names the actor.

Each save validates the row (``full_clean``, in ``casework.services.save_as``), so a caller
other than the admin's forms (which run the same ``clean()``) cannot store what the admin
refuses.
"""

from __future__ import annotations

from django.db import transaction

from casework.models import User
from casework.services import delete_as, save_as
from referrals.models import (
    Criterion,
    DirectoryPublishing,
    Location,
    PovertyGuideline,
    RuleSet,
    ServiceAtLocation,
)


@transaction.atomic
def location_save(*, actor: User | None, location: Location) -> Location:
    """Saves a new or changed location."""
    save_as(location, actor)
    return location


@transaction.atomic
def location_delete(*, actor: User | None, location: Location) -> None:
    """Deletes a location; the programs offered there lose the link (each with history)."""
    for link in ServiceAtLocation.objects.filter(location=location):
        delete_as(link, actor)
    delete_as(location, actor)


@transaction.atomic
def service_at_location_save(*, actor: User | None, link: ServiceAtLocation) -> ServiceAtLocation:
    """Offers a program at a location (or moves the link to another location)."""
    save_as(link, actor)
    return link


@transaction.atomic
def service_at_location_delete(*, actor: User | None, link: ServiceAtLocation) -> None:
    """The program is no longer offered at that location."""
    delete_as(link, actor)


@transaction.atomic
def rule_set_save(*, actor: User | None, rule_set: RuleSet) -> RuleSet:
    """Saves a rule set; ``RuleSet.clean`` refuses dates that overlap another approved rule set
    of the program, and a guideline year that is not loaded."""
    save_as(rule_set, actor)
    return rule_set


@transaction.atomic
def rule_set_delete(*, actor: User | None, rule_set: RuleSet) -> None:
    """Deletes a rule set and its criteria (each criterion's deletion with history)."""
    for criterion in rule_set.criteria.all():
        delete_as(criterion, actor)
    delete_as(rule_set, actor)


@transaction.atomic
def criterion_save(*, actor: User | None, criterion: Criterion) -> Criterion:
    """Saves a criterion of a saved rule set; ``Criterion.clean`` checks the fact, operator and
    value against the fact catalogue and that a needed poverty guideline is loaded."""
    save_as(criterion, actor)
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User | None, criterion: Criterion) -> None:
    delete_as(criterion, actor)


@transaction.atomic
def poverty_guideline_save(*, actor: User | None, guideline: PovertyGuideline) -> PovertyGuideline:
    save_as(guideline, actor)
    return guideline


@transaction.atomic
def poverty_guideline_delete(*, actor: User | None, guideline: PovertyGuideline) -> None:
    delete_as(guideline, actor)


@transaction.atomic
def directory_publishing_set(*, actor: User | None, hsds_api_public: bool) -> DirectoryPublishing:
    """Opens or closes the HSDS read API to the public; the setting is the one row, pk 1."""
    publishing = DirectoryPublishing.objects.select_for_update().filter(pk=1).first()
    publishing = publishing or DirectoryPublishing(pk=1)
    publishing.hsds_api_public = hsds_api_public
    save_as(publishing, actor)
    return publishing
