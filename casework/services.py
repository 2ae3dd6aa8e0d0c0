"""Every casework write. Keyword-only functions taking ``actor=``; each runs in one transaction
and records the acting user in the change history (django-simple-history), also outside a
request (a task or a management command)."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import grant_client_to_center, revoke_client_from_center
from .models import (
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
from .models.consent import CONSENT_DEFAULT_DAYS, ConsentScope
from .signals import consent_changed, consent_revoked
from .validation import consent_expiry_problem, date_bounds, date_range_message, text_problem


def save_as(instance, actor, **kwargs) -> None:
    """Validate and save so that django-simple-history records ``actor`` as the one who made
    the change (every app's services use it)."""
    instance._history_user = actor
    instance.full_clean()
    instance.save(**kwargs)


def delete_as(instance, actor) -> None:
    """Delete so that django-simple-history records ``actor`` as the one who deleted it."""
    instance._history_user = actor
    instance.delete()


# Organizations and memberships ------------------------------------------------------------


@transaction.atomic
def organization_create(
    *, name: str, slug: str, kind: str, actor: User | None = None, **fields
) -> Organization:
    """Creates an organization and its permission group (``org:<slug>``), with history."""
    organization = Organization(name=name, slug=slug, kind=kind, **fields)
    organization._history_user = actor
    organization.save()
    return organization


def organization_kind_problem(*, organization: Organization, kind: str) -> str | None:
    """Why ``organization`` may not become ``kind``, or None. Clients, referrals, programs and
    consents rest on an organization being a center or an agency, so once any exists the
    kind is fixed (grants and consents would silently stop meaning what they said)."""
    if not organization.pk or kind == organization.kind:
        return None
    in_use = (
        organization.clients.exists()
        or organization.consents_received.exists()
        or organization.referrals_sent.exists()
        or organization.referrals_received.exists()
        or organization.programs.exists()
    )
    if in_use:
        return _(
            "This organization has clients, consents, referrals or programs, so its kind "
            "cannot change. Create a new organization instead."
        )
    return None


@transaction.atomic
def organization_update(
    *, actor: User | None, organization: Organization, **fields
) -> Organization:
    """Changes an organization (history with ``actor``). Its kind is fixed once anything rests
    on it (``organization_kind_problem``); a new short name renames its permission group."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    problem = organization_kind_problem(
        organization=organization, kind=fields.get("kind", organization.kind)
    )
    if problem:
        raise ValidationError({"kind": problem})
    for name, value in fields.items():
        setattr(organization, name, value)
    save_as(organization, actor)
    group_name = f"org:{organization.slug}"
    if organization.group.name != group_name:
        organization.group.name = group_name
        organization.group.save(update_fields=["name"])
    return organization


@transaction.atomic
def organization_delete(*, actor: User | None, organization: Organization) -> None:
    """Deletes an organization that nothing protects (clients, referrals and programs do):
    each membership ends through ``membership_end`` (its members leave the group, with
    history), then the organization (history with ``actor``) and its permission group, whose
    object grants go with it."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    for membership in organization.memberships.select_related("user"):
        membership_end(membership=membership, actor=actor)
    group = organization.group
    organization._history_user = actor
    organization.delete()
    group.delete()


def sync_organization_groups(*, user: User) -> None:
    """Puts ``user`` in exactly the permission groups of the organizations they are a member
    of (memberships are the source of truth; any other organization group is removed)."""
    wanted = set(
        Organization.objects.filter(memberships__user=user).values_list("group_id", flat=True)
    )
    org_groups = set(user.groups.filter(organization__isnull=False).values_list("pk", flat=True))
    if org_groups - wanted:
        user.groups.remove(*(org_groups - wanted))
    if wanted - org_groups:
        user.groups.add(*(wanted - org_groups))


@transaction.atomic
def membership_create(
    *, user: User, organization: Organization, role: str, actor: User | None = None
) -> Membership:
    """Gives ``user`` a role at ``organization`` (or changes it) and puts them in its
    permission group, in one transaction."""
    membership = Membership.objects.filter(user=user, organization=organization).first()
    membership = membership or Membership(user=user, organization=organization)
    membership.role = role
    save_as(membership, actor)
    sync_organization_groups(user=user)
    return membership


@transaction.atomic
def membership_update(*, actor: User | None, membership: Membership, **fields) -> Membership:
    """Changes a membership's role (or organization, or person); group membership follows for
    everyone involved."""
    old = Membership.objects.select_for_update().get(pk=membership.pk)
    for name, value in fields.items():
        setattr(old, name, value)
    before_user = Membership.objects.get(pk=membership.pk).user
    save_as(old, actor)
    for user in {before_user, old.user}:
        sync_organization_groups(user=user)
    return old


@transaction.atomic
def membership_end(*, membership: Membership, actor: User | None = None) -> None:
    """Ends a membership; the user leaves the organization's group at once."""
    user = membership.user
    membership._history_user = actor
    membership.delete()
    sync_organization_groups(user=user)


# User accounts -------------------------------------------------------------------------------


@transaction.atomic
def user_create(*, actor: User | None, username: str, password: str | None, **fields) -> User:
    """Creates an account (no organization: memberships give roles). ``password`` None means
    it cannot sign in with a password. The password is checked by AUTH_PASSWORD_VALIDATORS."""
    user = User(username=username, **fields)
    if password is not None:
        validate_password(password, user)
    user.set_password(password)
    save_as(user, actor)
    return user


@transaction.atomic
def user_update(
    *, actor: User | None, user: User, user_permissions: Iterable | None = None, **fields
) -> User:
    """Changes an account's names, contact, language, status (active, staff, superuser) or
    its own permissions. Passwords change through ``user_change_password``; organization
    groups follow memberships (``sync_organization_groups``) and are not set here."""
    if "password" in fields or "groups" in fields:
        raise TypeError("user_update does not set passwords or groups")
    user = User.objects.select_for_update().get(pk=user.pk)
    for name, value in fields.items():
        setattr(user, name, value)
    save_as(user, actor)
    if user_permissions is not None:
        user.user_permissions.set(user_permissions)  # history with the actor (m2m_fields)
    return user


@transaction.atomic
def user_set_language(*, actor: User | None, user: User, language: str) -> User:
    """The user's interface language (one of ``Language``), with history naming who set it."""
    user.language = language
    user._history_user = actor
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_change_password(*, actor: User | None, user: User, password: str | None) -> User:
    """Sets ``user``'s password (None: password sign-in disabled). The history records that
    and who did it, never the hash."""
    if password is not None:
        validate_password(password, user)
    user.set_password(password)
    user._history_user = actor
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def user_delete(*, actor: User | None, user: User) -> None:
    """Deletes an account that nothing protects (the clients, notes and referrals it made do):
    its memberships end through ``membership_end`` first, with history."""
    for membership in user.memberships.select_related("user"):
        membership_end(membership=membership, actor=actor)
    user._history_user = actor
    user.delete()


# Clients -------------------------------------------------------------------------------------


@transaction.atomic
def client_create(*, actor: User, center: Organization, **fields) -> Client:
    """Creates a client served by ``center`` and grants the center's group access to it."""
    if center.kind != OrganizationKind.COMMUNITY_CENTER:
        raise ValidationError(_("Clients belong to a community center."))
    client = Client(center=center, created_by=actor, **fields)
    save_as(client, actor)
    grant_client_to_center(client=client, center=center)
    return client


@transaction.atomic
def client_update(*, actor: User, client: Client, **fields) -> Client:
    """Updates a client's profile; moving them to another center moves the grants too."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    old_center = client.center
    for name, value in fields.items():
        setattr(client, name, value)
    save_as(client, actor)
    if client.center_id != old_center.pk:
        revoke_client_from_center(client=client, center=old_center)
        grant_client_to_center(client=client, center=client.center)
    return client


@transaction.atomic
def household_member_add(*, actor: User, client: Client, **fields) -> HouseholdMember:
    member = HouseholdMember(client=client, **fields)
    save_as(member, actor)
    return member


@transaction.atomic
def household_member_update(*, actor: User, member: HouseholdMember, **fields) -> HouseholdMember:
    for name, value in fields.items():
        setattr(member, name, value)
    save_as(member, actor)
    return member


@transaction.atomic
def household_member_remove(*, actor: User, member: HouseholdMember) -> None:
    member._history_user = actor
    member.delete()


@transaction.atomic
def note_add(*, actor: User, client: Client, body: str) -> Note:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something before saving the note.")})
    problem = text_problem(body, kind="note")
    if problem:
        raise ValidationError({"body": problem})
    note = Note(client=client, author=actor, body=body)
    note.full_clean()
    note.save()
    return note


# Intake interviews -------------------------------------------------------------------------


@transaction.atomic
def intake_create(*, actor: User, client: Client, **fields) -> IntakeInterview:
    fields.setdefault("navigator", actor)
    intake = IntakeInterview(client=client, **fields)
    save_as(intake, actor)
    return intake


@transaction.atomic
def intake_update(*, actor: User, intake: IntakeInterview, **fields) -> IntakeInterview:
    intake = IntakeInterview.objects.select_for_update().get(pk=intake.pk)
    for name, value in fields.items():
        setattr(intake, name, value)
    save_as(intake, actor)
    return intake


# Consent -----------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor: User,
    client: Client,
    scopes: Iterable[str],
    recipients: Iterable[Organization],
    method: str,
    given_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> Consent:
    """Records a client's consent. Default length one year; recipients must be partner agencies."""
    scopes = sorted(set(scopes))
    recipients = list(recipients)
    given_on = given_on or timezone.localdate()
    try:
        expires_on = expires_on or given_on + datetime.timedelta(days=CONSENT_DEFAULT_DAYS)
    except OverflowError:  # 9999-12-31 plus a year does not exist; consent_errors explains
        expires_on = None
    errors = consent_errors(scopes, recipients, given_on, expires_on)
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        client=client,
        scopes=scopes,
        method=method,
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    save_as(consent, actor)
    consent.recipients.set(recipients)
    return consent


@transaction.atomic
def consent_update(
    *,
    actor: User,
    consent: Consent,
    scopes: Iterable[str] | None = None,
    recipients: Iterable[Organization] | None = None,
    method: str | None = None,
    given_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> Consent:
    """Changes what a consent shares, with whom, or for how long. The agencies' access follows
    in this transaction (``consent_changed``: referrals re-grants or revokes, and re-renders
    packets that showed more than the consent now covers)."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    old_scopes = set(consent.scopes or [])
    old_recipients = set(consent.recipients.values_list("pk", flat=True))
    scopes = sorted(set(scopes)) if scopes is not None else sorted(old_scopes)
    recipients = list(recipients) if recipients is not None else list(consent.recipients.all())
    given_on = given_on or consent.given_on
    expires_on = expires_on or consent.expires_on
    errors = consent_errors(scopes, recipients, given_on, expires_on)
    if errors:
        raise ValidationError(errors)
    consent.scopes = scopes
    consent.method = method or consent.method
    consent.given_on = given_on
    consent.expires_on = expires_on
    save_as(consent, actor)
    consent.recipients.set(recipients)
    consent_changed.send(
        sender=Consent,
        consent=consent,
        actor=actor,
        scopes_removed=old_scopes - set(scopes),
        recipients_removed=old_recipients - {r.pk for r in recipients},
    )
    return consent


def consent_errors(scopes, recipients, given_on, expires_on) -> dict:
    errors = {}
    unknown = set(scopes) - set(ConsentScope.values)
    if not scopes or unknown:
        errors["scopes"] = _("Choose at least one kind of information to share.")
    if not recipients:
        errors["recipients"] = _("Name at least one agency the client agrees to share with.")
    elif any(org.kind != OrganizationKind.PARTNER_AGENCY for org in recipients):
        errors["recipients"] = _("Consent can only name partner agencies.")
    earliest, latest = date_bounds("consent_given")
    if not earliest <= given_on <= latest:
        errors["given_on"] = date_range_message(earliest, latest)
    else:
        problem = consent_expiry_problem(given_on, expires_on)
        if problem:
            errors["expires_on"] = problem
    return errors


@transaction.atomic
def consent_revoke(*, actor: User, consent: Consent, note: str = "") -> Consent:
    """Revokes a consent at once; every agency access that rested on it ends in this transaction."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is not None:
        raise ValidationError(_("This consent was already revoked."))
    consent.revoked_at = timezone.now()
    consent.revoked_by = actor
    problem = text_problem(note or "", kind="short_note")
    if problem:
        raise ValidationError({"note": problem})
    consent.revocation_note = note
    save_as(consent, actor)
    # Referrals listen and end the agencies' access in this same transaction.
    consent_revoked.send(sender=Consent, consent=consent, actor=actor)
    return consent
