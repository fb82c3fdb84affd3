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

    def get_id(self) -> str:
        """Session key: id plus the nonce that logout and password changes rotate."""
        return f"{self.user_id}:{self.nonce}"

    @property
    def actor(self) -> Actor:
        """The actor services check permissions against."""
        return Actor(self.user_id, self.workspace_id, self.role)

    @property
    def can_edit(self) -> bool:
        """Owners and consultants may change data."""
        return self.actor.can_edit


def load_user(key: str) -> SignedInUser | None:
    """Resolve the session key; a rotated nonce means the session was revoked."""
    user_id, _, nonce = key.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    session = current_session()
    with unscoped(session):
        user = session.get(User, int(user_id))
        if user is None or not hmac.compare_digest(user.session_nonce, nonce):
            return None
        membership = session.scalar(
            select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
        )
        if membership is None:
            return None
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
MFA_FENCE_OPEN = frozenset({"auth.two_factor", "auth.logout", "auth.language", "static"})


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
