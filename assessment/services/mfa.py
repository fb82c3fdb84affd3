"""Two-factor sign-in: TOTP codes (RFC 6238) and one-time recovery codes.

- The TOTP secret is stored encrypted (Fernet).  The key is derived from the app's
  SECRET_KEY by the web layer (:func:`derive_key`) and handed in as plain bytes: a copy of
  the database alone does not reveal anyone's second factor.
- A code is accepted for the current 30-second step and one step either side (clock
  drift), and never twice: the step of the last accepted code is stored, and a conditional
  ``UPDATE`` accepts only a later step, so even two parallel requests with the same code
  sign in once.
- Ten recovery codes are made at enrolment and shown once.  They carry 80 random bits
  each, so a SHA-256 is enough to store them (as for API tokens); each works once.
- Enrolment, disabling, an owner's reset, recovery-code use and failed codes go to the
  audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Membership, MfaRecoveryCode, User, Workspace
from assessment.db.tenancy import unscoped
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.errors import Conflict, Invalid, NotFound

ISSUER = "Saleshealth"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i look-alikes


@dataclass(frozen=True)
class Verified:
    """How a second factor was proved: ``"totp"`` or ``"recovery"``."""

    method: str


def _clock() -> datetime:
    """The current time (tests freeze it by replacing this function)."""
    return datetime.now(UTC)


def derive_key(secret_key: str) -> bytes:
    """The Fernet key for TOTP secrets, derived from the app's SECRET_KEY (HKDF-SHA256)."""
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"saleshealth mfa secret v1"
    ).derive(secret_key.encode("utf-8"))
    return base64.urlsafe_b64encode(raw)


def new_secret() -> str:
    """A fresh random TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _encrypt(secret: str, key: bytes) -> str:
    return Fernet(key).encrypt(secret.encode("ascii")).decode("ascii")


def _decrypt(token: str, key: bytes) -> str:
    try:
        return Fernet(key).decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:  # SECRET_KEY changed: the owner must reset this member
        raise Conflict("mfa.unreadable") from exc


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode("ascii", "replace")).hexdigest()


def _recovery_code() -> str:
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))  # ~79 bits
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code equals ``code`` (current step ± drift), or None."""
    code = _normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _user(session: Session, user_id: int) -> User:
    with unscoped(session):
        user = session.get(User, user_id)
    if user is None:
        raise NotFound("member.not_found")
    return user


def _workspace_of(session: Session, user_id: int) -> int:
    with unscoped(session):
        workspace_id = session.scalar(
            select(Membership.workspace_id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.id)
        )
    if workspace_id is None:
        raise NotFound("member.not_found")
    return int(workspace_id)


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    """Replace the user's recovery codes (inside the caller's write transaction)."""
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user_id))
    session.add_all(MfaRecoveryCode(user_id=user_id, code_hash=_hash_recovery(c)) for c in codes)
    return codes


