"""Assessment pages: create, overview, settings, status, respondents and links."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from assessment.db.base import utcnow
from assessment.db.models import Assessment
from assessment.extensions import current_session
from assessment.services import assessments as svc
from assessment.services import respondents as people
from assessment.services.clients import list_clients
from assessment.services.errors import Invalid
from assessment.services.mailer import Mail, SmtpSettings, send_all
from assessment.services.questionnaires import available_versions, languages_of, model_of
from assessment.web.assessments import bp
from assessment.web.assessments.forms import (
    ActionForm,
    AssessmentForm,
    BulkRespondentsForm,
    RespondentForm,
)
from assessment.web.i18n import LANGUAGES
from assessment.web.tenancy import actor


def _base_url() -> str:
    return str(current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def _settings(
    form: AssessmentForm, assessment: Assessment | None, version_id: int
) -> svc.AssessmentSettings:
    version = next(v for v in available_versions(current_session()) if v.id == version_id)
    q = model_of(version)
    return svc.AssessmentSettings(
        title=form.title.data or "",
        language=form.language.data or "en",
        min_group_size=form.min_group_size.data or 3,
        overrides=svc.parse_overrides(form.overrides.data or "", q),
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
    form.questionnaire.choices = [
        SelectChoice(v.id, f"{v.title} ({v.qid} {v.version})") for v in versions
    ]
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
            getattr(form, exc.field or "title", form.title).errors = [str(exc)]
        else:
            flash(_("Assessment created. Add respondents, then open it for answers."), "success")
            return redirect(url_for("assessments.show", assessment_id=assessment.id))
    return render_template("web/assessments/new.html", form=form)


@bp.route("/<int:assessment_id>")
@login_required
def show(assessment_id: int) -> str:
    """Overview: status, progress per role, respondents and their links."""
    assessment = svc.get_assessment(current_session(), assessment_id)
    q = svc.questionnaire_of(assessment)
    form = RespondentForm()
    form.role.choices = [SelectChoice(r.id, r.label) for r in q.roles]
    return render_template(
        "web/assessments/show.html",
        assessment=assessment,
        q=q,
        progress=svc.progress_of(current_session(), assessment.id),
        respondents=people.list_respondents(current_session(), assessment.id),
        form=form,
        bulk=BulkRespondentsForm(),
        action=ActionForm(),
        smtp=SmtpSettings.from_config(current_app.config) is not None,
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
    form.questionnaire.choices = [
        SelectChoice(version.id, f"{version.title} ({version.qid} {version.version})")
    ]
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
            getattr(form, exc.field or "title", form.overrides).errors = [str(exc)]
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("assessments.show", assessment_id=assessment_id))
    return render_template(
        "web/assessments/settings.html", form=form, assessment=assessment, q=model_of(version)
    )


@bp.route("/<int:assessment_id>/status", methods=["POST"])
@login_required
def status(assessment_id: int) -> Response:
    """Open, close, reopen or return to draft."""
    form = ActionForm()
    if not form.validate_on_submit():
        raise Invalid(_("The form expired. Please try again."))
    svc.set_status(current_session(), actor(), assessment_id, request.form.get("status", ""))
    return redirect(url_for("assessments.show", assessment_id=assessment_id))


@bp.app_template_filter("role_label")
def role_label(assessment: Assessment, role_id: str) -> str:
    """The label of a role of the assessment's questionnaire (the id if it has none)."""
    q = svc.questionnaire_of(assessment)
    return next((r.label for r in q.roles if r.id == role_id), role_id)


def _links_page(assessment_id: int, issued: list[people.IssuedLink], title: str) -> str:
    assessment = svc.get_assessment(current_session(), assessment_id)
    base = _base_url()
    return render_template(
        "web/assessments/links.html",
        assessment=assessment,
        issued=issued,
        base=base,
        csv_text=people.links_csv(issued, base),
        title=title,
    )


@bp.route("/<int:assessment_id>/respondents", methods=["POST"])
@login_required
def add_respondent(assessment_id: int) -> str | Response:
    """Add one respondent and show their new link."""
    assessment = svc.get_assessment(current_session(), assessment_id)
    actor().require_editor()
    q = svc.questionnaire_of(assessment)
    form = RespondentForm()
    form.role.choices = [SelectChoice(r.id, r.label) for r in q.roles]
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            flash(f"{field}: {'; '.join(map(str, errors))}", "error")
        return redirect(url_for("assessments.show", assessment_id=assessment_id))
    issued = people.add_respondents(
        current_session(),
        actor(),
        assessment_id,
        [
            people.RespondentData(
                role=form.role.data or "",
                name=form.name.data or "",
                email=form.email.data or "",
                team=form.team.data or "",
            )
        ],
    )
    return _links_page(assessment_id, issued, _("New respondent link"))


