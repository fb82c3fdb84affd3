"""Member invitations: the owner names an e-mail and a role, the invitee sets their password.

An invitation carries 256 random bits; only their SHA-256 is stored, and it expires after
:data:`INVITATION_DAYS`.  Inviting never looks at accounts outside the workspace, so the
owner's answer is the same whether or not the address already has an account elsewhere
(hostile run, finding 4: "a user with this e-mail already exists" told an owner that an
address was registered in another workspace).  Whoever holds the link then either sets a
name and password (a new account) or, if the address already has an account, signs in with
it and joins the workspace; both are recorded in the workspace's audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.models import MemberInvitation, MemberRole, Membership, User, Workspace
from assessment.db.tenancy import unscoped
from assessment.services import accounts, audit
from assessment.services.actor import Actor
from assessment.services.errors import Conflict, Invalid, NotFound

TOKEN_BYTES = 32  # 256 bits
INVITATION_DAYS = 7
MAX_TOKEN_LENGTH = 100


def _now() -> datetime:
    return datetime.now(UTC)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    """E-mail addresses are compared trimmed and in lower case."""
    return email.strip().lower()


@dataclass(frozen=True)
class InvitationInfo:
    """A pending invitation as the owner sees it (never its token)."""

    id: int
    email: str
    role: MemberRole
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation; its token goes into the e-mail or is shown to the owner once."""

    info: InvitationInfo
    token: str
    workspace_name: str


@dataclass(frozen=True)
class InvitationView:
    """What the invitee's page shows about an invitation."""

    id: int
    workspace_id: int
    workspace_name: str
    email: str
    role: MemberRole
    expires_at: datetime
    has_account: bool
    """The address already has an account: the invitee signs in instead of registering."""


def _info(inv: MemberInvitation) -> InvitationInfo:
    return InvitationInfo(inv.id, inv.email, inv.role, inv.created_at, inv.expires_at)


def _pending(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        MemberInvitation.accepted_at.is_(None),
        MemberInvitation.revoked_at.is_(None),
        MemberInvitation.expires_at > now,
    )


