"""Creating and revoking a client's share links (owners and consultants)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange

from assessment.extensions import current_session
from assessment.services import share_links as svc
from assessment.services.clients import get_client
from assessment.services.errors import Invalid
from assessment.web.messages import localize
from assessment.web.once import give_back_once, issue_once, keep_secret, take_once, take_secret
from assessment.web.sharing import bp
from assessment.web.tenancy import actor, client_ip


class ShareLinkForm(FlaskForm):
    """A new share link: for whom, its password and how long it lasts."""

    label = StringField(
        _l("Who is it for? (shown only to your team)"),
        validators=[Length(max=svc.MAX_LABEL)],
    )
    password = PasswordField(
        _l("Password for the guest (at least 10 characters)"),
        validators=[DataRequired(), Length(min=10, max=200)],
    )
    confirm = PasswordField(_l("Repeat password"), validators=[EqualTo("password")])
    days = IntegerField(
        _l("Valid for (days, at most %(max)d)", max=svc.MAX_DAYS),
        default=svc.DEFAULT_DAYS,
        validators=[DataRequired(), NumberRange(1, svc.MAX_DAYS)],
    )
    once = HiddenField()
    """A one-time value: the same form sent twice creates one link."""
    submit = SubmitField(_l("Create the link"))


FORM_KEY = "share_link_form"
CREATED_KEY = "share_link_created"


def _base_url() -> str:
    return str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


@bp.route("/clients/<int:client_id>/share-links/new", methods=["GET", "POST"])
@login_required
def new(client_id: int) -> str | Response:
    """Create a share link, then redirect to the page that shows its address once."""
    client = get_client(current_session(), client_id)
    me = actor()
    me.require_editor()
    form = ShareLinkForm()
    if not form.is_submitted():
        form.once.data = issue_once(FORM_KEY)
    elif form.validate():
        if not take_once(FORM_KEY, form.once.data):
            # The form was sent again (back button, double click): one link is enough.
            flash(_("That form was already used; no second share link was created."), "info")
            return redirect(url_for("clients.show", client_id=client.id, _anchor="sharing"))
        try:
            issued = svc.create_link(
                current_session(),
                me,
                client_id,
                form.label.data or "",
                form.password.data or "",
                form.days.data or svc.DEFAULT_DAYS,
                ip=client_ip(),
            )
        except Invalid as exc:
            give_back_once(FORM_KEY, form.once.data)
            getattr(form, exc.field or "password").errors = [localize(exc)]
        else:
            url = f"{_base_url()}{url_for('guest.enter', token=issued.token)}"
            keep_secret(CREATED_KEY, {"client": client.id, "link": issued.info.id, "url": url})
            return redirect(url_for("sharing.created", client_id=client.id, link_id=issued.info.id))
    return render_template(
        "web/sharing/new.html", client_id=client.id, client_name=client.name, form=form
    )


@bp.route("/clients/<int:client_id>/share-links/<int:link_id>/created")
@login_required
def created(client_id: int, link_id: int) -> Response:
    """The new link's address, shown this once (a reload finds it gone)."""
    client = get_client(current_session(), client_id)
    actor().require_editor()
    kept = take_secret(CREATED_KEY)
    link = next((x for x in svc.list_links(current_session(), client.id) if x.id == link_id), None)
    if kept is None or (kept.get("client"), kept.get("link")) != (client.id, link_id) or not link:
        flash(
            _(
                "A share link's address is shown only once, right after it is created. "
                "If it was lost, revoke the link and create a new one."
            ),
            "info",
        )
        return redirect(url_for("clients.show", client_id=client.id, _anchor="sharing"))
    html = render_template(
        "web/sharing/created.html",
        client_id=client.id,
        client_name=client.name,
        link=link,
        url=str(kept.get("url", "")),
    )
    response = Response(html, mimetype="text/html")
    # The page holds the only copy of the address: no cache keeps it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/clients/<int:client_id>/share-links/<int:link_id>/revoke", methods=["POST"])
@login_required
def revoke(client_id: int, link_id: int) -> Response:
    """Revoke a link: its guests are out at their next click."""
    get_client(current_session(), client_id)
    me = actor()
    me.require_editor()
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    svc.revoke_link(current_session(), me, client_id, link_id, ip=client_ip())
    flash(_("The share link was revoked."), "success")
    return redirect(url_for("clients.show", client_id=client_id) + "#sharing")
