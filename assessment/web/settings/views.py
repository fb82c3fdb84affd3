"""Branding of the PDF report: firm name, colour, footer text and logo (white-label)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length, Regexp

from assessment.extensions import current_session
from assessment.services.branding import BrandingData, load_workspace, save_branding
from assessment.services.errors import Invalid
from assessment.web.settings import bp
from assessment.web.tenancy import actor


class BrandingForm(FlaskForm):
    """Report branding."""

    firm_name = StringField(_l("Firm name on reports"), validators=[Length(max=120)])
    primary_color = StringField(
        _l("Primary colour"),
        validators=[Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour like #1f4e79."))],
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
                    primary_color=form.primary_color.data or "#1f4e79",
                    footer_text=form.footer_text.data or "",
                    logo=data,
                    logo_filename=upload.filename if upload and upload.filename else "",
                    remove_logo=bool(form.remove_logo.data),
                ),
            )
        except Invalid as exc:
            getattr(form, exc.field or "firm_name").errors = [str(exc)]
        else:
            flash(_("Branding saved."), "success")
            return redirect(url_for("settings.branding"))
    return render_template("web/settings/branding.html", form=form, workspace=workspace)