def invite(
    session: Session,
    actor: Actor,
    email: str,
    role: MemberRole,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> IssuedInvitation:
    """Invite an address to the actor's workspace (owners only).

    A member of this workspace with that address is refused (the owner sees its members
    anyway); accounts of other workspaces are never consulted.  An earlier pending
    invitation of the same address is replaced.
    """
    actor.require_owner()
    email = normalise_email(email)
    now = now or _now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with unscoped(session), write_transaction(session):
        member = session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == actor.workspace_id, User.email == email)
        )
        if member:
            raise Invalid("member.already_member", field="email")
        for old in session.scalars(
            select(MemberInvitation).where(
                MemberInvitation.workspace_id == actor.workspace_id,
                MemberInvitation.email == email,
                *_pending(now),
            )
        ):
            old.revoked_at = now
        invitation = MemberInvitation(
            workspace_id=actor.workspace_id,
            email=email,
            role=role,
            token_hash=_hash(token),
            created_by_id=actor.user_id,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        session.add(invitation)
        session.flush()
        audit.record(
            session,
            actor.user_id,
            "member.invited",
            f"invitation:{invitation.id}",
            {"email": email, "role": role.value},
            ip,
            workspace_id=actor.workspace_id,
        )
        workspace = session.get(Workspace, actor.workspace_id)
        name = workspace.name if workspace else ""
    return IssuedInvitation(_info(invitation), token, name)


def pending_invitations(
    session: Session, actor: Actor, now: datetime | None = None
) -> list[InvitationInfo]:
    """The workspace's invitations not yet accepted, revoked or expired, newest first."""
    actor.require_owner()
    rows = session.scalars(
        select(MemberInvitation)
        .where(*_pending(now or _now()))
        .order_by(MemberInvitation.created_at.desc(), MemberInvitation.id.desc())
    )
    return [_info(inv) for inv in rows]


def revoke_invitation(
    session: Session,
    actor: Actor,
    invitation_id: int,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> None:
    """Withdraw a pending invitation: its link stops working."""
    actor.require_owner()
    with write_transaction(session):
        inv = session.scalar(select(MemberInvitation).where(MemberInvitation.id == invitation_id))
        if inv is None:
            raise NotFound("invitation.not_found")
        if inv.revoked_at is not None or inv.accepted_at is not None:
            return
        inv.revoked_at = now or _now()
        audit.record(
            session,
            actor.user_id,
            "member.invitation_revoked",
            f"invitation:{inv.id}",
            {"email": inv.email},
            ip,
        )


def _by_token(session: Session, token: str, now: datetime) -> MemberInvitation | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = _hash(token)
    with unscoped(session):
        inv = session.scalar(
            select(MemberInvitation).where(MemberInvitation.token_hash == digest, *_pending(now))
        )
    if inv is None or not hmac.compare_digest(inv.token_hash, digest):
        return None
    return inv


def view_invitation(
    session: Session, token: str, now: datetime | None = None
) -> InvitationView | None:
    """The pending invitation of a token, or None (unknown, used, revoked or expired)."""
    inv = _by_token(session, token, now or _now())
    if inv is None:
        return None
    with unscoped(session):
        workspace = session.get(Workspace, inv.workspace_id)
        has_account = session.scalar(select(User.id).where(User.email == inv.email)) is not None
    return InvitationView(
        id=inv.id,
        workspace_id=inv.workspace_id,
        workspace_name=workspace.name if workspace else "",
        email=inv.email,
        role=inv.role,
        expires_at=inv.expires_at,
        has_account=has_account,
    )


def _joined(
    session: Session, inv: MemberInvitation, user: User, ip: str | None, now: datetime
) -> None:
    """Add the membership and close the invitation, in the caller's write transaction."""
    exists = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.workspace_id == inv.workspace_id
        )
    )
    if exists is None:
        session.add(Membership(user_id=user.id, workspace_id=inv.workspace_id, role=inv.role))
    inv.accepted_at = now
    session.flush()
    audit.record(
        session,
        user.id,
        "member.joined",
        f"user:{user.id}",
        {"email": user.email, "role": inv.role.value, "invitation": inv.id},
        ip,
        workspace_id=inv.workspace_id,
    )


def accept_new_account(
    session: Session,
    token: str,
    name: str,
    password: str,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> User:
    """Create the invitee's account with their own name and password, in the workspace."""
    now = now or _now()
    if not name.strip():
        raise Invalid("invitation.name_required", field="name")
    accounts.check_new_password(password)
    try:
        with unscoped(session), write_transaction(session):
            inv = _by_token(session, token, now)
            if inv is None:
                raise NotFound("invitation.not_found")
            if session.scalar(select(User.id).where(User.email == inv.email)) is not None:
                raise Conflict("invitation.sign_in")
            user = User(
                email=inv.email,
                name=" ".join(name.split())[:200],
                password_hash=accounts.hash_password(password),
                session_nonce=secrets.token_hex(16),
            )
            session.add(user)
            session.flush()
            _joined(session, inv, user, ip, now)
    except IntegrityError as exc:  # the same address registered at the same moment
        raise Conflict("invitation.sign_in") from exc
    return user


def accept_as_member(
    session: Session,
    token: str,
    user_id: int,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> int:
    """A signed-in user whose address was invited joins the workspace; returns its id."""
    now = now or _now()
    with unscoped(session), write_transaction(session):
        inv = _by_token(session, token, now)
        if inv is None:
            raise NotFound("invitation.not_found")
        user = session.get(User, user_id)
        if user is None or user.email != inv.email:
            raise Invalid("invitation.other_account", email=inv.email)
        _joined(session, inv, user, ip, now)
        return inv.workspace_id
