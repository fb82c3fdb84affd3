"""Encryption of respondent link tokens at rest.

Only the SHA-256 of a token finds its respondent; the token itself is also kept encrypted
(Fernet: AES-128-CBC + HMAC-SHA256) so a consultant can copy a link again without replacing
it.  The key is derived from the application secret with HKDF, so this module never sees a
configuration: the web or CLI edge builds a :class:`LinkCipher` and passes it in.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# A fixed, purpose-bound label: the same secret used elsewhere yields an unrelated key.
_INFO = b"saleshealth respondent link tokens v1"


class LinkCipher:
    """Encrypts and decrypts link tokens with a key derived from ``secret``."""

    def __init__(self, secret: str | bytes) -> None:
        raw = secret.encode("utf-8") if isinstance(secret, str) else secret
        if not raw:
            raise ValueError("an empty secret cannot protect link tokens")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(raw)
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def encrypt(self, token: str) -> str:
        """The token encrypted (ASCII text, safe to store)."""
        return self._fernet.encrypt(token.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str | None) -> str | None:
        """The token, or None when nothing is stored or it was encrypted under another
        secret (after the secret was changed the link can only be replaced)."""
        if not stored:
            return None
        try:
            return self._fernet.decrypt(stored.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None


@lru_cache(maxsize=4)
def cipher_for(secret: str) -> LinkCipher:
    """One cipher per secret (deriving the key on every request would be wasted work)."""
    return LinkCipher(secret)
