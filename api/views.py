"""The REST API (v1). Thin: parse, call a selector or service, present.

Access comes from casework.access / referrals.access only; what a caller may not see answers
404 exactly like what does not exist, including whole lists that are not for their role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.access import centers_of, client_for_read, get_client_or_404
from casework.models import Client, Consent
from referrals.access import get_referral_or_404, referral_for_read
from referrals.models import Program, Referral
from referrals.services import TRANSITIONS, referral_send
from referrals.services.lifecycle import referral_transition

from . import selectors, serializers
from .disclosure import disclosed_client
from .filters import ClientFilter, ProgramFilter, ReferralFilter
from .models import WebhookDelivery, WebhookSubscription
from .services import (
    organizations_administered_by,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
)

NOT_FOUND = OpenApiResponse(serializers.ErrorSerializer, description="Not found (or not yours).")
BAD_REQUEST = OpenApiResponse(serializers.ErrorSerializer, description="Invalid input.")


class ApiMixin:
    """Token-authenticated: the site's sign-in redirect does not apply."""

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))


class PresentedListView(ApiMixin, generics.ListAPIView):
    """A paginated list whose rows are presented by ``present(row)``."""

    def present(self, row) -> dict:
        raise NotImplementedError

    def scoped_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.queryset
        return self.scoped_queryset()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = [self.present(row) for row in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


# Who am I ----------------------------------------------------------------------------------


class MeView(ApiMixin, APIView):
    @extend_schema(responses=serializers.MeSerializer, tags=["account"])
    def get(self, request):
        user = request.user
        memberships = [
            {
                "organization": {"id": m.organization_id, "name": m.organization.name},
                "kind": m.organization.kind,
                "role": m.role,
            }
            for m in selectors.user_memberships(user)
        ]
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "name": str(user),
            "memberships": memberships,
        }
        return Response(serializers.MeSerializer(data).data)


# Referrals ---------------------------------------------------------------------------------


