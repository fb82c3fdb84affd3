"""Domain errors raised by services and mapped to HTTP responses by the web layer."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class of errors a service raises on purpose."""


class NotFound(ServiceError):
    """The object does not exist (or belongs to another workspace: same answer, 404)."""


class PermissionDenied(ServiceError):
    """The actor's role does not allow this action."""


class Invalid(ServiceError):
    """Input that breaks a rule; ``field`` names the form field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(ServiceError):
    """The action does not fit the current state (e.g. answering a closed assessment)."""
