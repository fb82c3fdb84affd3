"""Domain errors raised by services and mapped to HTTP responses by the web layer.

Each carries a message code and its parameters (see :mod:`assessment.messages`), never a
sentence: ``raise Invalid("client.name_required", field="name")``.  The web renders the code
in the user's language, the API as JSON, the command line as English (``str(exc)``).
"""

from __future__ import annotations

from typing import Any

from assessment.core.errors import CodedError


class ServiceError(CodedError):
    """Base class of errors a service raises on purpose."""


class NotFound(ServiceError):
    """The object does not exist (or belongs to another workspace: same answer, 404)."""


class PermissionDenied(ServiceError):
    """The actor's role does not allow this action."""


class Invalid(ServiceError):
    """Input that breaks a rule; ``field`` names the form field when there is one."""

    def __init__(self, code: str, /, *, field: str | None = None, **params: Any) -> None:
        super().__init__(code, **params)
        self.field = field


class Conflict(ServiceError):
    """The action does not fit the current state (e.g. answering a closed assessment)."""
