"""API tokens: workspace-level bearer tokens for the read-only JSON API.

A token is 256 random bits from :mod:`secrets`, written as ``shk_`` plus URL-safe base64.
It is shown once, when it is created; the database keeps only its SHA-256 (a fast hash is
enough for a random secret of this length) and the first characters, so people can tell
tokens apart.  A token reads everything in its workspace that a viewer can read, and
nothing else: it belongs to the workspace, not to the owner who created it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import ApiToken, Workspace
from assessment.db.tenancy import unscoped
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.errors import Conflict, Invalid, NotFound, ServiceError

TOKEN_PREFIX = "shk_"
TOKEN_BYTES = 32  # 256 bits
DISPLAY_CHARS = 12  # "shk_" and the first eight random characters
MAX_NAME = 100
MAX_ACTIVE_TOKENS = 50
MAX_TOKEN_LENGTH = 200  # anything longer is not one of ours; refuse before hashing
LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidToken(ServiceError):
    """The token is missing, malformed, unknown or revoked."""


@dataclass(frozen=True)
class TokenInfo:
    """What may be shown about a token (never the token itself)."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    created_by_id: int | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class IssuedToken:
    """A newly created token: ``secret`` is the only copy of the full token there will be."""

    info: TokenInfo
    secret: str


def hash_token(raw_token: str) -> str:
    """The hex SHA-256 under which a token is stored."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def _info(token: ApiToken) -> TokenInfo:
    return TokenInfo(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        created_by_id=token.created_by_id,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


def create_token(
    session: Session,
    actor: Actor,
    name: str,
    form_key: str | None = None,
    *,
    ip: str | None = None,
) -> IssuedToken:
    """Create a token in the actor's workspace (owners only); returns it once, in full.

    ``form_key`` is the one-time key of the submitted form: a second request with the same
    key, even at the same moment, raises :class:`Conflict` instead of creating a token.
    The workspace row is locked while the active tokens are counted, so the cap holds under
    concurrent requests (SQLite's ``BEGIN IMMEDIATE`` already serializes them).
    """
    actor.require_owner()
    name = name.strip()
    if not name:
        raise Invalid("token.name_required", field="name")
    if len(name) > MAX_NAME:
        raise Invalid("form.max_chars", field="name", num=MAX_NAME)
    if form_key is not None and not 8 <= len(form_key) <= 64:
        raise Invalid("form.stale", field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    try:
        with write_transaction(session):
            _lock_workspace(session, actor.workspace_id)
            if form_key is not None and session.scalar(
                select(ApiToken.id).where(ApiToken.form_key == form_key)
            ):
                raise Conflict("token.form_used")
            token = _insert_token(session, actor, name, secret, form_key)
            audit.record(
                session,
                actor.user_id,
                "api_token.created",
                f"api_token:{token.id}",
                {"name": name, "prefix": token.prefix},
                ip,
                workspace_id=actor.workspace_id,
            )
    except IntegrityError as exc:  # the same form key committed by a parallel request
        raise Conflict("token.form_used") from exc
    return IssuedToken(_info(token), secret)


def _lock_workspace(session: Session, workspace_id: int) -> None:
    with unscoped(session):
        session.execute(select(Workspace.id).where(Workspace.id == workspace_id).with_for_update())


def _insert_token(
    session: Session, actor: Actor, name: str, secret: str, form_key: str | None
) -> ApiToken:
    active = session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))
    )
    if (active or 0) >= MAX_ACTIVE_TOKENS:
        raise Invalid("token.too_many", field="name", num=MAX_ACTIVE_TOKENS)
    token = ApiToken(
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[:DISPLAY_CHARS],
        created_by_id=actor.user_id,
        form_key=form_key,
    )
    session.add(token)
    session.flush()
    return token


def list_tokens(session: Session) -> list[TokenInfo]:
    """Tokens of the session's workspace: active ones first, newest first."""
    rows = session.scalars(
        select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    )
    return [_info(t) for t in rows]


def revoke_token(
    session: Session, actor: Actor, token_id: int, *, ip: str | None = None
) -> TokenInfo:
    """Revoke a token at once (owners only); revoking twice keeps the first date."""
    actor.require_owner()
    with write_transaction(session):
        token = session.scalar(select(ApiToken).where(ApiToken.id == token_id))
        if token is None:
            raise NotFound("token.not_found")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            audit.record(
                session,
                actor.user_id,
                "api_token.revoked",
                f"api_token:{token.id}",
                {"name": token.name, "prefix": token.prefix},
                ip,
                workspace_id=actor.workspace_id,
            )
    return _info(token)


def authenticate(
    session: Session, raw_token: str, *, ip: str | None = None
) -> tuple[int, TokenInfo]:
    """The workspace id and token for a presented secret, or :class:`InvalidToken`.

    The lookup is by hash, so the database never compares secrets; the stored hash is
    then compared in constant time.  ``last_used_at`` is written at most once a minute
    per token, so a busy integration does not turn every read into a write; the audit
    trail records a use whenever ``last_used_at`` is written (so also once a minute).
    """
    if (
        not raw_token.startswith(TOKEN_PREFIX)
        or len(raw_token) > MAX_TOKEN_LENGTH
        or not raw_token.isascii()
    ):
        raise InvalidToken("token.malformed")
    digest = hash_token(raw_token)
    with unscoped(session):
        token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        if token is None or not hmac.compare_digest(token.token_hash, digest):
            raise InvalidToken("token.unknown")
        if token.revoked_at is not None:
            raise InvalidToken("token.revoked")
        workspace_id, info = token.workspace_id, _info(token)
    now = utcnow()
    if info.last_used_at is None or now - info.last_used_at >= LAST_USED_RESOLUTION:
        with unscoped(session):
            _touch(session, info, workspace_id, now, ip)
        info = replace(info, last_used_at=now)
    return workspace_id, info


def _touch(
    session: Session, info: TokenInfo, workspace_id: int, now: datetime, ip: str | None
) -> None:
    # A conditional UPDATE: of several requests racing in the same minute only one writes,
    # and only that one records the use.
    with write_transaction(session):
        result = session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == info.id,
                or_(
                    ApiToken.last_used_at.is_(None),
                    ApiToken.last_used_at <= now - LAST_USED_RESOLUTION,
                ),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0):
            audit.record(
                session,
                None,
                "api_token.used",
                f"api_token:{info.id}",
                {"name": info.name, "prefix": info.prefix},
                ip,
                workspace_id=workspace_id,
            )
