"""Accepting a member invitation, and switching between one's workspaces.

The invitee sets their own name and password on the invitation's page; an address that
already has an account signs in with it and joins (see
:mod:`assessment.services.member_invites`).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from assessment.db.models import User
from assessment.db.tenancy import unscoped
from assessment.extensions import current_session, limiter
from assessment.services import member_invites
from assessment.services.errors import Conflict, Invalid, NotFound
from assessment.web.auth import bp
from assessment.web.messages import localize
from assessment.web.tenancy import client_ip, load_user


class AcceptForm(FlaskForm):
    """A new member's own name and password."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat password"), validators=[EqualTo("password")])
    submit = SubmitField(_l("Join the workspace"))


class JoinForm(FlaskForm):
    """A signed-in user joins the workspace they were invited to."""

    submit = SubmitField(_l("Join the workspace"))


def _user(user_id: int) -> User | None:
    with unscoped(current_session()):
        return current_session().get(User, user_id)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def invitation(token: str) -> str | Response | tuple[str, int]:
    """The invitee's page: set a name and password, or sign in and join."""
    from assessment.web.auth.views import _sign_in

    view = member_invites.view_invitation(current_session(), token)
    if view is None:
        return render_template("web/auth/invitation_invalid.html"), 404
    if view.has_account:
        mine = current_user.is_authenticated and current_user.email == view.email
        join = JoinForm()
        if mine and join.validate_on_submit():
            workspace_id = member_invites.accept_as_member(
                current_session(), token, current_user.user_id, ip=client_ip()
            )
            user = _user(current_user.user_id)
            if user is not None:
                _sign_in(user, workspace_id)
            flash(_("Welcome to %(workspace)s.", workspace=view.workspace_name), "success")
            return redirect(url_for("dashboard.index"))
        return render_template(
            "web/auth/invitation.html", view=view, form=join if mine else None, mode="join"
        )
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            user = member_invites.accept_new_account(
                current_session(),
                token,
                form.name.data or "",
                form.password.data or "",
                ip=client_ip(),
            )
        except Invalid as exc:
            getattr(form, exc.field or "password").errors = [localize(exc)]
        except Conflict:
            return redirect(request.path)  # registered meanwhile: sign in and join
        else:
            _sign_in(user, view.workspace_id)
            flash(_("Welcome to %(workspace)s.", workspace=view.workspace_name), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("web/auth/invitation.html", view=view, form=form, mode="new")


class SwitchForm(FlaskForm):
    """Which of one's workspaces to work in."""

    workspace = IntegerField(validators=[DataRequired()])


@bp.route("/account/workspace", methods=["POST"])
@login_required
def switch_workspace() -> Response:
    """Work in another workspace the user belongs to (the session's key names it)."""
    form = SwitchForm()
    if not form.validate_on_submit():
        raise Invalid("form.expired")
    signed_in = load_user(f"{current_user.user_id}:{current_user.nonce}:{form.workspace.data}")
    if signed_in is None:
        raise NotFound("workspace.not_found")
    login_user(signed_in)
    return redirect(url_for("dashboard.index"))
