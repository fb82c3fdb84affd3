"""Settings → API tokens: owners create and revoke tokens; every member sees the list."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import flash, redirect, render_template, request, session, url_for
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
from assessment.services.errors import Conflict, Invalid
from assessment.web.api import bp
from assessment.web.messages import localize
from assessment.web.tenancy import actor, client_ip


class TokenForm(FlaskForm):
    """Name a new token."""

    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=api_tokens.MAX_NAME)],
        description=_l("Say where it is used, e.g. “BI dashboard” or “CRM sync”."),
    )
    once = HiddenField()
    """A one-time value: reloading the page that shows a new token must not create another."""
    submit = SubmitField(_l("Create token"))


ONCE_KEY = "api_token_form_once"


def _fresh_form(formdata: bool = True) -> TokenForm:
    form = TokenForm() if formdata else TokenForm(formdata=None)
    session[ONCE_KEY] = form.once.data = secrets.token_urlsafe(16)
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


@bp.route("/settings/api-tokens", methods=["GET", "POST"])
@login_required
def tokens() -> Response:
    """List the workspace's tokens; owners create new ones (shown once)."""
    me = actor()
    if request.method == "POST":
        me.require_owner()
    if request.method == "GET":
        return _page(_fresh_form(formdata=False))
    form = TokenForm()
    if form.validate_on_submit():
        if not form.once.data or form.once.data != session.pop(ONCE_KEY, None):
            # The form was sent again (e.g. the page with the new token was reloaded).
            flash(_("That form was already used; no second token was created."), "info")
            return redirect(url_for("api.tokens"))
        try:
            issued = api_tokens.create_token(
                current_session(),
                me,
                form.name.data or "",
                form_key=form.once.data,
                ip=client_ip(),
            )
        except Conflict:
            flash(_("That form was already used; no second token was created."), "info")
            return redirect(url_for("api.tokens"))
        except Invalid as exc:
            form.name.errors = [localize(exc)]
            session[ONCE_KEY] = form.once.data
            return _page(form, status=400)
        return _page(_fresh_form(formdata=False), issued)
    if form.once.data:
        session[ONCE_KEY] = form.once.data
    return _page(form, status=400)


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
