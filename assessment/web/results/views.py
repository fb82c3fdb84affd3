"""Live results of an assessment, and starting a self-assessment."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from assessment.extensions import current_session
from assessment.services import assessments as svc
from assessment.services.self_assessment import SelfAssessmentRequest, start_self_assessment
from assessment.web.i18n import LANGUAGES, select_locale
from assessment.web.respond.views import remember_respondent
from assessment.web.results import bp
from assessment.web.results.page import results_page
from assessment.web.tenancy import actor


@bp.route("/assessments/<int:assessment_id>/results")
@login_required
def show(assessment_id: int) -> str:
    """Overall score, radar, element table, role breakdown, recommendations, explanations."""
    assessment = svc.get_assessment(current_session(), assessment_id)
    page = results_page(
        current_session(),
        assessment,
        select_locale(),
        industry=request.args.get("industry", "")[:100],
        size_band=request.args.get("size_band", "")[:20],
        can_edit=current_user.can_edit,
        team=request.args.get("team", "")[:100],
    )
    return render_template("web/results/show.html", page=page)


class SelfAssessmentForm(FlaskForm):
    """Start a self-assessment."""

    organization = StringField(
        _l("Your organization"), validators=[DataRequired(), Length(max=200)]
    )
    role = SelectField(
        _l("Your role"),
        choices=[
            SelectChoice("executive", _l("Executive / sales director")),
            SelectChoice("sales_manager", _l("Sales manager")),
        ],
    )
    language = SelectField(
        _l("Language"), choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()]
    )
    submit = SubmitField(_l("Start my self-assessment"))


@bp.route("/self-assessment", methods=["GET", "POST"])
@login_required
def self_assessment() -> str | Response:
    """'Assess my own organization': one sitting, the leader as the only respondent."""
    me = actor()
    me.require_editor()
    form = SelfAssessmentForm()
    if request.method == "GET":
        form.organization.data = current_user.workspace_name
        form.language.data = select_locale()
    if form.validate_on_submit():
        started = start_self_assessment(
            current_session(),
            me,
            SelfAssessmentRequest(
                organization=form.organization.data or "",
                title=_("Self-assessment"),
                language=form.language.data or "en",
                role=form.role.data or "executive",
                respondent_name=current_user.name,
            ),
        )
        remember_respondent(started.respondent)
        return redirect(url_for("respond.intro"))
    return render_template("web/results/self.html", form=form)
