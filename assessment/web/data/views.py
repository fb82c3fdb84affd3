"""Export downloads and the answers import page."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from assessment.extensions import current_session
from assessment.io.imported import IMPORT_MAX_BYTES
from assessment.io.wide_answers import MAPPING_MAX_BYTES
from assessment.services import data_exchange as svc
from assessment.services.assessments import get_assessment
from assessment.services.errors import Conflict
from assessment.web.data import bp
from assessment.web.data.forms import ExportForm, ImportForm
from assessment.web.i18n import shown_questionnaire
from assessment.web.tenancy import actor, client_ip

MAX_SHOWN_PROBLEMS = 1000
SHOWN_CODES = 50
SHOWN_COLUMNS = 20
REPORT_KEY = "import_report"
"""Where the POST leaves what it imported for the page it redirects to (shown once)."""


def download(file: svc.ExportFile) -> Response:
    """A generated file as an attachment that no cache keeps."""
    return Response(
        file.content,
        content_type=file.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _export_page(assessment_id: int, form: ExportForm, status: int = 200) -> tuple[str, int]:
    assessment = get_assessment(current_session(), assessment_id)
    return render_template("web/data/export.html", assessment=assessment, form=form), status


@bp.route("/assessments/<int:assessment_id>/data")
@login_required
def export_page(assessment_id: int) -> tuple[str, int]:
    """Choose what to export."""
    return _export_page(assessment_id, ExportForm())


@bp.route("/assessments/<int:assessment_id>/data/export", methods=["POST"])
@login_required
def export(assessment_id: int) -> Response | tuple[str, int]:
    """Download the responses; identified only for editors who confirmed it."""
    form = ExportForm()
    identified = form.identity.data == "identified"
    if identified:
        actor().require_editor()
    if not form.validate_on_submit():
        return _export_page(assessment_id, form, 400)
    if identified and not form.confirm.data:
        form.confirm.errors = [_("Confirm that you need names and e-mail addresses.")]
        return _export_page(assessment_id, form, 400)
    file = svc.export_responses(
        current_session(),
        actor(),
        assessment_id,
        shape="wide" if form.shape.data == "wide" else "long",
        fmt=form.fmt.data,  # one of the registered formats: the form's choices
        identified=identified,
        ip=client_ip(),
    )
    return download(file)


@bp.route("/assessments/<int:assessment_id>/data/results.json")
@login_required
def results_json(assessment_id: int) -> Response:
    """Live results in the ``saleshealth score --json`` shape."""
    return download(svc.export_results_file(current_session(), actor(), assessment_id, "json"))


def _read_upload(storage: FileStorage | None, limit: int) -> bytes | None:
    """The uploaded bytes, at most ``limit + 1`` of them (None when nothing was sent)."""
    if storage is None or not storage.filename:
        return None
    return storage.stream.read(limit + 1)


def _display_name(storage: FileStorage) -> str:
    name = (storage.filename or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1]
    return name[:120] or "upload.csv"


def _shown_report(assessment_id: int, report: svc.ImportReport) -> dict[str, Any]:
    """What the result page shows of an import, small enough for the session cookie."""
    return {
        "assessment": assessment_id,
        "filename": report.filename,
        "respondents": report.respondents,
        "answers": report.answers,
        "comments": report.comments,
        "by_role": dict(report.by_role),
        "codes": report.codes[:SHOWN_CODES],
        "more_codes": len(report.codes) > SHOWN_CODES,
        "ignored_columns": [c[:40] for c in report.ignored_columns[:SHOWN_COLUMNS]],
        "more_columns": len(report.ignored_columns) > SHOWN_COLUMNS,
    }


def _taken_report(assessment_id: int) -> dict[str, Any] | None:
    """The result of the import just made (post/redirect/get): shown once, then gone."""
    kept = session.pop(REPORT_KEY, None)
    if not isinstance(kept, dict) or kept.get("assessment") != assessment_id:
        return None
    return kept


@bp.route("/assessments/<int:assessment_id>/data/import", methods=["GET", "POST"])
@login_required
def import_answers(assessment_id: int) -> Response | tuple[str, int]:
    """Upload a long or wide answers file; shows every problem, or redirects to a page that
    shows what was imported (a reload sends nothing again)."""
    actor().require_editor()
    assessment = get_assessment(current_session(), assessment_id)
    form = ImportForm()
    problems: list[str] = []
    report: dict[str, Any] | None = None
    status = 200
    if form.validate_on_submit():
        storage = request.files["upload"]
        data = _read_upload(storage, IMPORT_MAX_BYTES) or b""
        mapping_file = request.files.get("mapping")
        mapping = _read_upload(mapping_file, MAPPING_MAX_BYTES)
        if len(data) > IMPORT_MAX_BYTES:
            form.upload.errors = [
                _(
                    "The file is larger than %(mb)d MB; split it into smaller files.",
                    mb=IMPORT_MAX_BYTES // 2**20,
                )
            ]
        elif mapping is not None and len(mapping) > MAPPING_MAX_BYTES:
            form.mapping.errors = [
                _("The mapping file is larger than %(kb)d KB.", kb=MAPPING_MAX_BYTES // 1024)
            ]
        else:
            try:
                imported = svc.import_answers(
                    current_session(),
                    actor(),
                    assessment_id,
                    data,
                    _display_name(storage),
                    shape="wide" if form.shape.data == "wide" else "long",
                    mapping=mapping,
                )
            except svc.ImportRejected as exc:
                problems = exc.problems
            except Conflict as exc:
                problems = [exc.message]
            else:
                session[REPORT_KEY] = _shown_report(assessment_id, imported)
                return redirect(url_for("data.import_answers", assessment_id=assessment_id))
        status = 400
    elif request.method == "POST":
        status = 400
    else:
        report = _taken_report(assessment_id)
    q = shown_questionnaire(assessment)
    return render_template(
        "web/data/import.html",
        assessment=assessment,
        q=q,
        form=form,
        problems=problems[:MAX_SHOWN_PROBLEMS],
        more_problems=max(0, len(problems) - MAX_SHOWN_PROBLEMS),
        report=report,
        role_labels={r.id: r.label for r in q.roles},
        can_identify=current_user.can_edit,
    ), status
