"""Two-factor sign-in pages: the code step after the password, enrolment and disabling.

After a correct password a member with a second factor is *not* signed in: the session
only remembers who is half-way (user id, session nonce, time) for five minutes, and the
code page signs them in once the code passes.  Code attempts are rate-limited per
half-signed-in user and per address.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from assessment.db.models import User
from assessment.db.tenancy import unscoped
from assessment.extensions import current_session, limiter
from assessment.services import accounts, mfa
from assessment.services.errors import Conflict, Invalid
from assessment.web.auth import bp
from assessment.web.once import keep_secret, take_secret
from assessment.web.tenancy import client_ip

PENDING = "mfa_pending"
SETUP_SECRET = "mfa_setup_secret"
CODES_KEY = "mfa_recovery_codes"
ENROL_STEP = "enrol"
PENDING_SECONDS = 300
CODE_LIMIT = "5 per minute; 30 per hour"


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )
    submit = SubmitField(_l("Continue"))


class EnrolForm(CodeForm):
    """The code that turns two-factor sign-in on; ``step`` tells a re-sent enrolment form
    (back button, double click) from the form that turns it off."""

    step = HiddenField(default=ENROL_STEP)


def mfa_key() -> bytes:
    """The key that encrypts TOTP secrets, derived from this app's SECRET_KEY."""
    return mfa.derive_key(str(current_app.config["SECRET_KEY"]))


def start_pending(user: User, next_url: str | None) -> None:
    """Remember a correct password while the second factor is asked (not signed in yet)."""
    session.clear()
    session[PENDING] = {
        "uid": user.id,
        "nonce": user.session_nonce,
        "at": int(time.time()),
        "next": next_url or "",
    }


def _pending() -> dict[str, Any] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return pending


def _code_key() -> str:
    """Count code attempts per half-signed-in user (any address) or per address."""
    pending = _pending()
    if pending is not None:
        return f"mfa-user:{pending['uid']}"
    if current_user.is_authenticated:
        return f"mfa-user:{current_user.user_id}"
    return f"mfa-ip:{get_remote_address()}"


def _ip_key() -> str:
    return f"mfa-ip:{get_remote_address()}"


@bp.route("/login/verify", methods=["GET", "POST"])
@limiter.limit(CODE_LIMIT, methods=["POST"], key_func=_code_key)
@limiter.limit("20 per minute", methods=["POST"], key_func=_ip_key)
def mfa_verify() -> str | Response:
    """The second step of signing in: a code from the app or a recovery code."""
    from assessment.web.auth.views import _sign_in, safe_next

    pending = _pending()
    if pending is None:
        session.pop(PENDING, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        with unscoped(current_session()):
            user = current_session().get(User, int(pending["uid"]))
        result = None
        if user is not None and user.session_nonce == pending["nonce"]:
            result = mfa.verify(
                current_session(), user.id, form.code.data or "", mfa_key(), ip=client_ip()
            )
        if user is not None and result is not None:
            _sign_in(user)
            accounts.record_sign_in(current_session(), user, result.method, ip=client_ip())
            if result.method == "recovery":
                left = mfa.recovery_left(current_session(), user.id)
                flash(
                    _("You used a recovery code; %(left)d are left.", left=left),
                    "warning",
                )
            return redirect(safe_next(pending.get("next")) or url_for("dashboard.index"))
        form.code.errors = [_("That code is not valid. Try the next code from your app.")]
    return render_template("web/auth/mfa_verify.html", form=form)


def _qr_svg(uri: str) -> Markup:
    # segno writes the SVG itself (no user text in it): safe to inline.
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


def _no_store(html: str, status: int = 200) -> Response:
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@limiter.limit(CODE_LIMIT, methods=["POST"], key_func=_code_key)
def two_factor() -> Response:
    """Turn two-factor sign-in on (QR code, confirm with a code) or off (needs a code).

    A successful enrolment redirects to the page that shows the recovery codes once."""
    with unscoped(current_session()):
        user = current_session().get(User, current_user.user_id)
    assert user is not None
    if user.mfa_secret is not None:
        if request.method == "POST" and request.form.get("step") == ENROL_STEP:
            # The enrolment form sent again: it is on already, and no new codes are made.
            flash(_("Two-factor sign-in is already on; no new recovery codes were made."), "info")
            return redirect(url_for("auth.two_factor"))
        return _enrolled_page(user, CodeForm())
    form = EnrolForm()
    secret = session.get(SETUP_SECRET) or mfa.new_secret()
    session[SETUP_SECRET] = secret
    if form.validate_on_submit():
        try:
            codes = mfa.enroll(
                current_session(), user.id, secret, form.code.data or "", mfa_key(), ip=client_ip()
            )
        except (Invalid, Conflict) as exc:
            form.code.errors = [_mfa_error(exc)]
        else:
            session.pop(SETUP_SECRET, None)
            # Signing in again picks up the new state (and lifts the enrolment fence).
            from assessment.web.auth.views import _sign_in

            _sign_in(user)  # clears the session: the codes are kept after it
            keep_secret(CODES_KEY, {"user": user.id, "codes": codes})
            return redirect(url_for("auth.recovery_codes"))
    uri = mfa.provisioning_uri(secret, user.email)
    html = render_template(
        "web/auth/mfa_enroll.html",
        form=form,
        secret=secret,
        qr=_qr_svg(uri),
        required=current_user.mfa_required,
    )
    return _no_store(html, 400 if form.errors else 200)


@bp.route("/account/two-factor/recovery-codes")
@login_required
def recovery_codes() -> Response:
    """The recovery codes made at enrolment, shown this once (a reload finds them gone)."""
    kept = take_secret(CODES_KEY)
    codes = kept.get("codes") if kept is not None else None
    if (
        kept is None
        or kept.get("user") != current_user.user_id
        or not isinstance(codes, list)
        or not all(isinstance(c, str) for c in codes)
    ):
        flash(
            _(
                "Recovery codes are shown only once, right after two-factor sign-in is turned "
                "on. If they were lost, turn two-factor sign-in off and set it up again to get "
                "new ones."
            ),
            "info",
        )
        return redirect(url_for("auth.two_factor"))
    return _no_store(render_template("web/auth/mfa_codes.html", codes=codes))


def _enrolled_page(user: User, form: CodeForm) -> Response:
    if form.validate_on_submit():
        try:
            mfa.disable(current_session(), user.id, form.code.data or "", mfa_key(), ip=client_ip())
        except (Invalid, Conflict) as exc:
            form.code.errors = [_mfa_error(exc)]
        else:
            from assessment.web.auth.views import _sign_in

            _sign_in(user)
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("auth.two_factor"))
    html = render_template(
        "web/auth/mfa_enrolled.html",
        form=form,
        left=mfa.recovery_left(current_session(), user.id),
        required=current_user.mfa_required,
    )
    return _no_store(html, 400 if form.errors else 200)


def _mfa_error(exc: Exception) -> str:
    if isinstance(exc, Conflict):
        return _("The second factor cannot be read; ask an owner to reset it.")
    return _("That code is not valid. Try the next code from your app.")
