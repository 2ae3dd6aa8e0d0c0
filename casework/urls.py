from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_update, name="client_update"),
    path("clients/<int:pk>/history/", views.client_history, name="client_history"),
    path(
        "clients/<int:pk>/household/add/",
        views.household_member_create,
        name="household_member_create",
    ),
    path(
        "clients/<int:pk>/household/<int:member_pk>/edit/",
        views.household_member_update,
        name="household_member_update",
    ),
    path(
        "clients/<int:pk>/household/<int:member_pk>/remove/",
        views.household_member_remove,
        name="household_member_remove",
    ),
    path("clients/<int:pk>/notes/add/", views.note_create, name="note_create"),
    path("clients/<int:pk>/intakes/new/", views.intake_create, name="intake_create"),
    path(
        "clients/<int:pk>/intakes/<int:intake_pk>/edit/",
        views.intake_update,
        name="intake_update",
    ),
    path("clients/<int:pk>/consents/new/", views.consent_create, name="consent_create"),
    path(
        "clients/<int:pk>/consents/agencies/",
        views.consent_agency_options,
        name="consent_agency_options",
    ),
    path(
        "clients/<int:pk>/consents/<int:consent_pk>/revoke/",
        views.consent_revoke,
        name="consent_revoke",
    ),
]
