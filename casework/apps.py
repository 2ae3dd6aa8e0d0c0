from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def record_last_login(sender, user, **kwargs):
    """Replaces Django's ``update_last_login``, whose ``user.save()`` would add a row to the
    user's history at every sign-in (last_login is not part of that history)."""
    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Casework")

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from .middleware import SessionTimeoutMiddleware
        from .views_account import adopt_signin_language

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="casework.last_login")
        user_logged_in.connect(
            SessionTimeoutMiddleware.stamp_login, dispatch_uid="casework.session_login_stamp"
        )
        user_logged_in.connect(adopt_signin_language, dispatch_uid="casework.signin_language")
        from .two_factor import two_factor_stamp_login

        user_logged_in.connect(two_factor_stamp_login, dispatch_uid="casework.two_factor_login")
        self._forget_access_on_membership_writes()
        from .history import build_history_managers_once

        build_history_managers_once()

    def _forget_access_on_membership_writes(self):
        """A request that changes memberships, organizations or a user's groups reads the
        user's access again (casework.access keeps it for the request)."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .access import forget_access_memo
        from .models import Membership, Organization, User

        for model in (Membership, Organization):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_access_memo, sender=model, dispatch_uid=f"casework.forget.{model}"
                )
        m2m_changed.connect(
            forget_access_memo, sender=User.groups.through, dispatch_uid="casework.forget.groups"
        )
