"""Guest pages as plain data: the header every guest page shows, and the overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from assessment.services import guest as svc
from assessment.services.plans import has_plan
from assessment.services.questionnaires import languages_of
from assessment.services.share_links import GuestScope


@dataclass(frozen=True)
class GuestHeader:
    """Whose results these are, who shares them, and until when."""

    client_name: str
    firm_name: str
    expires_at: datetime

    @classmethod
    def of(cls, scope: GuestScope) -> GuestHeader:
        """The header of a guest session's scope."""
        return cls(scope.client_name, scope.firm_name, scope.expires_at)


@dataclass(frozen=True)
class GuestAssessment:
    """A closed assessment in the guest's list."""

    id: int
    title: str
    closed_at: datetime | None
    report_languages: tuple[str, ...]


@dataclass(frozen=True)
class GuestOverview:
    """The guest's start page."""

    header: GuestHeader
    assessments: tuple[GuestAssessment, ...]
    trend: bool
    """Whether there are two closed assessments to compare."""
    plan: bool = False
    """Whether the client has an action plan."""


def overview_page(session: Session, scope: GuestScope) -> GuestOverview:
    """The client's closed assessments, newest first, and whether a trend can be shown."""
    items = tuple(
        GuestAssessment(a.id, a.title, a.closed_at, tuple(languages_of(a.questionnaire_version)))
        for a in svc.closed_assessments(session, scope)
    )
    return GuestOverview(
        GuestHeader.of(scope),
        items,
        trend=len(items) >= 2,
        plan=bool(items) and has_plan(session, scope.client_id),
    )
