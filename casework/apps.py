from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import SessionTimeoutMiddleware
        from .views_account import adopt_signin_language

        user_logged_in.connect(
            SessionTimeoutMiddleware.stamp_login, dispatch_uid="casework.session_login_stamp"
        )
        user_logged_in.connect(adopt_signin_language, dispatch_uid="casework.signin_language")
