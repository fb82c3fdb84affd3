"""Share links: read-only guest access to one client's closed results and reports.

A consultant creates a link for a client with a password they choose and an expiry (30 days
unless they say otherwise, at most :data:`MAX_DAYS`).  The link carries 256 random bits;
only their SHA-256 is stored, and the password only as a salted scrypt hash.  Whoever opens
the link and gives the password gets a guest session scoped to that client (see
:mod:`assessment.services.guest` for what it reads).  Creating, using (a correct password),
failing (a wrong one) and revoking a link are recorded in the audit trail.  Why a link and
not a guest account: docs/privacy.md, "Client guest access".
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.models import Client, ShareLink, Workspace
from assessment.db.tenancy import unscoped
from assessment.services import accounts, audit
from assessment.services.actor import Actor
from assessment.services.clients import get_client
from assessment.services.errors import Invalid, NotFound

TOKEN_BYTES = 32  # 256 bits
DEFAULT_DAYS = 30
MAX_DAYS = 180
MAX_LABEL = 100
MAX_TOKEN_LENGTH = 100  # anything longer is not one of ours; refuse before hashing


def _now() -> datetime:
    """The current time (tests pass ``now`` instead)."""
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    """The stored fingerprint of a link token (a fast hash suits a 256-bit random secret)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ShareLinkInfo:
    """What the consultant sees of a link (never its token or password)."""

    id: int
    client_id: int
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def active(self, now: datetime | None = None) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and (now or _now()) < self.expires_at


@dataclass(frozen=True)
class IssuedShareLink:
    """A new link: its token is shown to the consultant this once."""

    info: ShareLinkInfo
    token: str


@dataclass(frozen=True)
class GuestScope:
    """What a guest session is bound to, as plain data."""

    link_id: int
    workspace_id: int
    client_id: int
    client_name: str
    firm_name: str
    expires_at: datetime


def _info(link: ShareLink) -> ShareLinkInfo:
    return ShareLinkInfo(
        id=link.id,
        client_id=link.client_id,
        label=link.label,
        created_at=link.created_at,
        expires_at=link.expires_at,
        revoked_at=link.revoked_at,
        last_used_at=link.last_used_at,
    )


def create_link(
    session: Session,
    actor: Actor,
    client_id: int,
    label: str,
    password: str,
    days: int = DEFAULT_DAYS,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> IssuedShareLink:
    """Create a share link for a client of the actor's workspace (owners and consultants)."""
    actor.require_editor()
    client = get_client(session, client_id)
    if not 1 <= days <= MAX_DAYS:
        raise Invalid("share.days", field="days", max=MAX_DAYS)
    accounts.check_new_password(password)
    now = now or _now()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with write_transaction(session):
        link = ShareLink(
            client_id=client.id,
            label=" ".join(label.split())[:MAX_LABEL],
            token_hash=token_hash(token),
            password_hash=accounts.hash_password(password),
            created_by_id=actor.user_id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        session.add(link)
        session.flush()
        audit.record(
            session,
            actor.user_id,
            "share_link.created",
            f"share_link:{link.id}",
            {"client": client.id, "days": days},
            ip,
        )
    return IssuedShareLink(_info(link), token)


def list_links(session: Session, client_id: int) -> list[ShareLinkInfo]:
    """The client's links, newest first (active, expired and revoked)."""
    rows = session.scalars(
        select(ShareLink)
        .where(ShareLink.client_id == client_id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    )
    return [_info(link) for link in rows]


def revoke_link(
    session: Session,
    actor: Actor,
    client_id: int,
    link_id: int,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> None:
    """Revoke a link at once: its guest sessions end with their next request."""
    actor.require_editor()
    get_client(session, client_id)
    with write_transaction(session):
        link = session.scalar(
            select(ShareLink).where(ShareLink.id == link_id, ShareLink.client_id == client_id)
        )
        if link is None:
            raise NotFound("share_link.not_found")
        if link.revoked_at is not None:
            return
        link.revoked_at = now or _now()
        audit.record(
            session,
            actor.user_id,
            "share_link.revoked",
            f"share_link:{link.id}",
            {"client": client_id},
            ip,
        )


def _by_token(session: Session, token: str) -> ShareLink | None:
    """The link of a token (any workspace), or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = token_hash(token)
    with unscoped(session):
        link = session.scalar(select(ShareLink).where(ShareLink.token_hash == digest))
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    return link


def _active(link: ShareLink | None, now: datetime) -> bool:
    return link is not None and link.revoked_at is None and now < link.expires_at


def link_is_active(session: Session, token: str, now: datetime | None = None) -> bool:
    """Whether a token opens a link that is neither expired nor revoked."""
    return _active(_by_token(session, token), now or _now())


def enter(
    session: Session,
    token: str,
    password: str,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> GuestScope | None:
    """Check a guest's password; the scope of their session, or None for a wrong password.

    An unknown, expired or revoked link is :class:`NotFound`.  Both outcomes of the
    password are recorded in the link's workspace (``share_link.used``/``.failed``).
    """
    now = now or _now()
    link = _by_token(session, token)
    if link is None or not _active(link, now):
        accounts.password_matches(None, password)  # the same time as a real check
        raise NotFound("share_link.not_found")
    ok = accounts.password_matches(link.password_hash, password)
    with unscoped(session), write_transaction(session):
        if ok:
            link.last_used_at = now
        audit.record(
            session,
            None,
            "share_link.used" if ok else "share_link.failed",
            f"share_link:{link.id}",
            {"client": link.client_id},
            ip,
            workspace_id=link.workspace_id,
        )
    return guest_scope(session, link.id, now) if ok else None


def guest_scope(session: Session, link_id: int, now: datetime | None = None) -> GuestScope | None:
    """The scope of a guest session's link, or None once it expired or was revoked."""
    with unscoped(session):
        link = session.get(ShareLink, link_id)
        if link is None or not _active(link, now or _now()):
            return None
        client = session.get(Client, link.client_id)
        workspace = session.get(Workspace, link.workspace_id)
    if client is None or workspace is None:
        return None
    return GuestScope(
        link_id=link.id,
        workspace_id=link.workspace_id,
        client_id=client.id,
        client_name=client.name,
        firm_name=workspace.firm_name or workspace.name,
        expires_at=link.expires_at,
    )
