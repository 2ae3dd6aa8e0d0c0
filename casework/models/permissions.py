"""django-guardian direct-foreign-key permission models (never the generic ones)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .clients import Client


class ClientUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


class ClientGroupObjectPermission(GroupObjectPermissionBase):
    # The composite index below leads with the object, so it also serves the foreign key.
    content_object = models.ForeignKey(Client, on_delete=models.CASCADE, db_index=False)

    class Meta(GroupObjectPermissionBase.Meta):
        # An index-only probe "does one of these groups hold this permission on this object"
        # per row, for visibility queries (issue 15).
        indexes = [
            models.Index(
                fields=["content_object", "permission", "group"], name="client_gperm_obj_idx"
            )
        ]
