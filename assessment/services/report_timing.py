"""Measured render times and queue positions, for the report progress page.

Every finished render records how long it took, by edition and by size band (how many
respondents answered: render time grows with the comments and the group pages).  The
progress page says "about N seconds" from the median of the recent renders of the same
edition and band (the median: one render slowed by a busy machine does not move it), or of
the same edition when that band has no history yet, and nothing when no report was ever
timed.  A job that waits is told how many queued jobs are ahead of it.

The history holds no workspace data (an edition, a band, seconds) and is trimmed to the
newest :data:`KEEP` renders per edition and band.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assessment.db.models import ReportJob, ReportTiming, Respondent
from assessment.db.tenancy import unscoped

RECENT = 15
"""Renders the estimate looks at."""
KEEP = 50
"""Renders kept per edition and size band."""
QUEUE_WINDOW = timedelta(hours=1)
"""A job queued longer ago than this is taken as abandoned (its runner died) and not
counted ahead of anyone."""

_BANDS = ((1, "1"), (9, "2-9"), (49, "10-49"), (199, "50-199"))


def size_band(respondents: int) -> str:
    """The band of a report with this many respondents who answered."""
    for limit, name in _BANDS:
        if respondents <= limit:
            return name
    return "200+"


def answered_count(session: Session, assessment_id: int) -> int:
    """Respondents of the assessment with answers or comments (the report's size)."""
    n = session.scalar(
        select(func.count())
        .select_from(Respondent)
        .where(Respondent.assessment_id == assessment_id, Respondent.answered_at.is_not(None))
    )
    return int(n or 0)


def record(session: Session, edition: str, band: str, seconds: float, now: datetime) -> None:
    """Add one render's duration (in the caller's write transaction) and trim the history."""
    session.add(ReportTiming(edition=edition, size_band=band, seconds=seconds, finished_at=now))
    session.flush()
    same = (ReportTiming.edition == edition, ReportTiming.size_band == band)
    newest = select(ReportTiming.id).where(*same).order_by(ReportTiming.id.desc()).limit(KEEP)
    oldest_kept = session.scalar(select(func.min(newest.subquery().c.id)))
    if oldest_kept is not None:
        session.execute(
            delete(ReportTiming)
            .where(*same, ReportTiming.id < oldest_kept)
            .execution_options(synchronize_session=False)
        )


def estimate_seconds(session: Session, edition: str, band: str) -> float | None:
    """The median of the recent renders of this edition and band (else of this edition);
    None when none was timed."""
    for where in (
        (ReportTiming.edition == edition, ReportTiming.size_band == band),
        (ReportTiming.edition == edition,),
    ):
        recent = list(
            session.scalars(
                select(ReportTiming.seconds)
                .where(*where)
                .order_by(ReportTiming.id.desc())
                .limit(RECENT)
            )
        )
        if recent:
            return float(statistics.median(recent))
    return None


def jobs_ahead(session: Session, job: ReportJob, now: datetime) -> int:
    """Queued jobs (of every workspace: they share the renderers) that came before this one.

    Only a count crosses workspaces, never which jobs they are.
    """
    with unscoped(session):
        n = session.scalar(
            select(func.count())
            .select_from(ReportJob)
            .where(
                ReportJob.status == "queued",
                ReportJob.id < job.id,
                ReportJob.created_at >= now - QUEUE_WINDOW,
            )
        )
    return int(n or 0)