class ReferralListView(PresentedListView):
    """Referrals the caller may open: sent by their center, received by their agency."""

    serializer_class = serializers.ReferralSerializer
    filterset_class = ReferralFilter
    queryset = Referral.objects.none()

    def scoped_queryset(self) -> QuerySet:
        user = self.request.user
        self.center_ids = selectors.user_center_ids(user)
        if not self.center_ids and not selectors.user_has_agency(user):
            raise NotFound
        return selectors.api_referrals(user=user)

    def present(self, row):
        return selectors.present_referral(row, center_ids=self.center_ids)

    @extend_schema(tags=["referrals"], responses={200: serializers.ReferralSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["referrals"],
        summary="Send a referral (navigators)",
        request=serializers.ReferralSendInputSerializer,
        responses={
            201: serializers.ReferralSerializer,
            400: BAD_REQUEST,
            403: BAD_REQUEST,
            404: NOT_FOUND,
        },
    )
    def post(self, request):
        """Sends a referral through the same service as the send page: the caller must be a
        navigator of the client's center, and an active consent must name the agency."""
        user = request.user
        if not centers_of(user).exists():
            raise NotFound
        body = serializers.ReferralSendInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        client = get_client_or_404(user=user, pk=data["client"])
        program = Program.objects.select_related("agency").filter(pk=data["program"]).first()
        if program is None:
            raise NotFound(_("No such program."))
        consent = None
        if data.get("consent"):
            consent = Consent.objects.filter(pk=data["consent"], client=client).first()
            if consent is None:
                return Response(
                    {
                        "detail": _("That consent does not belong to this client."),
                        "code": "invalid",
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
        referral = referral_send(
            actor=user,
            client=client,
            program=program,
            need_category=data["need_category"],
            urgency=data["urgency"],
            reason=data["reason"],
            note_to_agency=data.get("note_to_agency", ""),
            consent=consent,
        )
        body = selectors.present_referral(referral, center_ids={referral.sending_center_id})
        return Response(serializers.ReferralSerializer(body).data, status=status.HTTP_201_CREATED)


class InboxView(ReferralListView):
    """The partner inbox: referrals to the caller's agencies (no client data in the list)."""

    def scoped_queryset(self):
        user = self.request.user
        if not selectors.user_has_agency(user):
            raise NotFound
        self.center_ids = set()
        return selectors.api_inbox(user=user)

    @extend_schema(tags=["referrals"], responses={200: serializers.ReferralSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def post(self, request):  # the inbox is read-only
        raise NotFound


REFERENCE = OpenApiParameter(
    "reference_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. CB-7K3M9QX"
)


class ReferralDetailView(ApiMixin, APIView):
    @extend_schema(
        tags=["referrals"],
        parameters=[REFERENCE],
        responses={200: serializers.ReferralDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, reference_code: str):
        """A referral with its status history. The receiving agency sees only the client fields
        the consent shares, and each read is logged as a disclosure."""
        read = referral_for_read(
            request,
            reference_code,
            present_to_agency=lambda referral: disclosed_client(referral=referral),
        )
        data = selectors.present_referral_detail(
            read.referral, side=read.side, disclosed=read.presented
        )
        return Response(serializers.ReferralDetailSerializer(data).data)


class ReferralActionView(ApiMixin, APIView):
    @extend_schema(
        tags=["referrals"],
        operation_id="v1_referrals_action",
        summary="Move a referral (accept, reject, start, complete, fail, cancel)",
        parameters=[
            REFERENCE,
            OpenApiParameter(
                "action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(TRANSITIONS)
            ),
        ],
        request=serializers.ReferralActionInputSerializer,
        responses={
            200: serializers.ReferralSerializer,
            400: BAD_REQUEST,
            403: OpenApiResponse(
                serializers.ErrorSerializer, description="The other side's action."
            ),
            404: NOT_FOUND,
            409: OpenApiResponse(
                serializers.ErrorSerializer,
                description="Not possible from the current status (says who acted, when).",
            ),
        },
    )
    def post(self, request, reference_code: str, action: str):
        """The same service as the portal's buttons: row lock, legal-move check, event and
        history with the caller as actor. ``reject`` needs ``code`` (a rejection reason);
        ``complete``/``fail`` need ``code`` (an outcome) and ``decided_by``."""
        user = request.user
        referral = get_referral_or_404(user=user, reference_code=reference_code)
        if action not in TRANSITIONS:
            raise NotFound
        body = serializers.ReferralActionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        referral = referral_transition(
            referral=referral,
            actor=user,
            action=action,
            note=data.get("note", ""),
            code=data.get("code", ""),
            decided_by=data.get("decided_by", ""),
        )
        center_ids = selectors.user_center_ids(user)
        return Response(
            serializers.ReferralSerializer(
                selectors.present_referral(referral, center_ids=center_ids)
            ).data
        )


# Programs ----------------------------------------------------------------------------------


class ProgramAccessMixin:
    def check_member(self):
        if not selectors.user_memberships(self.request.user):
            raise NotFound


class ProgramListView(ProgramAccessMixin, PresentedListView):
    """The program directory (any member of an organization)."""

    serializer_class = serializers.ProgramSerializer
    filterset_class = ProgramFilter
    queryset = Program.objects.none()

    def scoped_queryset(self):
        self.check_member()
        return selectors.api_programs()

    def present(self, row):
        return selectors.present_program(row)

    @extend_schema(tags=["programs"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProgramDetailView(ProgramAccessMixin, ApiMixin, APIView):
    @extend_schema(
        tags=["programs"], responses={200: serializers.ProgramSerializer, 404: NOT_FOUND}
    )
    def get(self, request, pk: int):
        self.check_member()
        program = get_object_or_404(selectors.api_programs(), pk=pk)
        return Response(serializers.ProgramSerializer(selectors.present_program(program)).data)


# Clients (navigators) ----------------------------------------------------------------------


class ClientListView(PresentedListView):
    """Clients of the caller's community centers (navigators); names, contact, center."""

    serializer_class = serializers.ClientSerializer
    filterset_class = ClientFilter
    queryset = Client.objects.none()

    def scoped_queryset(self):
        if not centers_of(self.request.user).exists():
            raise NotFound
        return selectors.api_clients(user=self.request.user)

    def present(self, row):
        return selectors.present_client(row)

    @extend_schema(tags=["clients"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ClientDetailView(ApiMixin, APIView):
    @extend_schema(tags=["clients"], responses={200: serializers.ClientSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        client = client_for_read(request, pk)
        return Response(serializers.ClientSerializer(selectors.present_client(client)).data)


class ClientReferralListView(ReferralListView):
    """A client's referrals (the client's center)."""

    def scoped_queryset(self):
        client = get_client_or_404(user=self.request.user, pk=self.kwargs["pk"])
        self.center_ids = selectors.user_center_ids(self.request.user)
        return selectors.api_referrals(user=self.request.user).filter(client=client)

    @extend_schema(tags=["clients"], responses={200: serializers.ReferralSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(exclude=True)
    def post(self, request, *args, **kwargs):
        raise NotFound


# Webhook subscriptions (organization administrators) ---------------------------------------


class WebhookListView(PresentedListView):
    serializer_class = serializers.WebhookSubscriptionSerializer
    queryset = WebhookSubscription.objects.none()

    def scoped_queryset(self):
        if not organizations_administered_by(self.request.user).exists():
            raise NotFound
        return selectors.api_webhook_subscriptions(user=self.request.user)

    def present(self, row):
        return selectors.present_subscription(row)

    @extend_schema(tags=["webhooks"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["webhooks"],
        request=serializers.WebhookSubscriptionSerializer,
        responses={
            201: serializers.WebhookSubscriptionCreatedSerializer,
            400: BAD_REQUEST,
            404: NOT_FOUND,
        },
    )
    def post(self, request):
        """Subscribes a URL to referral events of an organization you administer. The response
        holds the signing secret (Standard Webhooks, ``whsec_...``): it is shown only here."""
        body = serializers.WebhookSubscriptionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        organization = (
            organizations_administered_by(request.user).filter(pk=data["organization"]).first()
        )
        if organization is None:
            raise NotFound
        subscription = webhook_subscription_create(
            actor=request.user,
            organization=organization,
            url=data["url"],
            events=data.get("events", []),
            description=data.get("description", ""),
        )
        return Response(
            serializers.WebhookSubscriptionCreatedSerializer(
                selectors.present_subscription(subscription, with_secret=True)
            ).data,
            status=status.HTTP_201_CREATED,
        )


def _subscription_or_404(request, pk) -> WebhookSubscription:
    return get_object_or_404(
        selectors.api_webhook_subscriptions(user=request.user).select_related("organization"),
        pk=pk,
    )


class WebhookDetailView(ApiMixin, APIView):
    @extend_schema(
        tags=["webhooks"],
        responses={200: serializers.WebhookSubscriptionSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        subscription = _subscription_or_404(request, pk)
        return Response(
            serializers.WebhookSubscriptionSerializer(
                selectors.present_subscription(subscription)
            ).data
        )

    @extend_schema(
        tags=["webhooks"],
        request=serializers.WebhookSubscriptionUpdateSerializer,
        responses={
            200: serializers.WebhookSubscriptionSerializer,
            400: BAD_REQUEST,
            404: NOT_FOUND,
        },
    )
    def patch(self, request, pk: int):
        subscription = _subscription_or_404(request, pk)
        body = serializers.WebhookSubscriptionUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription = webhook_subscription_update(
            actor=request.user, subscription=subscription, **body.validated_data
        )
        return Response(
            serializers.WebhookSubscriptionSerializer(
                selectors.present_subscription(subscription)
            ).data
        )

    @extend_schema(tags=["webhooks"], responses={204: None, 404: NOT_FOUND})
    def delete(self, request, pk: int):
        subscription = _subscription_or_404(request, pk)
        webhook_subscription_delete(actor=request.user, subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListView(PresentedListView):
    """The delivery log of one subscription, newest first, with response codes."""

    serializer_class = serializers.WebhookDeliverySerializer
    queryset = WebhookDelivery.objects.none()

    def scoped_queryset(self):
        subscription = _subscription_or_404(self.request, self.kwargs["pk"])
        return selectors.api_webhook_deliveries(subscription=subscription)

    def present(self, row):
        return selectors.present_delivery(row)

    @extend_schema(tags=["webhooks"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
