"""Every error as a page a person can act on, in their language (JSON for JSON requests).

One place turns every failure into an answer: domain errors (their message rendered in the
user's language; a JSON answer also carries the code and parameters, so a script can tell
the errors apart without reading the text), HTTP errors raised by routing, Flask-WTF (CSRF),
Flask-Limiter (429) and the request size limit (413), and unexpected exceptions (500).

There are two audiences.  A respondent (``/r/<token>`` and ``/respond/…``) has no account:
their page uses the respondent layout, speaks the respondent's (or the assessment's)
language, else the browser's, and says what to do next — usually to ask the person who sent
the link.  A consultant gets the interface layout in the interface language.  The API
blueprints answer their own errors as JSON (``web/api/errors.py``); the autosave endpoint
and any request asking for JSON get JSON here.

Every page is rendered by a template with status and ``text/html`` set here, never by
``Response(render_template(...))`` in a view (werkzeug's ``Response`` defaults to
``text/plain``: that is how browsers came to show a respondent raw HTML source).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from assessment.services.errors import Conflict, Invalid, NotFound, PermissionDenied, ServiceError
from assessment.web import messages
from assessment.web.messages import localize, localized_params

log = logging.getLogger(__name__)

RESPONDENT_PATHS = ("/r/", "/respond")


@dataclass(frozen=True)
class ErrorPage:
    """What an error page says: a heading, what happened, and what to do next."""

    status: int
    title: str
    message: str
    next_step: str
    link: tuple[str, str] | None = None
    """(address, label) of the way on, e.g. back to the questionnaire or the dashboard."""


def is_respondent_request() -> bool:
    """Whether the request belongs to the respondent flow (personal links, no account)."""
    return request.blueprint == "respond" or request.path.startswith(RESPONDENT_PATHS)


def wants_json() -> bool:
    """Whether the client asked for JSON (the autosave script, scripts, the API)."""
    return (
        request.is_json
        or request.accept_mimetypes.best == "application/json"
        or request.path.startswith("/api/")
    )


def _respondent_session() -> bool:
    """Whether a respondent is signed in through their link; sets the page language.

    Called while handling an error, possibly after a database failure (the 500 handler rolls
    the session back first): a failure to read the respondent only loses their language.
    """
    from assessment.web.respond.views import current_respondent

    try:
        found = current_respondent() is not None
    except Exception:  # an error page must render even with the database down
        log.warning("error page: the respondent could not be read", exc_info=True)
        return False
    refresh()  # the language may have been chosen before the respondent was known
    return found


def _roll_back() -> None:
    """End the failed request's transaction, so the error page can still read the database."""
    from assessment.extensions import current_session

    try:
        current_session().rollback()
    except Exception:  # the page is shown without the database then
        log.warning("error page: rollback failed", exc_info=True)


