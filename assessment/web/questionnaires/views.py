"""Questionnaire pages: list, detail, YAML download, upload, clone, YAML editor, publish.

Every path that creates a version ends on the same preview page, which carries the checked
YAML in a hidden field; publishing validates it again, so nothing unchecked is stored.
"""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from assessment.core.loader import QuestionnaireError
from assessment.core.qtypes import question_type, type_names
from assessment.db.models import QuestionnaireVersion
from assessment.extensions import current_session
from assessment.services import questionnaires as svc
from assessment.services.errors import Conflict
from assessment.web.i18n import LANGUAGES, shown_model
from assessment.web.questionnaires import bp
from assessment.web.questionnaires.forms import (
    EditorForm,
    PublishForm,
    UploadForm,
    clone_form_class,
)
from assessment.web.tenancy import actor


def _type_labels() -> dict[str, str]:
    """Question types in words, in the page's language (never the YAML name)."""
    return {name: _(question_type(name).label) for name in type_names()}


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.route("/")
@login_required
def index() -> str:
    """Shipped and workspace versions with their size, languages and use."""
    session = current_session()
    versions = svc.available_versions(session)
    return render_template(
        "web/questionnaires/index.html",
        rows=[(v, shown_model(v), svc.languages_of(v)) for v in versions],
        usage=svc.usage_counts(session),
        upload=UploadForm(),
        languages=LANGUAGES,
    )


@bp.route("/<int:version_id>")
@login_required
def show(version_id: int) -> str:
    """One version: elements with weights and targets, and every question."""
    version = svc.get_version(current_session(), version_id)
    return render_template(
        "web/questionnaires/show.html",
        version=version,
        q=shown_model(version),
        type_labels=_type_labels(),
        languages=svc.languages_of(version),
        used=svc.usage_counts(current_session()).get(version.id, 0),
    )


@bp.route("/<int:version_id>/yaml")
@login_required
def download(version_id: int) -> FlaskResponse:
    """The version as one self-contained YAML file, a starting point for authors."""
    version = svc.get_version(current_session(), version_id)
    name = secure_filename(f"{version.qid}-{version.version}.yaml") or "questionnaire.yaml"
    return FlaskResponse(
        svc.yaml_of(version),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/upload", methods=["GET", "POST"])
@login_required
def upload() -> str | Response:
    """Upload a questionnaire file (owners): every problem, or the preview."""
    actor().require_owner()
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        file = request.files["file"]
        data = file.read(svc.MAX_UPLOAD_BYTES + 1)
        result = svc.validate_upload(data, file.filename or "", tuple(LANGUAGES))
        if isinstance(result, svc.Draft):
            return _preview(result, None)
        problems = result
    return render_template("web/questionnaires/upload.html", form=form, problems=problems)


@bp.route("/<int:version_id>/clone", methods=["GET", "POST"])
@login_required
def clone(version_id: int) -> str | Response:
    """A new version with another id/version/title and changed element weights and targets."""
    me = actor()
    me.require_owner()
    session = current_session()
    source = svc.get_version(session, version_id)
    q = shown_model(source)  # the same elements in the same order in every language
    form = clone_form_class(q)()
    if request.method == "GET":
        form.qid.data, form.version.data = svc.suggest_identity(session, source)
        form.title.data = source.title  # the copy's own name, in the language it is written in
        for i, el in enumerate(q.elements):
            form[f"weight_{i}"].data = el.weight
            form[f"target_{i}"].data = el.target
    problems: list[str] = []
    if form.validate_on_submit():
        changes = svc.CloneChanges(
            qid=form.qid.data or "",
            version=form.version.data or "",
            title=form.title.data or "",
            elements={
                el.id: (float(form[f"weight_{i}"].data), float(form[f"target_{i}"].data))
                for i, el in enumerate(q.elements)
            },
        )
        result = svc.clone_with_changes(session, me, source.id, changes, tuple(LANGUAGES))
        if isinstance(result, svc.Draft):
            return _preview(result, source)
        problems = result
    return render_template(
        "web/questionnaires/clone.html", form=form, source=source, q=q, problems=problems
    )


@bp.route("/write", methods=["GET", "POST"], defaults={"version_id": None})
@bp.route("/<int:version_id>/edit", methods=["GET", "POST"])
@login_required
def edit(version_id: int | None) -> str | Response:
    """Edit a copy of a version as YAML (questions, texts, anything); checked on submit.

    Without a version the editor starts empty, for pasting a questionnaire.
    """
    actor().require_owner()
    session = current_session()
    source = svc.get_version(session, version_id) if version_id is not None else None
    form = EditorForm()
    problems: list[str] = []
    if request.method == "GET" and source is not None:
        form.source.data = svc.yaml_for_clone(session, source)
    if request.form.get("fix"):
        form.validate_on_submit()  # back from the preview: show the text, check it on submit
        form.source.errors = []
    elif form.validate_on_submit():
        name = f"{source.qid}-{source.version}.yaml" if source else "questionnaire.yaml"
        result = svc.validate_text(form.source.data or "", name, tuple(LANGUAGES))
        if isinstance(result, svc.Draft):
            return _preview(result, source)
        problems = result
    return render_template(
        "web/questionnaires/edit.html",
        form=form,
        source=source,
        source_title=_title(source),
        problems=problems,
    )


def _title(version: QuestionnaireVersion | None) -> str:
    """A version's title in the viewer's language (empty without a version)."""
    return shown_model(version).title if version is not None else ""


def _preview(draft: svc.Draft, source: QuestionnaireVersion | None) -> str:
    """The checked questionnaire with what publishing it would do."""
    session = current_session()
    form = PublishForm()
    form.source.data = draft.text
    form.name.data = draft.name
    form.based_on.data = str(source.id) if source else ""
    return render_template(
        "web/questionnaires/preview.html",
        form=form,
        q=draft.model,
        type_labels=_type_labels(),
        source=source,
        source_title=_title(source),
        existing=svc.existing_copy(session, draft.model),
        refusals=svc.publish_problems(session, draft.model),
    )


@bp.route("/publish", methods=["POST"])
@login_required
def publish() -> str | Response:
    """Publish the previewed questionnaire as an immutable version of this workspace."""
    me = actor()
    me.require_owner()
    session = current_session()
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please check the questionnaire again."), "error")
        return redirect(url_for("questionnaires.index"))
    based_on = _int_or_none(form.based_on.data)
    source = svc.get_version(session, based_on) if based_on is not None else None
    name = svc.display_name(form.name.data)
    result = svc.validate_text(form.source.data or "", name, tuple(LANGUAGES))
    if not isinstance(result, svc.Draft):
        editor = EditorForm(formdata=None, source=form.source.data)
        return render_template(
            "web/questionnaires/edit.html",
            form=editor,
            source=source,
            source_title=_title(source),
            problems=result,
        )
    try:
        outcome = svc.publish_custom(
            session, me, result.document, name=name, based_on_id=source.id if source else None
        )
    except (Conflict, QuestionnaireError):
        return _preview(result, source)
    version = outcome.version
    if outcome.created:
        flash(
            _("Published %(title)s %(version)s.", title=_title(version), version=version.version),
            "success",
        )
    else:
        flash(
            _(
                "This exact content is already published as %(title)s %(version)s; "
                "nothing new was stored.",
                title=_title(version),
                version=version.version,
            ),
            "info",
        )
    return redirect(url_for("questionnaires.show", version_id=version.id))
