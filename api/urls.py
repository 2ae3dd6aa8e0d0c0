from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from . import views

app_name = "api"

v1 = [
    path("me/", views.MeView.as_view(), name="me"),
    path("referrals/", views.ReferralListView.as_view(), name="referrals"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path(
        "referrals/<str:reference_code>/",
        views.ReferralDetailView.as_view(),
        name="referral",
    ),
    path(
        "referrals/<str:reference_code>/<str:action>/",
        views.ReferralActionView.as_view(),
        name="referral_action",
    ),
    path("programs/", views.ProgramListView.as_view(), name="programs"),
    path("programs/<int:pk>/", views.ProgramDetailView.as_view(), name="program"),
    path("clients/", views.ClientListView.as_view(), name="clients"),
    path("clients/<int:pk>/", views.ClientDetailView.as_view(), name="client"),
    path(
        "clients/<int:pk>/referrals/",
        views.ClientReferralListView.as_view(),
        name="client_referrals",
    ),
    path("webhooks/", views.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", views.WebhookDetailView.as_view(), name="webhook"),
    path(
        "webhooks/<int:pk>/deliveries/",
        views.WebhookDeliveryListView.as_view(),
        name="webhook_deliveries",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("fhir/", include("api.fhir.urls")),
    path(
        "schema/",
        login_not_required(SpectacularAPIView.as_view(authentication_classes=[])),
        name="schema",
    ),
    path(
        "docs/",
        login_not_required(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema", authentication_classes=[])
        ),
        name="docs",
    ),
    path(
        "redoc/",
        login_not_required(
            SpectacularRedocView.as_view(url_name="api:schema", authentication_classes=[])
        ),
        name="redoc",
    ),
]
