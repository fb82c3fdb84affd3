"""Who is signed in, and binding each request's session to their workspace."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import Flask, abort, redirect, request, url_for
from flask_login import UserMixin, current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from assessment.db.models import MemberRole, Membership, User
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import current_session, login_manager
from assessment.services.actor import Actor


@dataclass(frozen=True)
class SignedInUser(UserMixin):
    """The signed-in member as plain data (no ORM object outlives the request)."""

    user_id: int
    nonce: str
    name: str
    email: str
    workspace_id: int
    workspace_name: str
    role: MemberRole
    mfa_enrolled: bool = False
    mfa_required: bool = False
    """The workspace requires a second factor of every member."""
    workspaces: tuple[tuple[int, str], ...] = ()
    """(id, name) of every workspace the user belongs to (more than one after joining
    another workspace through an invitation)."""

    def get_id(self) -> str:
        """Session key: id, the nonce that logout and password changes rotate, and the
        workspace this session works in."""
        return f"{self.user_id}:{self.nonce}:{self.workspace_id}"

    @property
    def actor(self) -> Actor:
        """The actor services check permissions against."""
        return Actor(self.user_id, self.workspace_id, self.role)

    @property
    def can_edit(self) -> bool:
        """Owners and consultants may change data."""
        return self.actor.can_edit


def load_user(key: str) -> SignedInUser | None:
    """Resolve the session key; a rotated nonce means the session was revoked.

    The key names the workspace the session works in; without one (a session from before
    workspaces could be switched, or a fresh sign-in) it is the user's first workspace.  A
    session whose workspace the user no longer belongs to is signed out.
    """
    user_id, _, rest = key.partition(":")
    nonce, _, workspace = rest.partition(":")
    if not user_id.isdigit() or not nonce or (workspace and not workspace.isdigit()):
        return None
    session = current_session()
    with unscoped(session):
        user = session.get(User, int(user_id))
        if user is None or not hmac.compare_digest(user.session_nonce, nonce):
            return None
        memberships = list(
            session.scalars(
                select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
            )
        )
        wanted = [m for m in memberships if not workspace or m.workspace_id == int(workspace)]
        if not wanted:
            return None
        membership = wanted[0]
        return SignedInUser(
            user.id,
            user.session_nonce,
            user.name,
            user.email,
            membership.workspace_id,
            membership.workspace.name,
            membership.role,
            user.mfa_secret is not None,
            membership.workspace.require_mfa,
            tuple((m.workspace_id, m.workspace.name) for m in memberships),
        )


def actor() -> Actor:
    """The current member's actor (401 when nobody is signed in)."""
    if not current_user.is_authenticated:
        abort(401)
    return current_user.actor


def client_ip() -> str:
    """The client's address for the audit trail (the proxy's view once ProxyFix applies)."""
    return request.remote_addr or ""


# Where a member who must enrol a second factor may still go before doing so.
MFA_FENCE_OPEN = frozenset(
    {
        "auth.two_factor",
        "auth.logout",
        "auth.language",
        "auth.switch_workspace",
        "auth.invitation",
        "static",
    }
)


def _mfa_fence() -> WerkzeugResponse | None:
    """Send members of a workspace that requires two-factor sign-in to enrol first."""
    if (
        current_user.is_authenticated
        and current_user.mfa_required
        and not current_user.mfa_enrolled
        and request.endpoint not in MFA_FENCE_OPEN
        and not (request.endpoint or "").startswith(("v1.", "respond."))
    ):
        return redirect(url_for("auth.two_factor"))
    return None


def init_app(app: Flask) -> None:
    """Bind every request's database session to the signed-in member's workspace."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @app.before_request
    def _bind() -> None:
        bind_workspace(current_session(), None)
        if current_user.is_authenticated:
            bind_workspace(current_session(), current_user.workspace_id)

    app.before_request(_mfa_fence)
