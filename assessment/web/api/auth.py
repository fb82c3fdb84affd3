"""Bearer-token authentication of API requests, and the key the rate limit counts by.

Only the ``Authorization`` header authenticates: a browser's session cookie never does, and
whatever workspace the browser's session would bind is dropped before the token's
workspace is bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from assessment.db.models import MemberRole
from assessment.db.tenancy import bind_workspace
from assessment.extensions import current_session
from assessment.services import api_tokens
from assessment.services.actor import Actor
from assessment.services.api_tokens import InvalidToken, TokenInfo
from assessment.web.api.errors import ApiError

CHALLENGE = 'Bearer realm="saleshealth"'


@dataclass(frozen=True)
class ApiCaller:
    """The authenticated token and the workspace it reads."""

    workspace_id: int
    token: TokenInfo

    @property
    def actor(self) -> Actor:
        """Tokens read like a viewer: services refuse every change."""
        return Actor(self.token.created_by_id or 0, self.workspace_id, MemberRole.VIEWER)


def _unauthorized(message: str, error: str) -> ApiError:
    return ApiError(
        401,
        message,
        headers={"WWW-Authenticate": f'{CHALLENGE}, error="{error}"' if error else CHALLENGE},
    )


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return ""
    return credentials.strip()


def _resolve() -> ApiCaller | ApiError:
    raw = _bearer()
    if raw is None:
        return _unauthorized(_("This API needs a token: send 'Authorization: Bearer <token>'."), "")
    try:
        workspace_id, token = api_tokens.authenticate(
            current_session(), raw, ip=request.remote_addr or ""
        )
    except InvalidToken:
        return _unauthorized(_("The API token is not valid or has been revoked."), "invalid_token")
    return ApiCaller(workspace_id, token)


def resolved() -> ApiCaller | ApiError:
    """The request's caller, or the 401 to answer; computed once per request."""
    if "api_caller" not in g:
        g.api_caller = _resolve()
    result: ApiCaller | ApiError = g.api_caller
    return result


def caller() -> ApiCaller:
    """The authenticated caller (raises the 401 error otherwise)."""
    result = resolved()
    if isinstance(result, ApiError):
        raise result
    return result


def bind_token_workspace() -> None:
    """Authenticate the request and scope the session to the token's workspace only."""
    bind_workspace(current_session(), None)
    bind_workspace(current_session(), caller().workspace_id)


def rate_limit_key() -> str:
    """Count valid tokens per token, everything else (no token, bad token) per address."""
    result = resolved()
    if isinstance(result, ApiCaller):
        return f"api-token:{result.token.id}"
    return f"api-ip:{get_remote_address()}"
