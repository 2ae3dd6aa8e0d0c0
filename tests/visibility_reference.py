"""The visibility formulation the app used before issue 15 (guardian's
``get_objects_for_user`` joined to the consent), kept as the reference that the index-shaped
queries must match row for row (tests/casework/test_visibility_same_rows.py) and as the
"before" of `make bench-visibility`."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from casework.access import AccessLevel, agencies_of, centers_of
from casework.models import Client, Consent
from referrals.models import Referral, ReferralStatus


def reference_clients(user, level=AccessLevel.VIEW):
    if not user.is_authenticated:
        return Client.objects.none()
    perm = "casework.view_client" if level == AccessLevel.VIEW else "casework.change_client"
    return get_objects_for_user(
        user, perm, klass=Client, accept_global_perms=False, with_superuser=False, use_groups=True
    )


def reference_referrals(user):
    if not user.is_authenticated:
        return Referral.objects.none()
    granted = get_objects_for_user(
        user,
        "referrals.view_referral",
        klass=Referral,
        accept_global_perms=False,
        with_superuser=False,
    )
    today = timezone.localdate()
    agency_ok = (
        Q(agency__in=agencies_of(user))
        & ~Q(status=ReferralStatus.CANCELLED)
        & Q(
            consent__revoked_at__isnull=True,
            consent__given_on__lte=today,
            consent__expires_on__gte=today,
        )
        & Exists(
            Consent.recipients.through.objects.filter(
                consent_id=OuterRef("consent_id"), organization_id=OuterRef("agency_id")
            )
        )
    )
    return granted.filter(Q(sending_center__in=centers_of(user)) | agency_ok)
