from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("clients/", views.dashboard, name="client_list"),
]
