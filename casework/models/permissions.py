"""django-guardian direct-foreign-key permission models (never the generic ones)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .clients import Client


class ClientUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


class ClientGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)
