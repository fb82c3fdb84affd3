"""Branding of the PDF report: firm name, colour, footer text and logo (white-label)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from assessment.db.models import MemberRole
from assessment.extensions import current_session
from assessment.services import accounts, member_invites
from assessment.services.actor import Actor
from assessment.services.branding import BrandingData, load_workspace, save_branding
from assessment.services.errors import Conflict, Invalid
from assessment.services.mailer import Mail, SmtpSettings, send_all
from assessment.services.retention import (
    MAX_DAYS,
    RetentionSettings,
    retention_settings,
    save_retention_settings,
)
from assessment.web.messages import localize
from assessment.web.settings import bp
from assessment.web.tenancy import actor, client_ip
from reports.branding import DEFAULT_PRIMARY


class BrandingForm(FlaskForm):
    """Report branding."""

    firm_name = StringField(_l("Firm name on reports"), validators=[Length(max=120)])
    primary_color = StringField(
        _l("Primary colour"),
        validators=[
            Regexp(
                r"^#[0-9a-fA-F]{6}$",
                message=_l("Use a colour like %(example)s.", example=DEFAULT_PRIMARY),
            )
        ],
    )
    footer_text = StringField(_l("Footer text"), validators=[Length(max=200)])
    logo = FileField(_l("Logo (PNG or SVG, up to 512 KB)"))
    remove_logo = BooleanField(_l("Remove the current logo"))
    submit = SubmitField(_l("Save"))


@bp.route("/branding", methods=["GET", "POST"])
@login_required
def branding() -> str | Response:
    """Edit how reports are branded (owners only)."""
    me = actor()
    me.require_owner()
    workspace = load_workspace(current_session(), me)
    form = BrandingForm(obj=workspace)
    if form.validate_on_submit():
        upload = request.files.get("logo")
        data = upload.read(600 * 1024) if upload and upload.filename else None
        try:
            save_branding(
                current_session(),
                me,
                BrandingData(
                    firm_name=form.firm_name.data or "",
                    primary_color=form.primary_color.data or DEFAULT_PRIMARY,
                    footer_text=form.footer_text.data or "",
                    logo=data,
                    logo_filename=upload.filename if upload and upload.filename else "",
                    remove_logo=bool(form.remove_logo.data),
                ),
                ip=client_ip(),
            )
        except Invalid as exc:
            getattr(form, exc.field or "firm_name").errors = [localize(exc)]
        else:
            flash(_("Branding saved."), "success")
            return redirect(url_for("settings.branding"))
    return render_template(
        "web/settings/branding.html", form=form, workspace=workspace, default_colour=DEFAULT_PRIMARY
    )


class InviteForm(FlaskForm):
    """Invite a colleague: they set their own name and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("consultant", _l("Consultant: runs assessments")),
            SelectChoice("viewer", _l("Viewer: read-only")),
            SelectChoice("owner", _l("Owner: also manages members and branding")),
        ],
    )
    submit = SubmitField(_l("Invite"))


@dataclass(frozen=True)
class Invited:
    """The invitation just made, when its link is shown to the owner (no e-mail sent)."""

    email: str
    url: str
    expires_at: datetime
    mail_failed: bool


def invitation_mail(email: str, workspace: str, inviter: str, url: str, expires: datetime) -> Mail:
    """The e-mail that carries a member invitation, in the owner's interface language."""
    return Mail(
        to=email,
        subject=_("Invitation to %(workspace)s on saleshealth", workspace=workspace),
        body=_(
            "Hello,\n\n%(inviter)s invites you to the workspace %(workspace)s on saleshealth, "
            "where your team runs sales organization assessments.\n\n"
            "Open this link to set your name and password (or, if you already use saleshealth "
            "with this address, to sign in and join):\n%(link)s\n\n"
            "The link works until %(date)s and only once.",
            inviter=inviter,
            workspace=workspace,
            link=url,
            date=format_date(expires, format="medium"),
        ),
    )


def _invite(me: Actor, form: InviteForm) -> Invited | None:
    """Make the invitation and e-mail it; the link to show when it was not sent.

    The owner's answer never depends on whether the address has an account elsewhere: the
    service does not look (hostile run, finding 4).
    """
    issued = member_invites.invite(
        current_session(),
        me,
        form.email.data or "",
        MemberRole(form.role.data),
        ip=client_ip(),
    )
    base = str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
    url = base + url_for("auth.invitation", token=issued.token)
    email = issued.info.email
    settings = SmtpSettings.from_config(current_app.config)
    if settings is not None:
        mail = invitation_mail(
            email, issued.workspace_name, current_user.name, url, issued.info.expires_at
        )
        try:
            send_all(settings, [mail])
        except (OSError, smtplib.SMTPException):
            return Invited(email, url, issued.info.expires_at, mail_failed=True)
        flash(_("Invitation sent to %(email)s.", email=email), "success")
        return None
    return Invited(email, url, issued.info.expires_at, mail_failed=False)


