"""One JSON error shape for every API failure: ``{"error": {"code", "message", "details"}}``.

``code`` is the HTTP-level class (``bad_request``, ``conflict``…); when a domain rule refused
the request, ``reason`` is the rule's message code and ``params`` its values, and ``message``
is the rule's text in the language the client asks for (``Accept-Language``).

Never an HTML page: the handlers are registered on the API blueprints, and unknown paths
under ``/api/`` reach a catch-all route so that routing errors are answered here too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

from assessment.services.errors import Conflict, Invalid, NotFound, PermissionDenied, ServiceError
from assessment.web.api.schemas import ErrorBody, ErrorDetail, ErrorResponse
from assessment.web.messages import localize, localized_params

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
    500: "internal_error",
}


class ApiError(Exception):
    """An error the API answers with ``status`` and the JSON error object."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: list[ErrorDetail] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = details or []
        self.headers = dict(headers or {})


def json_response(data: Any, status: int = 200) -> Response:
    """``data`` as compact JSON, keys in the order the models declare them (ids first)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body, status=status, mimetype="application/json")


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    details: list[ErrorDetail] | None = None,
    headers: Mapping[str, str] | None = None,
    refused_by: ServiceError | None = None,
) -> Response:
    """The JSON error response (never cached, never HTML).

    ``refused_by`` adds the domain error's ``reason`` (its code) and ``params``.
    """
    body = ErrorResponse(
        error=ErrorBody(
            code=code or CODES.get(status, "error"),
            message=message,
            details=details or [],
            reason=refused_by.code if refused_by is not None else None,
            params=localized_params(refused_by) if refused_by is not None else None,
        )
    )
    response = json_response(body.model_dump(mode="json", exclude_none=True), status)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def not_found() -> ApiError:
    """The 404 for unknown ids, including ids of other workspaces (same answer)."""
    return ApiError(404, _("No such resource in this workspace."))


def _http_message(exc: HTTPException, status: int) -> str:
    messages = {
        400: _("The request is not valid."),
        401: _("Send a valid API token: 'Authorization: Bearer <token>'."),
        403: _("This token may not do this."),
        404: _("No such resource in this workspace."),
        405: _("This method is not allowed here; the API is read-only."),
        413: _("The request is too large."),
        429: _("Too many requests for this token. Wait and try again."),
        500: _("Something went wrong on our side. Please try again later."),
    }
    return messages.get(status, exc.name)


def register(bp: Blueprint, *, all_errors: bool = True) -> None:
    """Answer errors raised under ``bp`` with the JSON error object.

    ``all_errors=False`` only handles :class:`ApiError` (for a blueprint that also serves
    HTML pages).
    """

    @bp.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(
            exc.status, exc.message, code=exc.code, details=exc.details, headers=exc.headers
        )

    if not all_errors:
        return

    @bp.errorhandler(NotFound)
    def _not_found(exc: NotFound) -> Response:
        return error_response(404, _("No such resource in this workspace."))

    @bp.errorhandler(PermissionDenied)
    def _forbidden(exc: PermissionDenied) -> Response:
        return error_response(403, _("This token may not do this."))

    @bp.errorhandler(Invalid)
    def _invalid(exc: Invalid) -> Response:
        message = localize(exc)
        details = [ErrorDetail(location=exc.field, message=message)] if exc.field else []
        return error_response(400, message, details=details, refused_by=exc)

    @bp.errorhandler(Conflict)
    def _conflict(exc: Conflict) -> Response:
        return error_response(409, localize(exc), refused_by=exc)

    @bp.errorhandler(InternalServerError)
    def _internal(exc: InternalServerError) -> Response:
        return error_response(500, _http_message(exc, 500))

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        headers: dict[str, str] = {}
        if status == 405 and exc.response is None:
            allowed = getattr(exc, "valid_methods", None)
            if allowed:
                headers["Allow"] = ", ".join(allowed)
        if status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="saleshealth"'
        return error_response(status, _http_message(exc, status), headers=headers)
