"""Settings → API tokens: owners create and revoke tokens; every member sees the list."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from assessment.extensions import current_session
from assessment.services import api_tokens
from assessment.services.api_tokens import IssuedToken
from assessment.services.errors import Conflict, Invalid, NotFound
from assessment.web.api import bp
from assessment.web.messages import localize
from assessment.web.once import give_back_once, issue_once, keep_secret, take_once, take_secret
from assessment.web.tenancy import actor, client_ip


class TokenForm(FlaskForm):
    """Name a new token."""

    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=api_tokens.MAX_NAME)],
        description=_l("Say where it is used, e.g. “BI dashboard” or “CRM sync”."),
    )
    once = HiddenField()
    """A one-time value: the same form sent twice creates one token (also kept with the
    token, so parallel requests carrying one form create one token too)."""
    submit = SubmitField(_l("Create token"))


FORM_KEY = "api_token_form"
CREATED_KEY = "api_token_created"


def _fresh_form() -> TokenForm:
    form = TokenForm(formdata=None)
    form.once.data = issue_once(FORM_KEY)
    return form


def _when(value: datetime | None) -> str:
    return format_datetime(value, format="short") if value else ""


def _page(form: TokenForm, issued: IssuedToken | None = None, status: int = 200) -> Response:
    me = actor()
    tokens = api_tokens.list_tokens(current_session())
    html = render_template(
        "web/api/tokens.html",
        form=form,
        tokens=tokens,
        issued=issued,
        is_owner=me.role.value == "owner",
        when=_when,
        api_base=request.host_url.rstrip("/") + url_for("api.v1.index").rstrip("/"),
    )
    response = Response(html, status=status, mimetype="text/html")
    if issued is not None:
        # The page shows the only copy of the token: keep it out of every cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def _already_used() -> Response:
    flash(_("That form was already used; no second token was created."), "info")
    return redirect(url_for("api.tokens"))


@bp.route("/settings/api-tokens", methods=["GET", "POST"])
@login_required
def tokens() -> Response:
    """List the workspace's tokens; owners create new ones, then are redirected to the page
    that shows the new token once (post/redirect/get)."""
    me = actor()
    if request.method == "GET":
        return _page(_fresh_form())
    me.require_owner()
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    once = form.once.data
    if not take_once(FORM_KEY, once):
        # The form was sent again (back button and "Create" again, a double click).
        return _already_used()
    try:
        issued = api_tokens.create_token(
            current_session(), me, form.name.data or "", form_key=once, ip=client_ip()
        )
    except Conflict:
        # The same form committed by a parallel request: the server keeps one token.
        return _already_used()
    except Invalid as exc:
        give_back_once(FORM_KEY, once)
        form.name.errors = [localize(exc)]
        return _page(form, status=400)
    keep_secret(CREATED_KEY, {"token": issued.info.id, "secret": issued.secret})
    return redirect(url_for("api.token_created", token_id=issued.info.id))


@bp.route("/settings/api-tokens/<int:token_id>/created")
@login_required
def token_created(token_id: int) -> Response:
    """The new token, shown this once: a reload finds it gone and says what to do instead."""
    actor().require_owner()
    info = next((t for t in api_tokens.list_tokens(current_session()) if t.id == token_id), None)
    if info is None:  # no such token in this workspace (another workspace's id included)
        raise NotFound("token.not_found")
    kept = take_secret(CREATED_KEY)
    secret = kept.get("secret") if kept is not None else None
    if (
        kept is None
        or kept.get("token") != token_id
        or not isinstance(secret, str)
        or not info.active
    ):
        flash(
            _(
                "A token is shown only once, right after it is created. "
                "If it was lost, revoke it and create a new one."
            ),
            "info",
        )
        return redirect(url_for("api.tokens"))
    return _page(_fresh_form(), IssuedToken(info, secret))


@bp.route("/settings/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Response:
    """Revoke a token at once (owners only)."""
    me = actor()
    me.require_owner()
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    info = api_tokens.revoke_token(current_session(), me, token_id, ip=client_ip())
    flash(_("Token “%(name)s” revoked; it no longer works.", name=info.name), "success")
    return redirect(url_for("api.tokens"))


@bp.route("/api/docs")
def docs() -> str:
    """A short human page about the API, linking to the OpenAPI document."""
    return render_template("web/api/docs.html")