def enroll(
    session: Session,
    user_id: int,
    secret: str,
    code: str,
    key: bytes,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Turn two-factor sign-in on once ``code`` proves the app has ``secret``.

    Returns the ten recovery codes, in clear, for the one time they are shown.
    """
    now = now or _clock()
    user = _user(session, user_id)
    if user.mfa_secret is not None:
        raise Conflict("mfa.already_on")
    step = _matching_step(secret, code, now)
    if step is None:
        raise Invalid("mfa.wrong_code_next", field="code")
    workspace_id = _workspace_of(session, user_id)
    with unscoped(session), write_transaction(session):
        # Only while it is still off: the same enrolment sent twice at once (a double
        # click) turns it on once and makes one set of recovery codes.
        turned_on = session.execute(
            update(User)
            .where(User.id == user_id, User.mfa_secret.is_(None))
            .values(mfa_secret=_encrypt(secret, key), mfa_enabled_at=utcnow(), mfa_last_step=step)
            .execution_options(synchronize_session="fetch")
        )
        if not getattr(turned_on, "rowcount", 0):
            raise Conflict("mfa.already_on")
        codes = _new_recovery_codes(session, user_id)
        audit.record(
            session, user_id, "mfa.enrolled", f"user:{user_id}", ip=ip, workspace_id=workspace_id
        )
    return codes


def verify(
    session: Session,
    user_id: int,
    code: str,
    key: bytes,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> Verified | None:
    """Check a TOTP code or a recovery code; each is accepted once. None when wrong."""
    now = now or _clock()
    user = _user(session, user_id)
    if user.mfa_secret is None:
        return None
    workspace_id = _workspace_of(session, user_id)
    secret = _decrypt(user.mfa_secret, key)
    step = _matching_step(secret, code, now)
    with unscoped(session), write_transaction(session):
        if step is not None and _claim_step(session, user_id, step):
            return Verified("totp")
        if step is None and _use_recovery(session, user_id, code):
            audit.record(
                session,
                user_id,
                "mfa.recovery_used",
                f"user:{user_id}",
                {"left": _recovery_left(session, user_id)},
                ip,
                workspace_id=workspace_id,
            )
            return Verified("recovery")
        audit.record(
            session,
            user_id,
            "auth.mfa_failed",
            f"user:{user_id}",
            {"reason": "replayed" if step is not None else "wrong"},
            ip,
            workspace_id=workspace_id,
        )
    return None


def _claim_step(session: Session, user_id: int, step: int) -> bool:
    result = session.execute(
        update(User)
        .where(
            User.id == user_id,
            or_(User.mfa_last_step.is_(None), User.mfa_last_step < step),
        )
        .values(mfa_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def _use_recovery(session: Session, user_id: int, code: str) -> bool:
    if len(_normalise(code)) != 16:
        return False
    result = session.execute(
        update(MfaRecoveryCode)
        .where(
            MfaRecoveryCode.user_id == user_id,
            MfaRecoveryCode.code_hash == _hash_recovery(code),
            MfaRecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def _recovery_left(session: Session, user_id: int) -> int:
    return len(
        session.scalars(
            select(MfaRecoveryCode.id).where(
                MfaRecoveryCode.user_id == user_id, MfaRecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def recovery_left(session: Session, user_id: int) -> int:
    """How many unused recovery codes the user has."""
    with unscoped(session):
        return _recovery_left(session, user_id)


def _clear(session: Session, user: User) -> None:
    user.mfa_secret = None
    user.mfa_enabled_at = None
    user.mfa_last_step = None
    session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id))


def disable(
    session: Session,
    user_id: int,
    code: str,
    key: bytes,
    *,
    ip: str | None = None,
    now: datetime | None = None,
) -> None:
    """Turn one's own second factor off; needs a current code or a recovery code."""
    if verify(session, user_id, code, key, ip=ip, now=now) is None:
        raise Invalid("mfa.wrong_code", field="code")
    user = _user(session, user_id)
    workspace_id = _workspace_of(session, user_id)
    with unscoped(session), write_transaction(session):
        _clear(session, user)
        audit.record(
            session, user_id, "mfa.disabled", f"user:{user_id}", ip=ip, workspace_id=workspace_id
        )


def reset_member(session: Session, actor: Actor, user_id: int, *, ip: str | None = None) -> None:
    """An owner turns a member's second factor off (lost phone); the member is signed out.

    A member of another workspace is NotFound; owners reset their own factor with
    :func:`disable`, which asks for a code.
    """
    actor.require_owner()
    if user_id == actor.user_id:
        raise Invalid("mfa.own_account", field="user")
    with unscoped(session):
        member = session.scalar(
            select(Membership).where(
                Membership.workspace_id == actor.workspace_id, Membership.user_id == user_id
            )
        )
    if member is None:
        raise NotFound("member.not_found")
    with unscoped(session):
        elsewhere = session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == user_id, Membership.workspace_id != actor.workspace_id)
        )
    if elsewhere:
        # The second factor protects the whole account: an owner of one workspace must not
        # weaken the member's access to another (docs/privacy.md, member invitations).
        raise Invalid("mfa.reset_shared", field="user")
    user = _user(session, user_id)
    with unscoped(session), write_transaction(session):
        _clear(session, user)
        user.session_nonce = secrets.token_hex(16)
        audit.record(
            session,
            actor.user_id,
            "mfa.reset",
            f"user:{user_id}",
            {"email": user.email},
            ip,
            workspace_id=actor.workspace_id,
        )


def set_required(session: Session, actor: Actor, required: bool, *, ip: str | None = None) -> None:
    """Require (or stop requiring) two-factor sign-in for every member (owners only).

    The owner must have a second factor first, so turning it on never locks them out of
    the page they are on.
    """
    actor.require_owner()
    owner = _user(session, actor.user_id)
    if required and owner.mfa_secret is None:
        raise Invalid("mfa.owner_first", field="require_mfa")
    with unscoped(session), write_transaction(session):
        workspace = session.get(Workspace, actor.workspace_id)
        if workspace is None:
            raise NotFound("workspace.not_found")
        if workspace.require_mfa == required:
            return
        workspace.require_mfa = required
        audit.record(
            session,
            actor.user_id,
            "settings.require_mfa",
            f"workspace:{actor.workspace_id}",
            {"required": required},
            ip,
            workspace_id=actor.workspace_id,
        )
