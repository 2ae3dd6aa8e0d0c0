from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from casework import views_account


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on every page; the icon is a static SVG."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/language/", views_account.language_update, name="language_update"),
    path("login/language/", views_account.signin_language, name="signin_language"),
    path("admin/", admin.site.urls),
    path("referrals/", include("referrals.urls")),
    path("hsds/", include("referrals.urls_hsds")),
    path("reports/", include("reports.urls")),
    path("", include("casework.urls")),
]
