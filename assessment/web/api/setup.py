"""Wiring of the API blueprints: CSRF exemption, rate limit, JSON errors on every path."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from assessment.extensions import csrf, limiter
from assessment.web.api import errors
from assessment.web.api.auth import rate_limit_key

DEFAULT_RATE_LIMIT = "120 per minute; 5000 per hour"


def rate_limit() -> str:
    """The per-token limit: ``API_RATE_LIMIT`` in the app config, or the default."""
    return str(current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT)


def _routing_error_as_json() -> ResponseReturnValue | None:
    """Unknown paths and methods under /api/ answer JSON, not the site's HTML page.

    Routing errors belong to no blueprint, so the API's error handlers never see them;
    this hook runs first (before CSRF, which would otherwise refuse a POST with HTML).
    """
    exc = request.routing_exception
    if exc is None or isinstance(exc, RequestRedirect) or not request.path.startswith("/api/"):
        return None
    if isinstance(exc, MethodNotAllowed):
        allowed = ", ".join(sorted(exc.valid_methods or ("GET", "HEAD", "OPTIONS")))
        return errors.error_response(
            405,
            _("This method is not allowed here; the API is read-only."),
            headers={"Allow": allowed},
        )
    if isinstance(exc, NotFound):
        return errors.error_response(404, _("No such resource in this workspace."))
    return None


def configure(bp: Blueprint, v1: Blueprint) -> None:
    """Register v1 under bp, exempt it from CSRF, limit it, and install the JSON errors."""
    csrf.exempt(v1)
    limiter.shared_limit(rate_limit, scope="api-v1", key_func=rate_limit_key)(v1)
    errors.register(v1)
    errors.register(bp, all_errors=False)

    def _first(state: BlueprintSetupState) -> None:
        state.app.before_request_funcs.setdefault(None, []).insert(0, _routing_error_as_json)

    bp.record_once(_first)
    bp.register_blueprint(v1)
