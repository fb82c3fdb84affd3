"""Assessment pages: create, overview, settings and status (respondents: ``people``)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from assessment.core.roadmap import DEFAULT_PER_PHASE
from assessment.db.models import Assessment, QuestionnaireVersion
from assessment.extensions import current_session
from assessment.services import assessments as svc
from assessment.services.clients import list_clients
from assessment.services.errors import Invalid
from assessment.services.listing import RESPONDENT_SORTS
from assessment.services.mailer import SmtpSettings
from assessment.services.questionnaires import available_versions, languages_of
from assessment.web.assessments import bp
from assessment.web.assessments.forms import (
    ActionForm,
    AssessmentForm,
    BulkRespondentsForm,
    RespondentForm,
)
from assessment.web.assessments.page import STATES, assessment_page
from assessment.web.i18n import LANGUAGES, select_locale, shown_model
from assessment.web.messages import localize
from assessment.web.pagination import list_query
from assessment.web.tenancy import actor, client_ip


def _settings(
    form: AssessmentForm, assessment: Assessment | None, version_id: int
) -> svc.AssessmentSettings:
    version = next(v for v in available_versions(current_session()) if v.id == version_id)
    q = shown_model(version)
    return svc.AssessmentSettings(
        title=form.title.data or "",
        language=form.language.data or "en",
        min_group_size=form.min_group_size.data or 3,
        roadmap_per_phase=form.roadmap_per_phase.data or DEFAULT_PER_PHASE,
        overrides=svc.parse_overrides(form.overrides.data or "", q),
    )


def _version_choice(version: QuestionnaireVersion) -> SelectChoice:
    """A questionnaire version as the form offers it: its title in the viewer's language."""
    return SelectChoice(
        version.id, f"{shown_model(version).title} ({version.qid} {version.version})"
    )


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in LANGUAGES.items()]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    """Create an assessment for a client."""
    actor().require_editor()
    form = AssessmentForm()
    clients = list_clients(current_session())
    if not clients:
        flash(_("Add a client first."), "info")
        return redirect(url_for("clients.new"))
    form.client_id.choices = [SelectChoice(c.id, c.name) for c in clients]
    versions = available_versions(current_session())
    form.questionnaire.choices = [_version_choice(v) for v in versions]
    form.language.choices = _language_choices()
    if request.method == "GET":
        form.client_id.data = request.args.get("client_id", type=int) or clients[0].id
    if form.validate_on_submit():
        try:
            assessment = svc.create_assessment(
                current_session(),
                actor(),
                form.client_id.data,
                form.questionnaire.data,
                _settings(form, None, form.questionnaire.data),
            )
        except Invalid as exc:
            # One error per line: every bad override line is listed at once.
            getattr(form, exc.field or "title", form.title).errors = localize(exc).splitlines()
        else:
            flash(_("Assessment created. Add respondents, then open it for answers."), "success")
            return redirect(url_for("assessments.show", assessment_id=assessment.id))
    return render_template(
        "web/assessments/new.html",
        form=form,
        questionnaires=[(_version_choice(v).label, shown_model(v)) for v in versions],
        cancel_client=request.args.get("client_id", type=int),
    )


@bp.route("/<int:assessment_id>")
@login_required
def show(assessment_id: int) -> str:
    """Overview: status, progress per role, respondents (filterable by state) and links."""
    return render_show(assessment_id)


def render_show(
    assessment_id: int,
    form: RespondentForm | None = None,
    bulk: BulkRespondentsForm | None = None,
) -> str:
    """The assessment page; the add forms are passed in when they come back with errors."""
    assessment = svc.get_assessment(current_session(), assessment_id)
    state = request.args.get("state", "")
    state = state if state in STATES else ""
    page = assessment_page(
        current_session(),
        assessment,
        select_locale(),
        can_edit=current_user.can_edit,
        smtp=SmtpSettings.from_config(current_app.config) is not None,
        state=state,
        query=list_query(RESPONDENT_SORTS, {"state": state}),
    )
    form = form or RespondentForm(formdata=None)
    form.role.choices = [SelectChoice(r.id, r.label) for r in page.q.roles]
    return render_template(
        "web/assessments/show.html",
        page=page,
        form=form,
        bulk=bulk or BulkRespondentsForm(formdata=None),
        action=ActionForm(),
    )


@bp.route("/<int:assessment_id>/settings", methods=["GET", "POST"])
@login_required
def settings(assessment_id: int) -> str | Response:
    """Edit title, language, minimum group size and element overrides."""
    actor().require_editor()
    assessment = svc.get_assessment(current_session(), assessment_id)
    form = AssessmentForm(obj=assessment)
    form.client_id.choices = [SelectChoice(assessment.client_id, assessment.client.name)]
    version = assessment.questionnaire_version
    form.questionnaire.choices = [_version_choice(version)]
    form.language.choices = [
        SelectChoice(lang, LANGUAGES.get(lang, lang)) for lang in languages_of(version)
    ]
    if request.method == "GET":
        form.client_id.data = assessment.client_id
        form.questionnaire.data = version.id
        form.overrides.data = "\n".join(
            f"{eid}: " + " ".join(f"{k}={v:g}" for k, v in values.items())
            for eid, values in (assessment.overrides or {}).items()
        )
    if form.validate_on_submit():
        try:
            svc.update_settings(
                current_session(), actor(), assessment_id, _settings(form, assessment, version.id)
            )
        except Invalid as exc:
            getattr(form, exc.field or "title", form.overrides).errors = localize(exc).splitlines()
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("assessments.show", assessment_id=assessment_id))
    return render_template(
        "web/assessments/settings.html", form=form, assessment=assessment, q=shown_model(version)
    )


@bp.route("/<int:assessment_id>/status", methods=["POST"])
@login_required
def status(assessment_id: int) -> Response:
    """Open, close, reopen or return to draft."""
    form = ActionForm()
    if not form.validate_on_submit():
        raise Invalid("form.expired")
    target = request.form.get("status", "")
    svc.set_status(current_session(), actor(), assessment_id, target, ip=client_ip())
    if target == "closed":
        # Imported here: assessment.web.reports imports this package (its page object reads
        # AssessmentHeader), so a module-level import is circular when reports loads first.
        from assessment.web.reports.views import prerender_closed

        prerender_closed(assessment_id)  # the first download after closing is instant
    messages = {
        "open": _("The assessment is open: respondents can answer."),
        "closed": _("The assessment is closed: answers are frozen."),
        "draft": _("The assessment is back in draft."),
    }
    if target in messages:
        flash(messages[target], "success")
    return redirect(url_for("assessments.show", assessment_id=assessment_id))
