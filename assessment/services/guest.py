"""What a client's guest reads: the client's closed assessments, nothing else.

The session is bound to the link's workspace like a member's; every function here also
checks the client, and refuses assessments that are not closed.  Live results are for the
consultant: a leader watching an open assessment could tell one person's answers by
comparing the results before and after that person submits (docs/privacy.md).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db.models import Assessment, AssessmentStatus
from assessment.services.errors import NotFound
from assessment.services.share_links import GuestScope


def closed_assessments(session: Session, scope: GuestScope) -> list[Assessment]:
    """The client's closed assessments, most recently closed first."""
    return list(
        session.scalars(
            select(Assessment)
            .where(
                Assessment.client_id == scope.client_id,
                Assessment.status == AssessmentStatus.CLOSED,
            )
            .order_by(Assessment.closed_at.desc(), Assessment.id.desc())
        )
    )


def guest_assessment(session: Session, scope: GuestScope, assessment_id: int) -> Assessment:
    """A closed assessment of the guest's client, or NotFound (also for other clients)."""
    found = session.scalar(
        select(Assessment).where(
            Assessment.id == assessment_id,
            Assessment.client_id == scope.client_id,
            Assessment.status == AssessmentStatus.CLOSED,
        )
    )
    if found is None:
        raise NotFound("assessment.not_found")
    return found


def previous_is_closed(session: Session, assessment: Assessment) -> bool:
    """Whether the assessment this one follows up exists and is closed (guests compare
    closed assessments only)."""
    if assessment.previous_id is None:
        return False
    status = session.scalar(
        select(Assessment.status).where(
            Assessment.id == assessment.previous_id,
            Assessment.client_id == assessment.client_id,
        )
    )
    return status is AssessmentStatus.CLOSED
