"""Live results of an assessment, and starting a self-assessment."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.db.models import Client
from assessment.extensions import current_session
from assessment.services import assessments as svc
from assessment.services.clients import ClientData, create_client
from assessment.services.questionnaires import languages_of, publish_shipped
from assessment.services.respondents import RespondentData, add_respondents
from assessment.web.i18n import LANGUAGES, select_locale
from assessment.web.respond.views import _remember
from assessment.web.results import bp
from assessment.web.tenancy import actor


def radar_svg(q: Questionnaire, results: Results, lang: str) -> Markup | None:
    """Radar of the elements: overall, plus leadership/frontline when neither is suppressed."""
    from reports.charts import Series, radar

    if any(el.score is None for el in results.elements):
        return None
    series = [
        Series(
            _("Overall"),
            tuple(el.score or 0.0 for el in results.elements),
            "#1f4e79",
            fill="#1f4e79",
            width=2.0,
        )
    ]
    if all(el.leadership is not None for el in results.elements):
        series.append(
            Series(
                _("Leadership"),
                tuple(el.leadership or 0.0 for el in results.elements),
                "#b4541a",
                dash="6 3",
            )
        )
    if all(el.frontline is not None for el in results.elements):
        series.append(
            Series(
                _("Frontline"),
                tuple(el.frontline or 0.0 for el in results.elements),
                "#2e7d4f",
                dash="2 2",
            )
        )
    return radar(
        [el.title for el in results.elements],
        series,
        [el.target for el in results.elements],
        {"title": _("Element scores"), "target": _("Target")},
        lang,
    )


@bp.route("/assessments/<int:assessment_id>/results")
@login_required
def show(assessment_id: int) -> str:
    """Overall score, radar, element table, role breakdown, recommendations, explanations."""
    assessment = svc.get_assessment(current_session(), assessment_id)
    lang = select_locale()
    q = svc.questionnaire_of(assessment, lang)
    results = svc.compute_results(current_session(), assessment, lang)
    recs = {r.id: r for el in q.elements for r in el.recommendations}
    return render_template(
        "web/results/show.html",
        assessment=assessment,
        q=q,
        results=results,
        radar=radar_svg(q, results, lang),
        progress=svc.progress_of(current_session(), assessment.id),
        questions=q.questions(),
        recs=recs,
        roles={r.id: r.label for r in q.roles},
        report_languages=languages_of(assessment.questionnaire_version),
    )


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
        name = form.organization.data or ""
        client = current_session().scalar(select(Client).where(Client.name == name))
        if client is None:
            client = create_client(current_session(), me, ClientData(name=name))
        version = publish_shipped(current_session())
        assessment = svc.create_assessment(
            current_session(),
            me,
            client.id,
            version.id,
            svc.AssessmentSettings(title=_("Self-assessment"), language=form.language.data or "en"),
            self_assessment=True,
        )
        svc.set_status(current_session(), me, assessment.id, "open")
        (link,) = add_respondents(
            current_session(),
            me,
            assessment.id,
            [RespondentData(role=form.role.data or "executive", name=current_user.name)],
        )
        _remember(link.respondent)
        return redirect(url_for("respond.intro"))
    return render_template("web/results/self.html", form=form)
