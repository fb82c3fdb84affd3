"""The assessment page as plain data.

The view builds :class:`AssessmentPage` with :func:`assessment_page`; each feature's card on
it comes from that feature's builder (follow-ups from :mod:`assessment.web.trends.page`, CRM
evidence from :mod:`assessment.web.evidence.page`).  The template only reads the result, so
rendering it runs no query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from assessment.core.model import Questionnaire
from assessment.db.models import Assessment, Respondent
from assessment.services import assessments as svc
from assessment.services import respondents as people
from assessment.web.assessments.summary import AssessmentHeader
from assessment.web.evidence.page import EvidenceCard, assessment_card
from assessment.web.trends.page import FollowupCard, followup_card


@dataclass(frozen=True)
class RespondentRow:
    """A respondent in the assessment page's list."""

    id: int
    code: str
    name: str
    email: str
    role: str
    role_label: str
    team: str
    started_at: datetime | None
    submitted_at: datetime | None
    origin: str
    has_link: bool


def _role_labels(q: Questionnaire) -> dict[str, str]:
    return {r.id: r.label for r in q.roles}


def respondent_rows(
    respondents: Iterable[Respondent], q: Questionnaire
) -> tuple[RespondentRow, ...]:
    """Respondents as plain rows, with their role's label in the questionnaire's language."""
    labels = _role_labels(q)
    return tuple(
        RespondentRow(
            id=r.id,
            code=r.code,
            name=r.name,
            email=r.email,
            role=r.role,
            role_label=labels.get(r.role, ""),
            team=r.team,
            started_at=r.started_at,
            submitted_at=r.submitted_at,
            origin=r.origin,
            has_link=r.token_hash is not None,
        )
        for r in respondents
    )


@dataclass(frozen=True)
class AssessmentPage:
    """Everything the assessment page shows."""

    assessment: AssessmentHeader
    q: Questionnaire
    progress: svc.Progress
    respondents: tuple[RespondentRow, ...]
    followup: FollowupCard | None
    evidence: EvidenceCard
    smtp: bool
    """Whether e-mail is configured (the invite button is offered)."""


def assessment_page(
    session: Session, assessment: Assessment, lang: str, *, can_edit: bool, smtp: bool
) -> AssessmentPage:
    """Build the assessment page: status, progress, respondents and the feature cards."""
    q = svc.questionnaire_of(assessment)
    return AssessmentPage(
        assessment=AssessmentHeader.of(assessment),
        q=q,
        progress=svc.progress_of(session, assessment.id),
        respondents=respondent_rows(people.list_respondents(session, assessment.id), q),
        followup=followup_card(session, assessment, can_edit),
        evidence=assessment_card(session, assessment, lang),
        smtp=smtp,
    )
