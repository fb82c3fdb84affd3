"""Forms sent once and secrets shown once, kept in the visitor's session.

Post/redirect/get: a form that creates something answers with a redirect, so reloading the
result page is a GET and creates nothing.  Two helpers make that work when the result holds
a secret that is shown a single time (a new share link's address):

- :func:`keep_secret` / :func:`take_secret`: the POST leaves the secret for the next GET,
  which takes it out again, so a reload no longer shows it.  The session cookie is signed
  but readable by whoever holds it, so the secret is kept encrypted (Fernet, with a key
  derived from ``SECRET_KEY`` for this purpose alone) and only for a few minutes.  It never
  goes into a URL.
- :func:`issue_once` / :func:`take_once`: a hidden one-time value in the form; the POST is
  carried out only with a value issued and not used yet, so sending the same form twice
  (the back button and "Submit" again, a double click) creates nothing the second time.
"""

from __future__ import annotations

import base64
import json
import secrets
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, session

SECRET_SECONDS = 10 * 60
"""How long a secret waits for the page that shows it."""

OPEN_FORMS = 5
"""How many one-time values of one form a session keeps (one per open tab, about)."""

_INFO = b"saleshealth secrets shown once v1"


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _cipher() -> Fernet:
    return _fernet(str(current_app.config["SECRET_KEY"]))


def keep_secret(key: str, payload: dict[str, Any]) -> None:
    """Keep ``payload`` (JSON data) encrypted in the session for the next :func:`take_secret`."""
    session[key] = _cipher().encrypt(json.dumps(payload).encode("utf-8")).decode("ascii")


def take_secret(key: str) -> dict[str, Any] | None:
    """The payload kept under ``key``, removed from the session; None when there is none,
    it is older than :data:`SECRET_SECONDS` or was encrypted under another secret key."""
    stored = session.pop(key, None)
    if not isinstance(stored, str):
        return None
    try:
        data = json.loads(_cipher().decrypt(stored.encode("ascii"), ttl=SECRET_SECONDS))
    except (InvalidToken, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _pending(key: str) -> list[str]:
    raw = session.get(key)
    return [v for v in raw if isinstance(v, str)] if isinstance(raw, list) else []


def issue_once(key: str) -> str:
    """A new one-time value for a form, remembered in the session."""
    value = secrets.token_urlsafe(16)
    session[key] = [*_pending(key), value][-OPEN_FORMS:]
    return value


def take_once(key: str, value: str | None) -> bool:
    """Use up ``value``: True the first time for a value :func:`issue_once` gave."""
    pending = _pending(key)
    if not value or value not in pending:
        return False
    pending.remove(value)
    session[key] = pending
    return True


def give_back_once(key: str, value: str | None) -> None:
    """Make ``value`` usable again (the form was refused and is shown again to correct)."""
    if value:
        pending = [v for v in _pending(key) if v != value]
        session[key] = [*pending, value][-OPEN_FORMS:]
