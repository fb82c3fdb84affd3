"""The report progress page as plain data (the template reads only this)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from assessment.db.models import Assessment, ReportJob
from assessment.services.report_jobs import Progress
from assessment.web.assessments.summary import AssessmentHeader


def rounded_estimate(seconds: float | None) -> tuple[int, str] | None:
    """A measured duration as the page says it: (number, "seconds" or "minutes").

    Rounded up to whole seconds (never "about 0 seconds"); from 90 seconds on, in whole
    minutes.
    """
    if seconds is None:
        return None
    if seconds < 90:
        return max(1, math.ceil(seconds)), "seconds"
    return max(2, round(seconds / 60)), "minutes"


@dataclass(frozen=True)
class ReportPage:
    """One report job's progress."""

    assessment: AssessmentHeader
    job_id: int
    status: str
    error: str
    pages: int
    language: str
    ahead: int
    """Queued jobs before this one."""
    estimate: tuple[int, str] | None
    """About how long a render takes, measured on this server; None before the first."""

    @property
    def waiting(self) -> bool:
        """Queued or rendering: the page follows the job until it finishes."""
        return self.status in ("queued", "running")

    @classmethod
    def of(cls, assessment: Assessment, job: ReportJob, progress: Progress) -> ReportPage:
        """Read the job now, while the view runs."""
        return cls(
            assessment=AssessmentHeader.of(assessment),
            job_id=job.id,
            status=job.status,
            error=job.error,
            pages=job.pages or 0,
            language=job.language,
            ahead=progress.ahead,
            estimate=rounded_estimate(progress.estimate_s),
        )
