"""Views of the auth blueprint."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from assessment.db.models import User
from assessment.db.tenancy import unscoped
from assessment.extensions import current_session, limiter
from assessment.services import accounts
from assessment.services.errors import Conflict, Invalid
from assessment.web.auth import bp
from assessment.web.auth.forms import LoginForm, PasswordForm, SetupForm
from assessment.web.auth.mfa import start_pending
from assessment.web.messages import localize
from assessment.web.tenancy import client_ip, load_user


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> str | Response:
    """First run: create the workspace and its owner."""
    if not accounts.needs_setup(current_session()):
        return redirect(url_for("auth.login"))
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_workspace_with_owner(
                current_session(),
                form.workspace.data or "",
                form.name.data or "",
                form.email.data or "",
                form.password.data or "",
            )
        except Invalid as exc:
            form.password.errors = [localize(exc)]
        except Conflict:
            return redirect(url_for("auth.login"))
        else:
            _sign_in(user)
            flash(_("Welcome! Your workspace is ready."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("web/auth/setup.html", form=form)


def _sign_in(user: User, workspace_id: int | None = None) -> None:
    """Sign ``user`` in, working in ``workspace_id`` (default: their first workspace)."""
    key = f"{user.id}:{user.session_nonce}"
    signed_in = load_user(f"{key}:{workspace_id}" if workspace_id is not None else key)
    if signed_in is not None:
        session.clear()
        login_user(signed_in)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login() -> str | Response:
    """Sign in with e-mail and password."""
    if accounts.needs_setup(current_session()):
        # The very first visit: there is nobody to sign in yet, so the "Please log in"
        # notice queued on the way here would only confuse the setup page.
        session.pop("_flashes", None)
        return redirect(url_for("auth.setup"))
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(
            current_session(), form.email.data or "", form.password.data or "", ip=client_ip()
        )
        if user is None:
            form.password.errors = [_("E-mail or password is wrong.")]
        elif user.mfa_secret is not None:
            # Not signed in yet: the code page finishes the sign-in.
            start_pending(user, safe_next(request.args.get("next")))
            return redirect(url_for("auth.mfa_verify"))
        else:
            _sign_in(user)
            accounts.record_sign_in(current_session(), user, "password", ip=client_ip())
            return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
    return render_template("web/auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out everywhere: the server forgets the session, not just this browser."""
    with unscoped(current_session()):
        user = current_session().get(User, current_user.user_id)
    if user is not None:
        accounts.end_sessions(current_session(), user)
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    """Change the password; other sessions of this user stop working."""
    form = PasswordForm()
    if form.validate_on_submit():
        with unscoped(current_session()):
            user = current_session().get(User, current_user.user_id)
        assert user is not None
        try:
            accounts.change_password(
                current_session(), user, form.current.data or "", form.password.data or ""
            )
        except Invalid as exc:
            getattr(form, exc.field or "password").errors = [localize(exc)]
        else:
            _sign_in(user)
            flash(_("Password changed. Other sessions have been signed out."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("web/auth/password.html", form=form)


@bp.route("/language", methods=["POST"])
def language() -> Response:
    """Switch the interface language (kept in the session)."""
    from assessment.web.i18n import LANGUAGES

    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["ui_lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("dashboard.index"))
