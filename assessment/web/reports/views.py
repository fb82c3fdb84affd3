"""Report pages: request a PDF, watch it render, download it; download the deck.

A request for a report that was rendered from the same data already goes straight to the
download (no render, no progress page); otherwise to the progress page, which says where
the job is in the queue and how long a render takes here (measured).
"""

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
from assessment.services.deck import Deck, build_assessment_deck
from assessment.services.errors import Invalid
from assessment.web.reports import bp
from assessment.web.reports.page import ReportPage
from assessment.web.tenancy import actor, client_ip
from assessment.workers.reports import runner_for
from reports.formats import MEDIA_TYPES, PPTX


def _filename(
    client: str, title: str, language: str, extension: str = "pdf", edition: str = ""
) -> str:
    """``client-title[-board]-lang.ext`` in ASCII (the board edition says so in its name)."""
    text = unicodedata.normalize("NFKD", f"{client} {title}").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:80] or "report"
    suffix = "-board" if edition == "board" else ""
    return f"{slug}{suffix}-{language}.{extension}"


def deck_response(built: Deck) -> Response:
    """A built deck as a download (no cache: it carries the assessment's results)."""
    name = _filename(built.client, built.title, built.language, PPTX)
    return Response(
        built.data,
        mimetype=MEDIA_TYPES[PPTX],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


def _submit(job_ids: list[int]) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    runner = runner_for(app.config, app.extensions, db.engine)
    for job_id in job_ids:
        runner.submit(job_id)


def prerender_closed(assessment_id: int) -> None:
    """Queue the report of an assessment that was just closed, in its language (called by
    the view that closes it; off when ``REPORT_PRERENDER`` is).  A failure here never fails
    the closing."""
    if not current_app.config.get("REPORT_PRERENDER", True):
        return
    try:
        jobs = svc.prerender(current_session(), assessment_id)
    except Exception:  # the report is then rendered on the first download instead
        current_app.logger.exception("pre-rendering the report of assessment %s", assessment_id)
        return
    _submit([job.id for job in jobs])


@bp.route("/assessments/<int:assessment_id>/report", methods=["POST"])
@login_required
def create(assessment_id: int) -> Response:
    """Queue a PDF report in the chosen language and go to its progress page, or straight
    to the download when the same report is ready."""
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    requested = svc.request_report(
        current_session(),
        actor(),
        assessment_id,
        request.form.get("language", "en"),
        request.form.get("edition") or svc.DEFAULT_EDITION,
        team=request.form.get("team", "")[:100],
    )
    job = requested.job
    if requested.cached:
        return redirect(url_for("reports.download", assessment_id=assessment_id, job_id=job.id))
    if requested.new:  # an identical job in flight is already with a runner
        _submit([job.id])
    return redirect(url_for("reports.show", assessment_id=assessment_id, job_id=job.id))


@bp.route("/assessments/<int:assessment_id>/deck", methods=["POST"])
@login_required
def deck(assessment_id: int) -> Response:
    """The PowerPoint deck in the chosen language, built at once (it takes well under a
    second, so it is not queued like the PDF)."""
    if not FlaskForm().validate_on_submit():
        raise Invalid("form.expired")
    session = current_session()
    assessment = get_assessment(session, assessment_id)
    built = build_assessment_deck(session, assessment, request.form.get("language", "en"))
    audit.record(
        session,
        current_user.user_id,
        "report.downloaded",
        f"assessment:{assessment_id}",
        {"assessment": assessment_id, "language": built.language, "format": PPTX},
        client_ip(),
    )
    return deck_response(built)


@bp.route("/assessments/<int:assessment_id>/report/<int:job_id>")
@login_required
def show(assessment_id: int, job_id: int) -> str:
    """Progress of a report; offers the file when it is ready."""
    session = current_session()
    assessment = get_assessment(session, assessment_id)
    job = svc.get_job(session, assessment_id, job_id)
    page = ReportPage.of(assessment, job, svc.progress(session, job))
    return render_template("web/reports/show.html", page=page)


@bp.route("/assessments/<int:assessment_id>/report/<int:job_id>/status")
@login_required
def status(assessment_id: int, job_id: int) -> Response:
    """Job status as JSON (polled by the progress page): also the jobs queued ahead of it
    and the measured render time in seconds (null before the first render)."""
    session = current_session()
    job = svc.get_job(session, assessment_id, job_id)
    progress = svc.progress(session, job)
    return jsonify(
        {
            "status": job.status,
            "error": job.error,
            "pages": job.pages,
            "ahead": progress.ahead,
            "estimate_s": None if progress.estimate_s is None else round(progress.estimate_s, 1),
        }
    )


@bp.route("/assessments/<int:assessment_id>/report/<int:job_id>/download")
@login_required
def download(assessment_id: int, job_id: int) -> Response:
    """The PDF, only to members of the workspace that owns it."""
    assessment = get_assessment(current_session(), assessment_id)
    job = svc.get_job(current_session(), assessment_id, job_id)
    pdf = job.pdf  # read once: the audit entry's commit expires the row
    if job.status != "done" or pdf is None:
        return redirect(url_for("reports.show", assessment_id=assessment_id, job_id=job_id))
    name = _filename(
        assessment.client.name,
        f"{assessment.title} {job.team}",
        job.language,
        edition=job.edition,
    )
    audit.record(
        current_session(),
        current_user.user_id,
        "report.downloaded",
        f"report_job:{job_id}",
        {"assessment": assessment_id, "language": job.language, "edition": job.edition},
        client_ip(),
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
