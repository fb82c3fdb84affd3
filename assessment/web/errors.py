"""Map domain errors and HTTP errors to friendly pages (JSON for JSON requests).

A domain error's message is rendered in the user's language; a JSON answer also carries its
code and parameters, so a script can tell the errors apart without reading the text.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from assessment.services.errors import Conflict, Invalid, NotFound, PermissionDenied, ServiceError
from assessment.web import messages
from assessment.web.messages import localize, localized_params


def _page(
    status: int, title: str, message: str, exc: ServiceError | None = None
) -> ResponseReturnValue:
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        body: dict[str, object] = {"error": message}
        if exc is not None:
            body.update(code=exc.code, params=localized_params(exc))
        return jsonify(body), status
    return render_template("web/error.html", title=title, message=message, status=status), status


def init_app(app: Flask) -> None:
    """Register the handlers (and the ``localize`` template filter)."""
    messages.init_app(app)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound) -> ResponseReturnValue:
        return _page(
            404, _("Not found"), _("This page does not exist or you have no access to it.")
        )

    @app.errorhandler(PermissionDenied)
    def _forbidden(exc: PermissionDenied) -> ResponseReturnValue:
        return _page(403, _("Not allowed"), localize(exc), exc)

    @app.errorhandler(Conflict)
    def _conflict(exc: Conflict) -> ResponseReturnValue:
        return _page(409, _("Not possible right now"), localize(exc), exc)

    @app.errorhandler(Invalid)
    def _invalid(exc: Invalid) -> ResponseReturnValue:
        return _page(400, _("Please check your input"), localize(exc), exc)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> ResponseReturnValue:
        from assessment.web.respond.views import recover_from_csrf_error

        recovered = recover_from_csrf_error()
        if recovered is not None:
            return recovered
        return _page(
            400, _("Please try again"), _("The form expired. Reload the page and submit it again.")
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        messages = {
            404: _("This page does not exist or you have no access to it."),
            405: _("This action is not available here."),
            413: _("The file is too large."),
            429: _("Too many attempts. Please wait a minute and try again."),
        }
        status = exc.code or 500
        return _page(status, exc.name, messages.get(status, exc.description or exc.name))
