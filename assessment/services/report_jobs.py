"""PDF reports rendered off the request path.

A request creates a :class:`ReportJob` row and hands its id to a runner: by default a
single background thread in the web process; with ``REDIS_URL`` an RQ queue served by
``saleshealth worker`` processes (which reuse one WeasyPrint font configuration each).
The job renders in a bounded child process and stores the PDF on the row, so any web
process can serve it afterwards, and only through an authorised, workspace-scoped route.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.catalogues import translations_for
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import ReportJob, Workspace
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.services.actor import Actor
from assessment.services.assessments import compute_results, get_assessment, questionnaire_of
from assessment.services.crm_evidence import current_evidence
from assessment.services.errors import Invalid, NotFound
from assessment.services.questionnaires import languages_of
from assessment.services.trends import report_trend
from reports.bounded import BoundedRenderer

QUEUE_NAME = "saleshealth-reports"


class Runner(Protocol):
    """Something that runs a report job soon, somewhere."""

    def submit(self, job_id: int) -> None:
        """Schedule the job."""


def request_report(session: Session, actor: Actor, assessment_id: int, language: str) -> ReportJob:
    """Create a queued report job for an assessment (any member may download reports)."""
    assessment = get_assessment(session, assessment_id)
    if language not in languages_of(assessment.questionnaire_version):
        raise Invalid(f"no report language {language!r}", field="language")
    with write_transaction(session):
        job = ReportJob(assessment_id=assessment.id, language=language, status="queued")
        session.add(job)
    return job


def get_job(session: Session, assessment_id: int, job_id: int) -> ReportJob:
    """A report job of this assessment in the current workspace, or NotFound."""
    job = session.scalar(
        select(ReportJob).where(ReportJob.id == job_id, ReportJob.assessment_id == assessment_id)
    )
    if job is None:
        raise NotFound("report")
    return job


def execute_job(
    session: Session, job_id: int, timeout_s: float, memory_mb: int, workers: int = 0
) -> None:
    """Render one job and store the outcome on its row (never raises for a render failure).

    ``workers`` is the number of processes that typeset the report together (0: automatic).
    """
    with unscoped(session):
        job = session.get(ReportJob, job_id)
        if job is None or job.status not in ("queued", "running"):
            return
        workspace = session.get(Workspace, job.workspace_id)
    bind_workspace(session, job.workspace_id)
    with write_transaction(session):
        job.status = "running"
    try:
        pdf = _render(session, job, workspace, timeout_s, memory_mb, workers)
    except Exception as exc:
        message = str(exc) if _is_user_facing(exc) else "the report could not be rendered"
        with write_transaction(session):
            job.status = "failed"
            job.error = message[:500]
            job.finished_at = utcnow()
        return
    with write_transaction(session):
        job.pdf = pdf
        job.pages = _page_count(pdf)
        job.status = "done"
        job.finished_at = utcnow()


def _page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _is_user_facing(exc: Exception) -> bool:
    from reports.bounded import ReportRenderError

    return isinstance(exc, ReportRenderError)


def _render(
    session: Session,
    job: ReportJob,
    workspace: Workspace | None,
    timeout_s: float,
    memory_mb: int,
    workers: int = 0,
) -> bytes:
    from reports.branding import Branding, Logo
    from reports.viewmodel import OptionalSections, ReportMeta

    assessment = get_assessment(session, job.assessment_id)
    q = questionnaire_of(assessment, job.language)
    results = compute_results(session, assessment, job.language)
    logo = None
    if workspace is not None and workspace.logo and workspace.logo_mime:
        logo = Logo(workspace.logo, workspace.logo_mime)
    branding = Branding(
        firm_name=(workspace.firm_name or workspace.name) if workspace else "",
        primary_color=workspace.primary_color if workspace else "#1f4e79",
        footer_text=workspace.footer_text if workspace else "",
        logo=logo,
    )
    evidence = current_evidence(session, assessment.id)
    meta = ReportMeta(
        client_name=assessment.client.name,
        assessment_title=assessment.title,
        date=dt.date.today(),
        prepared_by=branding.firm_name,
        language=job.language,
        branding=branding,
        optional=OptionalSections(
            crm_kpis=evidence.kpis if evidence else None,
            crm_filename=evidence.filename if evidence else "",
            trend=report_trend(session, assessment, job.language),
        ),
    )
    session.commit()  # no transaction stays open during a long render
    pdf: bytes = _renderer(timeout_s, memory_mb, workers).render(
        results, q, meta, translations=translations_for(job.language)
    )
    return pdf


_renderers: dict[tuple[float, int, int], BoundedRenderer] = {}


def _renderer(timeout_s: float, memory_mb: int, workers: int = 0) -> BoundedRenderer:
    """One long-lived bounded renderer per process: its children keep fonts warm."""
    key = (timeout_s, memory_mb, workers)
    renderer = _renderers.get(key)
    if renderer is None:
        renderer = BoundedRenderer(timeout=timeout_s, memory_mb=memory_mb, workers=workers or None)
        _renderers[key] = renderer
    return renderer


class InProcessRunner:
    """One background thread per web process renders jobs one at a time."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")

    def submit(self, job_id: int) -> None:
        """Render in this process's background thread."""
        self.pool.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        from assessment.extensions import current_session, db

        with self.app.app_context():
            try:
                execute_job(
                    current_session(),
                    job_id,
                    float(self.app.config["REPORT_TIMEOUT_S"]),
                    int(self.app.config["REPORT_MEMORY_MB"]),
                    int(self.app.config["REPORT_RENDER_WORKERS"]),
                )
            finally:
                db.session.remove()


class RQRunner:
    """Jobs go to an RQ queue on Redis; ``saleshealth worker`` processes render them."""

    def __init__(self, redis_url: str, timeout_s: float) -> None:
        from redis import Redis
        from rq import Queue

        self.queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))
        self.timeout_s = timeout_s

    def submit(self, job_id: int) -> None:
        """Enqueue the job for a worker."""
        self.queue.enqueue(
            "assessment.services.report_jobs.rq_entry",
            job_id,
            job_timeout=int(self.timeout_s) + 60,
            failure_ttl=24 * 3600,
        )


_runner_lock = threading.Lock()


def runner_for(app: Flask) -> Runner:
    """The app's runner (created once per process)."""
    with _runner_lock:
        runner = app.extensions.get("saleshealth.report_runner")
        if runner is None:
            url = app.config.get("REDIS_URL")
            runner = (
                RQRunner(url, float(app.config["REPORT_TIMEOUT_S"]))
                if url
                else InProcessRunner(app)
            )
            app.extensions["saleshealth.report_runner"] = runner
        return runner


_worker_app: Flask | None = None


def rq_entry(job_id: int) -> None:
    """What an RQ worker runs: render one job with the worker's long-lived app."""
    global _worker_app
    from assessment.extensions import current_session, db

    if _worker_app is None:
        from assessment.web import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            execute_job(
                current_session(),
                job_id,
                float(_worker_app.config["REPORT_TIMEOUT_S"]),
                int(_worker_app.config["REPORT_MEMORY_MB"]),
                int(_worker_app.config["REPORT_RENDER_WORKERS"]),
            )
        finally:
            db.session.remove()
