from django.urls import path

from . import views_account

app_name = "api_tokens"
urlpatterns = [
    path("", views_account.token_list, name="list"),
    path("<int:pk>/revoke/", views_account.token_revoke, name="revoke"),
]
