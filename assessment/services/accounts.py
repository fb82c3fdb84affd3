"""First-run setup, sign-in and passwords."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from assessment.db import write_transaction
from assessment.db.models import MemberRole, Membership, User, Workspace
from assessment.db.tenancy import unscoped
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.errors import Conflict, Invalid, NotFound, PermissionDenied

MIN_PASSWORD = 10
# A hash to compare against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def needs_setup(session: Session) -> bool:
    """True until the first workspace and owner exist."""
    with unscoped(session):
        return not session.scalar(select(func.count()).select_from(User))


def check_new_password(password: str, field: str = "password") -> None:
    """Refuse a password shorter than :data:`MIN_PASSWORD` (``Invalid`` on ``field``)."""
    if len(password) < MIN_PASSWORD:
        raise Invalid("form.min_chars", field=field, num=MIN_PASSWORD)


def hash_password(password: str) -> str:
    """A salted scrypt hash of a password (accounts, share links)."""
    return generate_password_hash(password, method="scrypt")


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; without a hash, a dummy comparison takes the same time."""
    if not stored_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored_hash, password)


def create_workspace_with_owner(
    session: Session, workspace_name: str, name: str, email: str, password: str
) -> User:
    """First run: create the workspace and its owner (refused once any user exists)."""
    check_new_password(password)
    with unscoped(session), write_transaction(session):
        if session.scalar(select(func.count()).select_from(User)):
            raise Conflict("setup.done")
        workspace = Workspace(name=workspace_name.strip(), firm_name=workspace_name.strip())
        user = User(
            email=email.strip().lower(),
            name=name.strip(),
            password_hash=generate_password_hash(password, method="scrypt"),
            session_nonce=secrets.token_hex(16),
        )
        session.add_all([workspace, user])
        session.flush()
        session.add(Membership(user_id=user.id, workspace_id=workspace.id, role=MemberRole.OWNER))
    return user


def add_member(
    session: Session,
    workspace_id: int,
    name: str,
    email: str,
    password: str,
    role: MemberRole,
    *,
    by: Actor | None = None,
    ip: str | None = None,
) -> User:
    """Add a member to a workspace (owner action; the caller checks the actor).

    ``by`` is the owner adding them, recorded in the audit trail with ``ip``.
    """
    check_new_password(password)
    email = email.strip().lower()
    with unscoped(session), write_transaction(session):
        if session.scalar(select(User).where(User.email == email)) is not None:
            raise Invalid("member.email_taken", field="email")
        user = User(
            email=email,
            name=name.strip(),
            password_hash=generate_password_hash(password, method="scrypt"),
            session_nonce=secrets.token_hex(16),
        )
        session.add(user)
        session.flush()
        session.add(Membership(user_id=user.id, workspace_id=workspace_id, role=role))
        audit.record(
            session,
            by.user_id if by else None,
            "member.added",
            f"user:{user.id}",
            {"email": email, "role": role.value},
            ip,
            workspace_id=workspace_id,
        )
    return user


def authenticate(
    session: Session, email: str, password: str, *, ip: str | None = None
) -> User | None:
    """The user with these credentials, or None (same timing for unknown e-mails).

    A wrong password for a known member is recorded in their workspace's audit trail; an
    unknown e-mail belongs to no workspace and is not recorded.
    """
    with unscoped(session):
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if check_password_hash(user.password_hash, password):
        return user
    membership = membership_of(session, user)
    if membership is not None:
        audit.record(
            session,
            user.id,
            "auth.sign_in_failed",
            f"user:{user.id}",
            {"reason": "password"},
            ip,
            workspace_id=membership.workspace_id,
        )
    return None


def record_sign_in(session: Session, user: User, method: str, *, ip: str | None = None) -> None:
    """Record a completed sign-in (``method``: password, totp or recovery)."""
    membership = membership_of(session, user)
    if membership is not None:
        audit.record(
            session,
            user.id,
            "auth.sign_in",
            f"user:{user.id}",
            {"method": method},
            ip,
            workspace_id=membership.workspace_id,
        )


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change a password; every other session of the user stops working."""
    if not check_password_hash(user.password_hash, current):
        raise Invalid("password.wrong", field="current")
    check_new_password(new)
    with write_transaction(session):
        user.password_hash = generate_password_hash(new, method="scrypt")
        user.session_nonce = secrets.token_hex(16)


def end_sessions(session: Session, user: User) -> None:
    """Revoke every session of the user server-side (logout)."""
    with write_transaction(session):
        user.session_nonce = secrets.token_hex(16)


def membership_of(session: Session, user: User) -> Membership | None:
    """The user's first membership (the workspace they joined first)."""
    with unscoped(session):
        return session.scalar(
            select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
        )


