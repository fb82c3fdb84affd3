"""Workspace branding for reports, validated by the report pipeline's own rules."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.models import Workspace
from assessment.db.tenancy import unscoped
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.errors import Invalid, NotFound


@dataclass(frozen=True)
class BrandingData:
    """What an owner submits."""

    firm_name: str
    primary_color: str
    footer_text: str
    logo: bytes | None = None
    logo_filename: str = ""
    remove_logo: bool = False


def load_workspace(session: Session, actor: Actor) -> Workspace:
    """The actor's workspace."""
    with unscoped(session):
        workspace = session.get(Workspace, actor.workspace_id)
    if workspace is None:
        raise NotFound("workspace.not_found")
    return workspace


def save_branding(
    session: Session, actor: Actor, data: BrandingData, *, ip: str | None = None
) -> Workspace:
    """Validate (logo type, size, SVG sanitized) and save; nothing changes on error.

    The change is recorded in the audit trail (what changed, not the logo itself).
    """
    from reports.branding import Branding, BrandingError, validate_logo

    actor.require_owner()
    logo = None
    try:
        if data.logo:
            logo = validate_logo(data.logo, data.logo_filename)
        Branding(
            firm_name=data.firm_name, primary_color=data.primary_color, footer_text=data.footer_text
        )
    except BrandingError as exc:
        field = "logo" if data.logo and logo is None else "firm_name"
        raise Invalid("form.detail", field=field, detail=str(exc)) from None
    workspace = load_workspace(session, actor)
    with write_transaction(session), unscoped(session):
        before = (workspace.firm_name, workspace.primary_color, workspace.footer_text)
        workspace.firm_name = data.firm_name.strip()
        workspace.primary_color = data.primary_color
        workspace.footer_text = data.footer_text.strip()
        if logo is not None:
            workspace.logo, workspace.logo_mime = logo.data, logo.mime
        elif data.remove_logo:
            workspace.logo, workspace.logo_mime = None, None
        after = (workspace.firm_name, workspace.primary_color, workspace.footer_text)
        changed = [
            name
            for name, old, new in zip(
                ("firm_name", "primary_color", "footer_text"), before, after, strict=True
            )
            if old != new
        ]
        if logo is not None:
            changed.append("logo")
        elif data.remove_logo:
            changed.append("logo_removed")
        audit.record(
            session,
            actor.user_id,
            "settings.branding",
            f"workspace:{actor.workspace_id}",
            {"changed": changed},
            ip,
            workspace_id=actor.workspace_id,
        )
    return workspace
