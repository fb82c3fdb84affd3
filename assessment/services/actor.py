"""Who is acting, in which workspace, with which role."""

from __future__ import annotations

from dataclasses import dataclass

from assessment.db.models import MemberRole
from assessment.services.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    """A signed-in member acting in their workspace."""

    user_id: int
    workspace_id: int
    role: MemberRole

    @property
    def can_edit(self) -> bool:
        """Owners and consultants change data; viewers only read."""
        return self.role in (MemberRole.OWNER, MemberRole.CONSULTANT)

    def require_editor(self) -> None:
        """Raise PermissionDenied unless the actor may change data."""
        if not self.can_edit:
            raise PermissionDenied("permission.read_only")

    def require_owner(self) -> None:
        """Raise PermissionDenied unless the actor owns the workspace."""
        if self.role is not MemberRole.OWNER:
            raise PermissionDenied("permission.owner_only")
