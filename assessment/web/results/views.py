"""Live results of an assessment, and starting a self-assessment."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from assessment.extensions import current_session
from assessment.services import assessments as svc
from assessment.services.errors import Invalid
from assessment.services.questionnaires import STANDARD_ID
from assessment.services.self_assessment import (
    SelfAssessmentRequest,
    choices,
    grow_into_full,
    start_self_assessment,
)
from assessment.web.i18n import LANGUAGES, select_locale
from assessment.web.messages import localize
from assessment.web.respond.views import remember_respondent
from assessment.web.results import bp
from assessment.web.results.page import GrowForm, results_page
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

    questionnaire = RadioField(_l("Questionnaire"), validators=[Optional()])
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
    offered = choices(select_locale())
    form.questionnaire.choices = [SelectChoice(c.id, c.title) for c in offered]
    if request.method == "GET":
        form.organization.data = current_user.workspace_name
        form.language.data = select_locale()
        form.questionnaire.data = offered[0].id if offered else ""
    if form.validate_on_submit():
        quick = next((c for c in offered if c.id == form.questionnaire.data), None)
        try:
            started = start_self_assessment(
                current_session(),
                me,
                SelfAssessmentRequest(
                    organization=form.organization.data or "",
                    # Not "Self-assessment": lists show that as a tag beside the title already.
                    title=(
                        _("Quick check")
                        if quick and quick.quick_check
                        else _(
                            "Own view of %(name)s, %(date)s",
                            name=current_user.name,
                            date=format_date(datetime.now(UTC), "medium"),
                        )[:200]
                    ),
                    language=form.language.data or "en",
                    role=form.role.data or "executive",
                    respondent_name=current_user.name,
                    # A post without a choice (not from this page) gets the standard one.
                    questionnaire=form.questionnaire.data or STANDARD_ID,
                ),
            )
        except Invalid as exc:
            getattr(form, exc.field or "organization", form.organization).errors = [localize(exc)]
        else:
            remember_respondent(started.respondent)
            return redirect(url_for("respond.intro"))
    return render_template("web/results/self.html", form=form, offered=offered)


@bp.route("/assessments/<int:assessment_id>/grow", methods=["POST"])
@login_required
def grow(assessment_id: int) -> Response:
    """Create the draft team assessment a submitted quick check grows into."""
    actor().require_editor()
    svc.get_assessment(current_session(), assessment_id)  # 404 before anything else
    form = GrowForm()
    if not form.validate_on_submit():
        raise Invalid("form.expired")
    grown = grow_into_full(current_session(), actor(), assessment_id, form.title.data or "")
    if grown.leader is not None:
        flash(
            _(
                "Team assessment created with you as its first respondent. Add your team, "
                "then open it for answers."
            ),
            "success",
        )
    return redirect(url_for("assessments.show", assessment_id=grown.assessment.id))
