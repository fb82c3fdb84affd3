"""Report pages: request a PDF, watch it render, download it."""

from __future__ import annotations

import re
import unicodedata

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from assessment.extensions import current_session, db
from assessment.services import audit
from assessment.services import report_jobs as svc
from assessment.services.assessments import get_assessment
from assessment.services.errors import Invalid
from assessment.web.reports import bp
from assessment.web.tenancy import actor, client_ip
from assessment.workers.reports import runner_for


def _filename(client: str, title: str, language: str) -> str:
    text = unicodedata.normalize("NFKD", f"{client} {title}").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:80] or "report"
    return f"{slug}-{language}.pdf"


@bp.route("/assessments/<int:assessment_id>/report", methods=["POST"])
@login_required
def create(assessment_id: int) -> Response:
    """Queue a PDF report in the chosen language and go to its progress page."""
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    requested = svc.request_report(
        current_session(),
        actor(),
        assessment_id,
        request.form.get("language", "en"),
        team=request.form.get("team", "")[:100],
    )
    job = requested.job
    if requested.new:  # an identical job in flight is already with a runner
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        runner_for(app.config, app.extensions, db.engine).submit(job.id)
    return redirect(url_for("reports.show", assessment_id=assessment_id, job_id=job.id))


@bp.route("/assessments/<int:assessment_id>/report/<int:job_id>")
@login_required
def show(assessment_id: int, job_id: int) -> str:
    """Progress of a report; offers the file when it is ready."""
    assessment = get_assessment(current_session(), assessment_id)
    job = svc.get_job(current_session(), assessment_id, job_id)
    return render_template("web/reports/show.html", assessment=assessment, job=job)


@bp.route("/assessments/<int:assessment_id>/report/<int:job_id>/status")
@login_required
def status(assessment_id: int, job_id: int) -> Response:
    """Job status as JSON (polled by the progress page)."""
    job = svc.get_job(current_session(), assessment_id, job_id)
    return jsonify({"status": job.status, "error": job.error, "pages": job.pages})


@bp.route("/assessments/<int:assessment_id>/report/<int:job_id>/download")
@login_required
def download(assessment_id: int, job_id: int) -> Response:
    """The PDF, only to members of the workspace that owns it."""
    assessment = get_assessment(current_session(), assessment_id)
    job = svc.get_job(current_session(), assessment_id, job_id)
    if job.status != "done" or job.pdf is None:
        return redirect(url_for("reports.show", assessment_id=assessment_id, job_id=job_id))
    name = _filename(assessment.client.name, f"{assessment.title} {job.team}", job.language)
    audit.record(
        current_session(),
        current_user.user_id,
        "report.downloaded",
        f"report_job:{job.id}",
        {"assessment": assessment_id, "language": job.language},
        client_ip(),
    )
    return Response(
        job.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
