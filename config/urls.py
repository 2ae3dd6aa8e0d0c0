from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from casework import health, views_account
from casework.views import account_security


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on every page; the icon is a static SVG."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("health/", health.health_stack, name="health"),
    path("health/web/", health.health_web, name="health_web"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/language/", views_account.language_update, name="language_update"),
    path("login/language/", views_account.signin_language, name="signin_language"),
    path("account/two-factor/", account_security.two_factor_setup, name="two_factor_setup"),
    path(
        "account/two-factor/verify/",
        account_security.two_factor_verify,
        name="two_factor_verify",
    ),
    path(
        "account/two-factor/remove/",
        account_security.two_factor_remove,
        name="two_factor_remove",
    ),
    path(
        "account/password-reset/",
        account_security.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "account/password-reset/sent/",
        account_security.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password-reset/<uidb64>/<token>/",
        account_security.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("account/api-tokens/", include("api.urls_account")),
    path("referrals/", include("referrals.urls")),
    path("hsds/", include("referrals.urls_hsds")),
    path("reports/", include("reports.urls")),
    path("", include("casework.urls")),
]
handler404 = "api.errors.page_not_found"
