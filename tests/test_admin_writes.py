"""Every admin save and delete of the project's models goes through a service (``actor=``,
history in the same transaction), never Django's or simple-history's default save paths.

Deliberately excluded, as third-party models with their own records: django-axes
(``AccessAttempt``, ``AccessLog``, ``AccessFailureLog`` are its own sign-in log) and
django_celery_beat (``PeriodicTask`` and the schedules: ours are declared in
``CELERY_BEAT_SCHEDULE``, the admin rows are the beat's own bookkeeping).
"""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("casework", "referrals", "reports", "api")

# The defaults that save or delete without an actor-taking service.
DEFAULT_WRITES = {
    "save_model": (ModelAdmin.save_model, SimpleHistoryAdmin.save_model),
    "delete_model": (ModelAdmin.delete_model,),
    "delete_queryset": (ModelAdmin.delete_queryset,),
    "save_formset": (ModelAdmin.save_formset,),
}


def _project_admins():
    """Admins of the project's models, and the project's admins of other apps' models (the
    two-factor devices)."""
    for model, model_admin in admin.site._registry.items():
        module = type(model_admin).__module__.split(".")[0]
        if model._meta.app_label in PROJECT_APPS or module in PROJECT_APPS:
            yield model, model_admin


def _default_writes(model_admin, request) -> list[str]:
    may_add = model_admin.has_add_permission(request)
    may_change = model_admin.has_change_permission(request)
    may_delete = model_admin.has_delete_permission(request)
    needed = []
    if may_add or may_change:
        needed.append("save_model")
    if may_delete:
        needed += ["delete_model", "delete_queryset"]
    inlines = model_admin.get_inline_instances(request)
    if (may_add or may_change) and any(
        inline.has_add_permission(request, None)
        or inline.has_change_permission(request)
        or inline.has_delete_permission(request)
        for inline in inlines
    ):
        needed.append("save_formset")
    cls = type(model_admin)
    return [name for name in needed if getattr(cls, name) in DEFAULT_WRITES[name]]


def test_every_project_admin_writes_through_services():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    admins = list(_project_admins())
    assert len(admins) > 10  # the registry was read, not an empty loop
    offenders = {
        f"{model._meta.label} ({type(model_admin).__name__})": defaults
        for model, model_admin in admins
        if (defaults := _default_writes(model_admin, request))
    }
    assert offenders == {}


def test_groups_are_not_edited_in_the_admin(client):
    """Organization groups follow memberships; there is no page to edit them by hand."""
    assert not admin.site.is_registered(Group)
    client.force_login(
        UserFactory(is_staff=True, is_superuser=True),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    assert client.get("/admin/auth/group/").status_code == 404
    assert client.get(reverse("admin:index")).status_code == 200