@bp.route("/members", methods=["GET", "POST"])
@login_required
def members() -> str | Response:
    """List the workspace's members and invitations, and invite new ones (owners only)."""
    me = actor()
    me.require_owner()
    form = InviteForm()
    invited = None
    if form.validate_on_submit():
        try:
            invited = _invite(me, form)
        except Invalid as exc:
            getattr(form, exc.field or "email").errors = [localize(exc)]
        else:
            if invited is None:
                return redirect(url_for("settings.members"))
            form = InviteForm(formdata=None)
    return render_template(
        "web/settings/members.html",
        form=form,
        members=accounts.list_members(current_session(), me.workspace_id),
        invitations=member_invites.pending_invitations(current_session(), me),
        invited=invited,
        mail_configured=SmtpSettings.from_config(current_app.config) is not None,
        me=me,
    )


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(invitation_id: int) -> Response:
    """Withdraw a pending invitation; its link stops working."""
    me = actor()
    me.require_owner()
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    member_invites.revoke_invitation(current_session(), me, invitation_id, ip=client_ip())
    flash(_("Invitation withdrawn."), "success")
    return redirect(url_for("settings.members"))


@bp.route("/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(user_id: int) -> Response:
    """Remove a member; their sessions end with their account."""
    me = actor()
    me.require_owner()
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    accounts.remove_member(current_session(), me.workspace_id, me.user_id, user_id, ip=client_ip())
    flash(_("Member removed."), "success")
    return redirect(url_for("settings.members"))


def _role_changed(name: str, role: MemberRole) -> str:
    """The success message, one sentence per role (the role's word is inflected)."""
    if role is MemberRole.OWNER:
        return _("%(name)s is now an owner.", name=name)
    if role is MemberRole.CONSULTANT:
        return _("%(name)s is now a consultant.", name=name)
    return _("%(name)s is now a viewer.", name=name)


class RoleForm(FlaskForm):
    """A member's new role (one such form per member on the members page); the service
    checks the value, after it has found the member."""

    role = StringField(_l("Role"))


@bp.route("/members/<int:user_id>/role", methods=["POST"])
@login_required
def change_role(user_id: int) -> Response:
    """Give a member another role; the workspace keeps at least one owner."""
    me = actor()
    me.require_owner()
    form = RoleForm()
    if not form.validate_on_submit():
        raise Invalid("form.expired")
    try:
        change = accounts.change_member_role(
            current_session(), me, user_id, form.role.data or "", ip=client_ip()
        )
    except (Conflict, Invalid) as exc:
        flash(localize(exc), "error")
        return redirect(url_for("settings.members"))
    flash(_role_changed(change.name, change.new), "success")
    if user_id == me.user_id and change.new is not MemberRole.OWNER:
        return redirect(url_for("dashboard.index"))  # the members page is for owners
    return redirect(url_for("settings.members"))


class RetentionForm(FlaskForm):
    """Retention periods; an empty field keeps the data."""

    identities_days = IntegerField(
        _l("Erase respondents' names, e-mails and links this many days after an assessment closes"),
        validators=[Optional(), NumberRange(1, MAX_DAYS)],
    )
    files_days = IntegerField(
        _l("Delete generated PDF reports after this many days"),
        validators=[Optional(), NumberRange(1, MAX_DAYS)],
    )
    audit_days = IntegerField(
        _l("Keep audit entries for this many days"),
        validators=[Optional(), NumberRange(1, MAX_DAYS)],
    )
    submit = SubmitField(_l("Save"))


@bp.route("/privacy", methods=["GET", "POST"])
@login_required
def privacy() -> str | Response:
    """Retention periods of the workspace (owners only)."""
    me = actor()
    me.require_owner()
    current = retention_settings(current_session(), me)
    form = RetentionForm(obj=current)
    if form.validate_on_submit():
        try:
            save_retention_settings(
                current_session(),
                me,
                RetentionSettings(
                    form.identities_days.data, form.files_days.data, form.audit_days.data
                ),
                ip=client_ip(),
            )
        except Invalid as exc:
            getattr(form, exc.field or "identities_days").errors = [localize(exc)]
        else:
            flash(_("Retention periods saved."), "success")
            return redirect(url_for("settings.privacy"))
    return render_template("web/settings/privacy.html", form=form)
