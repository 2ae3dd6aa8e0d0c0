"""django-guardian direct-foreign-key permission models (never the generic ones)."""

from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from django.db import models

from .clients import Client


class ClientUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


class ClientGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)
