"""PDF reports rendered off the request path, and served again while nothing changed.

A request creates a :class:`ReportJob` row; a runner from :mod:`assessment.workers.reports`
then calls :func:`execute_job` with a database session, in a background thread of the web
process or in an RQ worker.  The job renders in a bounded child process and stores the PDF
on the row, so any web process can serve it afterwards, and only through an authorised,
workspace-scoped route.

A finished job also keeps the fingerprint of what it was rendered from
(:mod:`assessment.services.report_cache`): a request for the same assessment, language and
edition whose fingerprint still matches is answered with that job (``Requested.cached``),
without rendering.  Closing an assessment queues its report in the assessment's language
(:func:`prerender`), so the first download after closing is already a repeat one.  Each
render's duration goes to :mod:`assessment.services.report_timing`, which the progress page
reads for its estimate.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from assessment.catalogues import translations_for
from assessment.core.disclosure import for_guest
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Assessment, ReportJob, Workspace
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.services import plans as plan_svc
from assessment.services import report_timing
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment, progress_of, questionnaire_of
from assessment.services.crm_evidence import current_evidence, forecast_accuracy
from assessment.services.errors import Conflict, Invalid, NotFound
from assessment.services.guest import previous_is_closed
from assessment.services.prize import prize_of
from assessment.services.profiles import profile_of
from assessment.services.questionnaires import languages_of
from assessment.services.report_cache import fingerprint
from assessment.services.trends import chain_sources, report_trend
from reports.bounded import BoundedRenderer
from reports.viewmodel import EDITIONS as _EDITIONS
from reports.viewmodel import FULL

MAX_JOBS_IN_FLIGHT_PER_USER = 3
"""Reports one member may have queued or rendering at once (a viewer queued six in a row)."""

IN_FLIGHT = ("queued", "running")

EDITIONS = _EDITIONS
"""The report editions (``full``, ``board``: :data:`reports.viewmodel.EDITIONS`); requests,
the cache and the timings key on the edition, and :func:`_render` builds the one asked for."""
DEFAULT_EDITION = FULL


@dataclass(frozen=True)
class Requested:
    """The job for a report request.

    ``new`` is False when an identical one was in flight or finished; ``cached`` is True
    when it finished already with the same fingerprint (its PDF can be served at once).
    """

    job: ReportJob
    new: bool
    cached: bool = False


def _finished(
    session: Session, assessment_id: int, language: str, edition: str, key: str, team: str = ""
) -> ReportJob | None:
    return session.scalar(
        select(ReportJob)
        .where(
            ReportJob.assessment_id == assessment_id,
            ReportJob.language == language,
            ReportJob.edition == edition,
            ReportJob.fingerprint == key,
            ReportJob.team == team,
            ReportJob.guest_link_id.is_(None),  # a guest's PDF follows the guest's rules
            ReportJob.status == "done",
        )
        .order_by(ReportJob.id.desc())
        .limit(1)
    )


def _in_flight(
    session: Session, assessment_id: int, language: str, edition: str, key: str, team: str = ""
) -> ReportJob | None:
    """An identical job still to finish: queued (it reads the data when it starts) or
    rendering from the same data."""
    return session.scalar(
        select(ReportJob)
        .where(
            ReportJob.assessment_id == assessment_id,
            ReportJob.language == language,
            ReportJob.edition == edition,
            ReportJob.team == team,
            ReportJob.guest_link_id.is_(None),
            (ReportJob.status == "queued")
            | ((ReportJob.status == "running") & (ReportJob.fingerprint == key)),
        )
        .order_by(ReportJob.id)
        .limit(1)
    )


def _check(assessment: Assessment, language: str, edition: str) -> None:
    if language not in languages_of(assessment.questionnaire_version):
        raise Invalid("report.language", field="language", language=language)
    if edition not in EDITIONS:
        raise Invalid("report.edition", field="edition", edition=edition)


def request_report(
    session: Session,
    actor: Actor,
    assessment_id: int,
    language: str,
    edition: str = DEFAULT_EDITION,
    team: str = "",
) -> Requested:
    """Queue a report job for an assessment (any member may download reports).

    With ``team``, the report is that team's against the organization: refused (Invalid)
    unless the team has figures (``assessment.services.teams.reportable_team``).

    A finished job rendered from the same data is answered at once (``cached``); an
    identical request still queued or rendering is reused instead of rendering the same PDF
    twice; a member may have at most :data:`MAX_JOBS_IN_FLIGHT_PER_USER` other jobs in
    flight (:class:`Conflict`).  The check and the insert hold the workspace row's lock
    (:func:`_lock_workspace`), so both limits hold for requests sent at the same moment.
    """
    assessment = get_assessment(session, assessment_id)
    _check(assessment, language, edition)
    if team.strip():
        from assessment.services.teams import reportable_team, results_with_teams

        team = reportable_team(results_with_teams(session, assessment, language).teams, team)
    team = team.strip()
    key = fingerprint(session, assessment, language, edition)
    done = _finished(session, assessment.id, language, edition, key, team)
    if done is not None:
        return Requested(done, new=False, cached=True)
    band = report_timing.size_band(report_timing.answered_count(session, assessment.id))
    with write_transaction(session):
        _lock_workspace(session, actor.workspace_id)
        same = _in_flight(session, assessment.id, language, edition, key, team)
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
            edition=edition,
            size_band=band,
            status="queued",
            requested_by_id=actor.user_id,
            team=team.strip(),
        )
        session.add(job)
    return Requested(job, new=True)


def _lock_workspace(session: Session, workspace_id: int) -> None:
    """Lock the workspace row until the transaction ends: report requests of one workspace
    check for an identical job and count the jobs in flight one after another.

    Without it, parallel requests at PostgreSQL's READ COMMITTED all checked before any of
    them committed, and all inserted (six at once made six jobs).  ``FOR NO KEY UPDATE``
    (``key_share``) still lets other transactions insert rows that refer to the workspace;
    it queues behind the API-token lock (``FOR UPDATE``) like any other writer of the row.
    SQLite has no row locks: its ``BEGIN IMMEDIATE`` (:func:`write_transaction`) already
    serializes writers.
    """
    with unscoped(session):
        session.execute(
            select(Workspace.id).where(Workspace.id == workspace_id).with_for_update(key_share=True)
        )


MAX_JOBS_IN_FLIGHT_PER_LINK = 2
"""Reports the guests of one share link may have queued or rendering at once."""

GUEST_REUSE = dt.timedelta(hours=24)
"""A guest's finished report is handed out again for this long instead of rendering anew:
guests read closed assessments only, whose results do not change while they stay closed
(an erasure deletes the assessment's reports)."""


def request_guest_report(
    session: Session,
    link_id: int,
    assessment: Assessment,
    language: str,
    edition: str = DEFAULT_EDITION,
) -> Requested:
    """Queue a report for a client's guest (the caller checked the assessment is theirs).

    The report follows the guest's rules (:mod:`assessment.core.disclosure`).  Any guest
    report of the same assessment and language in flight, or finished in the last
    :data:`GUEST_REUSE`, is reused; a link may have :data:`MAX_JOBS_IN_FLIGHT_PER_LINK`
    others in flight (:class:`Conflict`); the workspace row is locked meanwhile, as for
    members.
    """
    _check(assessment, language, edition)
    with write_transaction(session):
        _lock_workspace(session, assessment.workspace_id)
        same = session.scalar(
            select(ReportJob)
            .where(
                ReportJob.assessment_id == assessment.id,
                ReportJob.language == language,
                ReportJob.edition == edition,
                ReportJob.guest_link_id.is_not(None),
                ReportJob.team == "",
                or_(
                    ReportJob.status.in_(IN_FLIGHT),
                    (ReportJob.status == "done")
                    & (ReportJob.finished_at >= utcnow() - GUEST_REUSE),
                ),
            )
            .order_by(ReportJob.id.desc())
            .limit(1)
        )
        if same is not None:
            return Requested(same, new=False)
        mine = session.scalar(
            select(func.count())
            .select_from(ReportJob)
            .where(ReportJob.guest_link_id == link_id, ReportJob.status.in_(IN_FLIGHT))
        )
        if (mine or 0) >= MAX_JOBS_IN_FLIGHT_PER_LINK:
            raise Conflict("report.too_many_in_flight", num=MAX_JOBS_IN_FLIGHT_PER_LINK)
        job = ReportJob(
            assessment_id=assessment.id,
            language=language,
            edition=edition,
            status="queued",
            guest_link_id=link_id,
        )
        session.add(job)
    return Requested(job, new=True)


def get_guest_job(session: Session, assessment_id: int, job_id: int) -> ReportJob:
    """A report a guest asked for, of this assessment, or NotFound (members' reports are
    rendered with every comment and are not handed to guests)."""
    job = session.scalar(
        select(ReportJob).where(
            ReportJob.id == job_id,
            ReportJob.assessment_id == assessment_id,
            ReportJob.guest_link_id.is_not(None),
        )
    )
    if job is None:
        raise NotFound("report.not_found")
    return job


def prerender(session: Session, assessment_id: int) -> list[ReportJob]:
    """Queue the assessment's report in its own language, every edition, unless a finished
    or identical job exists already (called when it closes).  Returns the new jobs for the
    caller's runner; none when nobody answered.

    The jobs are the system's (no member requested them), so they count against nobody's
    limit of jobs in flight.
    """
    assessment = get_assessment(session, assessment_id)
    count = report_timing.answered_count(session, assessment.id)
    if count == 0:
        return []
    languages = languages_of(assessment.questionnaire_version)
    language = assessment.language if assessment.language in languages else languages[0]
    band = report_timing.size_band(count)
    new: list[ReportJob] = []
    for edition in EDITIONS:
        key = fingerprint(session, assessment, language, edition)
        if _finished(session, assessment.id, language, edition, key) is not None:
            continue
        with write_transaction(session):
            _lock_workspace(session, assessment.workspace_id)
            if _in_flight(session, assessment.id, language, edition, key) is not None:
                continue
            job = ReportJob(
                assessment_id=assessment.id,
                language=language,
                edition=edition,
                size_band=band,
                status="queued",
                requested_by_id=None,
            )
            session.add(job)
        new.append(job)
    return new


@dataclass(frozen=True)
class Progress:
    """What the progress page says about a job besides its status."""

    ahead: int
    """Queued jobs before this one (0 when it is not waiting)."""
    estimate_s: float | None
    """Median of recent renders of the same edition and size; None without history."""


def progress(session: Session, job: ReportJob) -> Progress:
    """The queue position and the measured estimate for a job."""
    now = utcnow()
    ahead = report_timing.jobs_ahead(session, job, now) if job.status == "queued" else 0
    estimate = report_timing.estimate_seconds(session, job.edition, job.size_band)
    return Progress(ahead, estimate)


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
    A finished render records its fingerprint (the cache key) and its duration.
    """
    with unscoped(session):
        job = session.get(ReportJob, job_id)
        if job is None or job.status not in ("queued", "running"):
            return
        workspace = session.get(Workspace, job.workspace_id)
    bind_workspace(session, job.workspace_id)
    with write_transaction(session):
        job.status = "running"
        job.started_at = utcnow()
    started = time.monotonic()
    try:
        pdf, key = _render(session, job, workspace, timeout_s, memory_mb, workers)
    except Exception as exc:
        message = str(exc) if _is_user_facing(exc) else "the report could not be rendered"
        with write_transaction(session):
            if not _still_there(session, job_id):
                return
            job.status = "failed"
            job.error = message[:500]
            job.finished_at = utcnow()
        return
    seconds = time.monotonic() - started
    with write_transaction(session):
        if not _still_there(session, job_id):
            return  # deleted or erased while rendering: keep no PDF of data that is gone
        job.pdf = pdf
        job.pages = _page_count(pdf)
        job.fingerprint = key
        job.status = "done"
        job.finished_at = utcnow()
        report_timing.record(session, job.edition, job.size_band, seconds, job.finished_at)


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
) -> tuple[bytes, str]:
    """The PDF and the fingerprint of what it was rendered from (read first: a change made
    while the data is read leaves the fingerprint older than the PDF, never newer)."""
    from assessment.services.teams import results_with_teams
    from reports.branding import DEFAULT_PRIMARY, Branding, Logo
    from reports.viewmodel import OptionalSections, ReportMeta

    assessment = get_assessment(session, job.assessment_id)
    key = fingerprint(session, assessment, job.language, job.edition)
    q = questionnaire_of(assessment, job.language)
    computed = results_with_teams(session, assessment, job.language)
    results = computed.results
    guest = job.guest_link_id is not None
    if guest:
        results, _withheld = for_guest(results)
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
    compare = not guest or previous_is_closed(session, assessment)
    sources = chain_sources(session, assessment, results, job.language) if compare else None
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
            trend=report_trend(session, assessment, job.language, closed_only=guest),
            profile=profile_of(session, assessment),
            crm_accuracy=(
                forecast_accuracy(session, evidence, closed_only=guest) if evidence else ()
            ),
            teams=computed.teams,
            plan=plan_svc.round_plan(session, assessment),
            follow_through=plan_svc.follow_through(session, assessment, sources),
            prize=prize_of(session, assessment, results, q),
            per_phase=assessment.roadmap_per_phase,
            invited=progress_of(session, assessment.id).invited or None,
        ),
        edition=job.edition,
    )
    session.commit()  # no transaction stays open during a long render
    renderer = _renderer(timeout_s, memory_mb, workers)
    translations = translations_for(job.language)
    if job.team:
        from reports.teams import build_team_html

        html = build_team_html(results, q, meta, computed.teams, job.team, translations)
        team_pdf: bytes = renderer.render_html(html)
        return team_pdf, key
    pdf: bytes = renderer.render(results, q, meta, translations=translations)
    return pdf, key


_renderers: dict[tuple[float, int, int], BoundedRenderer] = {}


def _renderer(timeout_s: float, memory_mb: int, workers: int = 0) -> BoundedRenderer:
    """One long-lived bounded renderer per process: its children keep fonts warm."""
    key = (timeout_s, memory_mb, workers)
    renderer = _renderers.get(key)
    if renderer is None:
        renderer = BoundedRenderer(timeout=timeout_s, memory_mb=memory_mb, workers=workers or None)
        _renderers[key] = renderer
    return renderer
