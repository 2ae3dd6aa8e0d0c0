from django.urls import path

from . import views

urlpatterns = [
    path("Task", views.TaskSearchView.as_view(), name="fhir_task_search"),
    path("Task/<str:reference_code>", views.TaskView.as_view(), name="fhir_task"),
    path(
        "ServiceRequest/<str:reference_code>",
        views.ServiceRequestView.as_view(),
        name="fhir_service_request",
    ),
    path("Patient/<int:pk>", views.PatientView.as_view(), name="fhir_patient"),
    path("Organization/<int:pk>", views.OrganizationView.as_view(), name="fhir_organization"),
]
