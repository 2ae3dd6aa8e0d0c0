from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from casework import views_account

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/language/", views_account.language_update, name="language_update"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("account/api-tokens/", include("api.urls_account")),
    path("referrals/", include("referrals.urls")),
    path("reports/", include("reports.urls")),
    path("", include("casework.urls")),
]
handler404 = "api.errors.page_not_found"