def list_members(session: Session, workspace_id: int) -> list[tuple[User, Membership]]:
    """Members of a workspace with their roles, by name."""
    with unscoped(session):
        rows = session.execute(
            select(User, Membership)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == workspace_id)
            .order_by(User.name)
        )
        return [(user, membership) for user, membership in rows]


def remove_member(
    session: Session,
    workspace_id: int,
    acting_user_id: int,
    user_id: int,
    *,
    ip: str | None = None,
) -> None:
    """Remove a member (owner action); nobody removes themselves, a workspace keeps an owner."""
    if user_id == acting_user_id:
        raise Invalid("member.remove_self", field="user")
    with unscoped(session), write_transaction(session):
        membership = session.scalar(
            select(Membership).where(
                Membership.workspace_id == workspace_id, Membership.user_id == user_id
            )
        )
        if membership is None:
            raise NotFound("member.not_found")
        user = session.get(User, user_id)
        audit.record(
            session,
            acting_user_id,
            "member.removed",
            f"user:{user_id}",
            {"email": user.email if user else "", "role": membership.role.value},
            ip,
            workspace_id=workspace_id,
        )
        session.delete(membership)
        session.flush()
        others = session.scalar(
            select(func.count()).select_from(Membership).where(Membership.user_id == user_id)
        )
        if user is not None and not others:
            # The account belonged to this workspace alone; a member of other workspaces
            # (who joined through an invitation) keeps their account there.
            session.delete(user)


@dataclass(frozen=True)
class RoleChange:
    """A member's role before and after a change, with their name (for the answer)."""

    name: str
    old: MemberRole
    new: MemberRole


def change_member_role(
    session: Session, actor: Actor, user_id: int, role: str, *, ip: str | None = None
) -> RoleChange:
    """Give a member of the actor's workspace another role (owners only).

    ``role`` is a :class:`MemberRole` value; another text is Invalid
    (``member.role_choice``), once the member is found: someone outside the workspace is
    not found whatever the role asked for.

    An owner may change their own role too, but the workspace always keeps an owner: the
    last one cannot be given another role (``member.last_owner``).  The workspace row is
    locked first, so two owners demoting each other at once cannot leave it without one;
    the actor's own role is checked again under that lock.  A change is recorded in the
    audit trail (``member.role_changed``, with the role before and after); choosing the
    role the member already has changes and records nothing.  The member's next request
    works with the new role (the role is read at every request).
    """
    actor.require_owner()
    with unscoped(session), write_transaction(session):
        session.execute(
            select(Workspace.id).where(Workspace.id == actor.workspace_id).with_for_update()
        )
        members = {
            m.user_id: m
            for m in session.scalars(
                select(Membership)
                .where(Membership.workspace_id == actor.workspace_id)
                .execution_options(populate_existing=True)
            )
        }
        me = members.get(actor.user_id)
        if me is None or me.role is not MemberRole.OWNER:
            raise PermissionDenied("permission.owner_only")
        membership = members.get(user_id)
        if membership is None:
            raise NotFound("member.not_found")
        try:
            new = MemberRole(role)
        except ValueError:
            raise Invalid("member.role_choice", field="role") from None
        old = membership.role
        user = session.get(User, user_id)
        change = RoleChange(user.name if user else "", old, new)
        if old is new:
            return change
        owners = sum(1 for m in members.values() if m.role is MemberRole.OWNER)
        if old is MemberRole.OWNER and owners <= 1:
            raise Conflict("member.last_owner")
        membership.role = new
        audit.record(
            session,
            actor.user_id,
            "member.role_changed",
            f"user:{user_id}",
            {"email": user.email if user else "", "old": old.value, "new": new.value},
            ip,
            workspace_id=actor.workspace_id,
        )
    return change


def workspaces_of(session: Session, user_id: int) -> int:
    """How many workspaces the user belongs to."""
    with unscoped(session):
        return int(
            session.scalar(
                select(func.count()).select_from(Membership).where(Membership.user_id == user_id)
            )
            or 0
        )