def _max_mb() -> int:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return max(1, int(limit) // (1024 * 1024))


def respondent_page(status: int, message: str | None = None) -> ErrorPage:
    """The respondent's page for ``status``: their language, a next step without an account."""
    in_session = _respondent_session()
    back = (request.script_root + "/respond/", _("Back to your questionnaire"))
    link = back if in_session else None
    if status == 404 and (not in_session or request.path.startswith("/r/")):
        return ErrorPage(
            404,
            _("This link is not valid"),
            message or _("The link may have been mistyped or replaced by a newer one."),
            _(
                "Check that you opened the whole link from your invitation. If it still does "
                "not work, ask the person who sent it to you for a new link."
            ),
            link,
        )
    if status in (401, 403):
        return ErrorPage(
            403,
            _("Please open your personal link again"),
            message
            or _("This browser session has ended, or your link was replaced by a newer one."),
            _(
                "Open the personal link from your invitation: everything you already saved is "
                "still there. If the link no longer works, ask the person who sent it to you "
                "for a new one."
            ),
        )
    pages = {
        400: (
            _("Please try again"),
            _("The page could not be processed as it was sent."),
            _("Go back to your questionnaire and try again. Answers you saved are kept."),
        ),
        404: (
            _("Page not found"),
            _("This page is not part of your questionnaire."),
            _("Go back to your questionnaire to continue where you left off."),
        ),
        405: (
            _("This action is not available here"),
            _("The page was opened in a way it does not support."),
            _("Go back to your questionnaire and use the buttons on the page."),
        ),
        409: (
            _("Not possible right now"),
            _("Your answers could not be changed at this moment."),
            _(
                "Reload your questionnaire to see its current state. If it keeps happening, "
                "tell the person who sent you the link."
            ),
        ),
        410: (
            _("This link has expired"),
            _("The questionnaire behind this link is no longer available."),
            _("If you still want to take part, ask the person who sent you the link."),
        ),
        413: (
            _("Too much text"),
            _("What you sent is larger than this page accepts (%(mb)d MB).", mb=_max_mb()),
            _("Shorten your text and send it again."),
        ),
        429: (
            _("Too many requests"),
            _("Too many requests came from your network in a short time."),
            _("Please wait a minute, then reload the page. Answers you saved are kept."),
        ),
    }
    title, default, next_step = pages.get(
        status,
        (
            _("Something went wrong"),
            _("Something went wrong on our side; your saved answers are safe."),
            _(
                "Please try again in a few minutes. If it keeps happening, tell the person who "
                "sent you the link."
            ),
        ),
    )
    return ErrorPage(status, title, message or default, next_step, link)


def consultant_page(status: int, message: str | None = None) -> ErrorPage:
    """The consultant's page for ``status``, in the interface language."""
    try:
        signed_in = bool(current_user.is_authenticated)
    except Exception:  # the user cannot be loaded (e.g. the database is down)
        signed_in = False
    link = (
        (request.script_root + "/", _("Go to the dashboard"))
        if signed_in
        else (request.script_root + "/login", _("Sign in"))
    )
    pages = {
        400: (
            _("Please check your input"),
            _("The request could not be processed as it was sent."),
            _("Go back, check what you entered and try again."),
        ),
        401: (
            _("Please sign in"),
            _("This page is only available to signed-in members."),
            _("Sign in, then open the page again."),
        ),
        403: (
            _("Not allowed"),
            _("Your role in this workspace does not allow this."),
            _("If you need it, ask an owner of your workspace to change your role."),
        ),
        404: (
            _("Not found"),
            _("This page does not exist or you have no access to it."),
            _("Check the address, or start again from the dashboard."),
        ),
        405: (
            _("This action is not available here"),
            _("The page was opened in a way it does not support."),
            _("Go back and use the buttons and links on the page."),
        ),
        409: (
            _("Not possible right now"),
            _("This conflicts with the current state of the data."),
            _("Reload the page to see the current state, then try again."),
        ),
        410: (
            _("No longer available"),
            _("What you are looking for was removed or has expired."),
            _("Start again from the dashboard."),
        ),
        413: (
            _("The file is too large"),
            _("The upload is larger than the limit of %(mb)d MB.", mb=_max_mb()),
            _("Choose a smaller file, or split it, and try again."),
        ),
        429: (
            _("Too many attempts"),
            _("Too many requests in a short time."),
            _("Please wait a minute and try again."),
        ),
    }
    title, default, next_step = pages.get(
        status,
        (
            _("Something went wrong"),
            _("Something went wrong on our side; the error has been logged."),
            _(
                "Please try again in a few minutes. If it keeps happening, tell your "
                "administrator the time it happened."
            ),
        ),
    )
    return ErrorPage(status, title, message or default, next_step, link)


def _html(page: ErrorPage, respondent: bool) -> Response:
    template = "web/error_respondent.html" if respondent else "web/error.html"
    try:
        body = render_template(template, page=page)
    except Exception:  # e.g. the layout could not read the signed-in user
        log.exception("error page: the full layout failed; showing the plain one")
        body = render_template("web/error_plain.html", page=page)
    response = make_response(body, page.status)
    response.mimetype = "text/html"
    return response


def error_response(
    status: int,
    message: str | None = None,
    exc: ServiceError | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> Response:
    """The answer to a failed request: a page for people, JSON for scripts."""
    response: Response
    if wants_json():
        response = make_response(jsonify(_json_body(status, message, exc)), status)
    else:
        respondent = is_respondent_request()
        page = respondent_page(status, message) if respondent else consultant_page(status, message)
        response = _html(page, respondent)
    for name, value in headers or ():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _json_body(status: int, message: str | None, exc: ServiceError | None) -> dict[str, object]:
    page = (
        respondent_page(status, message)
        if is_respondent_request()
        else consultant_page(status, message)
    )
    body: dict[str, object] = {"error": page.message}
    if exc is not None:
        body.update(code=exc.code, params=localized_params(exc))
    return body


def init_app(app: Flask) -> None:
    """Register the handlers (and the ``localize`` template filter)."""
    messages.init_app(app)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound) -> ResponseReturnValue:
        return error_response(404)

    @app.errorhandler(PermissionDenied)
    def _forbidden(exc: PermissionDenied) -> ResponseReturnValue:
        return error_response(403, localize(exc), exc)

    @app.errorhandler(Conflict)
    def _conflict(exc: Conflict) -> ResponseReturnValue:
        return error_response(409, localize(exc), exc)

    @app.errorhandler(Invalid)
    def _invalid(exc: Invalid) -> ResponseReturnValue:
        return error_response(400, localize(exc), exc)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> ResponseReturnValue:
        from assessment.web.respond.views import recover_from_csrf_error

        recovered = recover_from_csrf_error()
        if recovered is not None:
            return recovered
        if is_respondent_request():
            return error_response(400, _("Your session had expired, so this was not saved yet."))
        return error_response(400, _("The form expired. Reload the page and submit it again."))

    @app.errorhandler(InternalServerError)
    def _internal(exc: InternalServerError) -> ResponseReturnValue:
        _roll_back()
        return error_response(500)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        if exc.code is None:  # abort(response): the response is the answer
            return exc.get_response()
        return error_response(exc.code, headers=exc.get_headers())
