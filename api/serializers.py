"""Shapes of the REST API (read: plain serializers over selector results; write: input only)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.models.consent import ConsentScope
from casework.models.intake import Need
from referrals.models import (
    DecidedBy,
    Outcome,
    ReferralStatus,
    RejectionReason,
    Urgency,
)
from referrals.services import TRANSITIONS

from .models import DeliveryState, WebhookEvent


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProgramRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReferralSerializer(serializers.Serializer):
    """A referral in a list: no client data (the client id only for the sending center)."""

    id = serializers.IntegerField()
    reference_code = serializers.CharField()
    side = serializers.ChoiceField(choices=["sender", "receiver"])
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    need_category = serializers.CharField()
    program = ProgramRefSerializer()
    agency = OrganizationRefSerializer()
    sending_center = OrganizationRefSerializer()
    client_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()
    first_response_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.BooleanField()
    rejection_reason = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_blank=True)


class ReferralEventSerializer(serializers.Serializer):
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.ChoiceField(choices=ReferralStatus.choices)
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    organization = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    code = serializers.CharField(allow_blank=True)


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_blank=True)
    text = serializers.CharField()


class ContactSerializer(serializers.Serializer):
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    zip_code = serializers.CharField(allow_blank=True)


class HouseholdMemberSerializer(serializers.Serializer):
    relationship = serializers.CharField()
    age = serializers.IntegerField(allow_null=True)


class DemographicsSerializer(serializers.Serializer):
    date_of_birth = serializers.DateField(allow_null=True)
    administrative_gender = serializers.CharField(allow_null=True)
    preferred_language = serializers.CharField()
    household = HouseholdMemberSerializer(many=True)


class IntakeSerializer(serializers.Serializer):
    interview_date = serializers.DateField()
    household_size = serializers.IntegerField(allow_null=True)
    monthly_gross_income = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, coerce_to_string=True
    )
    needs = serializers.ListField(child=serializers.CharField())
    benefits_received = serializers.ListField(child=serializers.CharField())
    housing_status = serializers.CharField(allow_null=True)
    employment_status = serializers.CharField(allow_null=True)


class NoteSerializer(serializers.Serializer):
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    author = serializers.CharField()


class DisclosedClientSerializer(serializers.Serializer):
    """The client as the consent lets the receiving agency see it: only the consented parts
    are present."""

    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ConsentScope.choices))
    name = serializers.CharField()
    contact = ContactSerializer(required=False)
    demographics = DemographicsSerializer(required=False)
    intake = IntakeSerializer(required=False)
    notes = NoteSerializer(many=True, required=False)


class SenderClientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReferralDetailSerializer(ReferralSerializer):
    reason = serializers.CharField()
    note_to_agency = serializers.CharField(allow_blank=True)
    outcome_note = serializers.CharField(allow_blank=True)
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=list(TRANSITIONS)),
        help_text=_("What the caller may do now."),
    )
    events = ReferralEventSerializer(many=True)
    history = HistoryEntrySerializer(
        many=True, help_text=_("Readable changes, newest first, as on the referral page.")
    )
    client = SenderClientSerializer(
        allow_null=True, help_text=_("The client (sending center only).")
    )
    disclosed_client = DisclosedClientSerializer(
        allow_null=True, help_text=_("What the consent shares (receiving agency only).")
    )


class ReferralActionInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    code = serializers.ChoiceField(
        choices=sorted(set(RejectionReason.values) | set(Outcome.values)),
        required=False,
        allow_blank=True,
        help_text=_("Reason (decline) or outcome (complete, fail)."),
    )
    decided_by = serializers.ChoiceField(
        choices=DecidedBy.choices, required=False, allow_blank=True
    )


class ReferralSendInputSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1, max_value=2**62)
    program = serializers.IntegerField(min_value=1, max_value=2**62)
    need_category = serializers.ChoiceField(choices=Need.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    reason = serializers.CharField(max_length=5000)
    note_to_agency = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    consent = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, allow_null=True
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(required=False)


class ProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hsds_id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    agency = OrganizationRefSerializer()
    need_categories = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    service_area_zips = serializers.ListField(child=serializers.CharField())
    service_area_county = serializers.CharField(allow_blank=True)
    service_code = serializers.CharField(allow_blank=True)
    service_code_display = serializers.CharField(allow_blank=True)
    contact_phone = serializers.CharField(allow_blank=True)
    contact_email = serializers.CharField(allow_blank=True)
    website = serializers.CharField(allow_blank=True)
    required_documents = serializers.CharField(allow_blank=True)
    cost = serializers.CharField(allow_blank=True)
    capacity_status = serializers.CharField()
    is_active = serializers.BooleanField()
    last_verified_on = serializers.DateField(allow_null=True)


class ClientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_first_name = serializers.CharField()
    legal_last_name = serializers.CharField()
    preferred_name = serializers.CharField(allow_blank=True)
    date_of_birth = serializers.DateField(allow_null=True)
    administrative_gender = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    zip_code = serializers.CharField(allow_blank=True)
    preferred_language = serializers.CharField()
    center = OrganizationRefSerializer()
    updated_at = serializers.DateTimeField()


class MembershipSerializer(serializers.Serializer):
    organization = OrganizationRefSerializer()
    kind = serializers.CharField()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    memberships = MembershipSerializer(many=True)


class WebhookSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organization = serializers.IntegerField(
        min_value=1, max_value=2**62, help_text=_("An organization you administer.")
    )
    url = serializers.URLField(max_length=500)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        required=False,
        help_text=_("Empty: every event."),
    )
    is_active = serializers.BooleanField(required=False, default=True)
    created_at = serializers.DateTimeField(read_only=True)


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text=_("The signing secret; shown only now, keep it safe.")
    )


class WebhookSubscriptionUpdateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), required=False
    )
    is_active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    message_id = serializers.CharField()
    event_type = serializers.ChoiceField(choices=WebhookEvent.choices)
    state = serializers.ChoiceField(choices=DeliveryState.choices)
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    response_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    payload = serializers.JSONField()
