"""PDF reports rendered off the request path.

A request creates a :class:`ReportJob` row; a runner from :mod:`assessment.workers.reports`
then calls :func:`execute_job` with a database session, in a background thread of the web
process or in an RQ worker.  The job renders in a bounded child process and stores the PDF
on the row, so any web process can serve it afterwards, and only through an authorised,
workspace-scoped route.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.catalogues import translations_for
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import ReportJob, Workspace
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.services.actor import Actor
from assessment.services.assessments import compute_results, get_assessment, questionnaire_of
from assessment.services.crm_evidence import current_evidence, forecast_accuracy
from assessment.services.errors import Conflict, Invalid, NotFound
from assessment.services.questionnaires import languages_of
from assessment.services.trends import report_trend
from reports.bounded import BoundedRenderer

MAX_JOBS_IN_FLIGHT_PER_USER = 3
"""Reports one member may have queued or rendering at once (a viewer queued six in a row)."""

IN_FLIGHT = ("queued", "running")


@dataclass(frozen=True)
class Requested:
    """The job for a report request; ``new`` is False when an identical one was in flight."""

    job: ReportJob
    new: bool


def request_report(session: Session, actor: Actor, assessment_id: int, language: str) -> Requested:
    """Queue a report job for an assessment (any member may download reports).

    An identical request (same assessment and language) still queued or rendering is
    reused instead of rendering the same PDF twice; a member may have at most
    :data:`MAX_JOBS_IN_FLIGHT_PER_USER` other jobs in flight (:class:`Conflict`).
    """
    assessment = get_assessment(session, assessment_id)
    if language not in languages_of(assessment.questionnaire_version):
        raise Invalid("report.language", field="language", language=language)
    with write_transaction(session):
        same = session.scalar(
            select(ReportJob)
            .where(
                ReportJob.assessment_id == assessment.id,
                ReportJob.language == language,
                ReportJob.status.in_(IN_FLIGHT),
            )
            .order_by(ReportJob.id)
            .limit(1)
        )
        if same is not None:
            return Requested(same, new=False)
        mine = session.scalar(
            select(func.count())
            .select_from(ReportJob)
            .where(ReportJob.requested_by_id == actor.user_id, ReportJob.status.in_(IN_FLIGHT))
        )
        if (mine or 0) >= MAX_JOBS_IN_FLIGHT_PER_USER:
            raise Conflict("report.too_many_in_flight", num=MAX_JOBS_IN_FLIGHT_PER_USER)
        job = ReportJob(
            assessment_id=assessment.id,
            language=language,
            status="queued",
            requested_by_id=actor.user_id,
        )
        session.add(job)
    return Requested(job, new=True)


def get_job(session: Session, assessment_id: int, job_id: int) -> ReportJob:
    """A report job of this assessment in the current workspace, or NotFound."""
    job = session.scalar(
        select(ReportJob).where(ReportJob.id == job_id, ReportJob.assessment_id == assessment_id)
    )
    if job is None:
        raise NotFound("report.not_found")
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
            if not _still_there(session, job_id):
                return
            job.status = "failed"
            job.error = message[:500]
            job.finished_at = utcnow()
        return
    with write_transaction(session):
        if not _still_there(session, job_id):
            return  # deleted or erased while rendering: keep no PDF of data that is gone
        job.pdf = pdf
        job.pages = _page_count(pdf)
        job.status = "done"
        job.finished_at = utcnow()


def _still_there(session: Session, job_id: int) -> bool:
    return session.scalar(select(ReportJob.id).where(ReportJob.id == job_id)) is not None


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
    from reports.branding import DEFAULT_PRIMARY, Branding, Logo
    from reports.viewmodel import OptionalSections, ReportMeta

    assessment = get_assessment(session, job.assessment_id)
    q = questionnaire_of(assessment, job.language)
    results = compute_results(session, assessment, job.language)
    logo = None
    if workspace is not None and workspace.logo and workspace.logo_mime:
        logo = Logo(workspace.logo, workspace.logo_mime)
    branding = Branding(
        firm_name=(workspace.firm_name or workspace.name) if workspace else "",
        primary_color=workspace.primary_color if workspace else DEFAULT_PRIMARY,
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
            crm_accuracy=forecast_accuracy(session, evidence) if evidence else (),
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