@bp.route("/<int:assessment_id>/respondents/bulk", methods=["POST"])
@login_required
def add_bulk(assessment_id: int) -> str | Response:
    """Add a pasted or uploaded list of respondents (all or none)."""
    assessment = svc.get_assessment(current_session(), assessment_id)
    actor().require_editor()
    q = svc.questionnaire_of(assessment)
    form = BulkRespondentsForm()
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            flash(f"{field}: {'; '.join(map(str, errors))}", "error")
        return redirect(url_for("assessments.show", assessment_id=assessment_id))
    text = form.people.data or ""
    if form.upload.data:
        raw = form.upload.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            flash(_("The uploaded file is not UTF-8 text."), "error")
            return redirect(url_for("assessments.show", assessment_id=assessment_id))
    try:
        parsed = people.parse_people(text, list(q.role_ids), {r.id: r.label for r in q.roles})
        issued = people.add_respondents(current_session(), actor(), assessment_id, parsed)
    except Invalid as exc:
        flash(_("Nothing was added:") + "\n" + str(exc), "error")
        return redirect(url_for("assessments.show", assessment_id=assessment_id))
    return _links_page(assessment_id, issued, _("New respondent links"))


@bp.route("/<int:assessment_id>/respondents/<int:respondent_id>/reissue", methods=["POST"])
@login_required
def reissue(assessment_id: int, respondent_id: int) -> str:
    """Issue a new link for one respondent (the old one stops working)."""
    if not ActionForm().validate_on_submit():
        raise Invalid(_("The form expired. Please try again."))
    issued = people.reissue_links(current_session(), actor(), assessment_id, [respondent_id])
    return _links_page(assessment_id, issued, _("New link"))


@bp.route("/<int:assessment_id>/respondents/<int:respondent_id>/revoke", methods=["POST"])
@login_required
def revoke(assessment_id: int, respondent_id: int) -> Response:
    """Make a respondent's link stop working."""
    if not ActionForm().validate_on_submit():
        raise Invalid(_("The form expired. Please try again."))
    people.revoke_link(current_session(), actor(), assessment_id, respondent_id)
    flash(_("Link revoked. Answers already saved are kept."), "success")
    return redirect(url_for("assessments.show", assessment_id=assessment_id))


@bp.route("/<int:assessment_id>/links", methods=["POST"])
@login_required
def links(assessment_id: int) -> str:
    """New links for everyone who has not submitted, as a list and CSV."""
    if not ActionForm().validate_on_submit():
        raise Invalid(_("The form expired. Please try again."))
    issued = people.reissue_links(current_session(), actor(), assessment_id)
    return _links_page(assessment_id, issued, _("Links for everyone who has not submitted"))


@bp.route("/<int:assessment_id>/invite", methods=["POST"])
@login_required
def invite(assessment_id: int) -> Response:
    """E-mail a fresh link to everyone with an address who has not submitted."""
    if not ActionForm().validate_on_submit():
        raise Invalid(_("The form expired. Please try again."))
    # Existence and permission first: the answer must not depend on the mail set-up.
    assessment = svc.get_assessment(current_session(), assessment_id)
    actor().require_editor()
    settings = SmtpSettings.from_config(current_app.config)
    if settings is None:
        flash(_("E-mail is not configured; copy the links instead."), "error")
        return redirect(url_for("assessments.show", assessment_id=assessment_id))
    targets = [
        r.id
        for r in people.list_respondents(current_session(), assessment_id)
        if r.email and not r.submitted_at
    ]
    if not targets:
        flash(_("Nobody to invite: add e-mail addresses first."), "info")
        return redirect(url_for("assessments.show", assessment_id=assessment_id))
    issued = people.reissue_links(current_session(), actor(), assessment_id, targets)
    base = _base_url()
    mails = [
        Mail(
            to=link.respondent.email,
            subject=_("Your input: %(title)s", title=assessment.title),
            body=_(
                "Hello %(name)s,\n\nyou are invited to a short assessment of our sales "
                "organization (%(title)s). Your individual answers are confidential.\n\n"
                "Your personal link: %(link)s\n\nThank you!",
                name=link.respondent.name or "",
                title=assessment.title,
                link=f"{base}/r/{link.token}",
            ),
        )
        for link in issued
    ]
    sent = send_all(settings, mails)
    from assessment.db import write_transaction

    with write_transaction(current_session()):
        now = utcnow()
        for link in issued:
            if link.respondent.invited_at is None:
                link.respondent.invited_at = now
            else:
                link.respondent.reminded_at = now
    flash(_("%(n)d invitation(s) sent.", n=sent), "success")
    return redirect(url_for("assessments.show", assessment_id=assessment_id))
