"""The assessment page as plain data.

The view builds :class:`AssessmentPage` with :func:`assessment_page`; each feature's card on
it comes from that feature's builder (follow-ups from :mod:`assessment.web.trends.page`, CRM
evidence from :mod:`assessment.web.evidence.page`).  The template only reads the result, so
rendering it runs no query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from assessment.core.model import Questionnaire
from assessment.db.models import Assessment, Respondent
from assessment.services import assessments as svc
from assessment.services import respondents as people
from assessment.services.responding import pages_for
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
    can_copy: bool
    """The current link is kept (encrypted) and can be shown without replacing it."""
    page_reached: int | None
    pages: int
    """How many questionnaire pages this respondent's role has."""
    last_active_at: datetime | None
    region: str = ""
    segment: str = ""

    @property
    def state(self) -> str:
        """``submitted``, ``in_progress`` or ``not_started`` (the table's filter values)."""
        if self.submitted_at:
            return "submitted"
        return "in_progress" if self.started_at else "not_started"

    @property
    def revoked(self) -> bool:
        """The link was revoked before the respondent submitted (no longer counted)."""
        return self.origin == "link" and not self.has_link and not self.submitted_at


STATES = ("not_started", "in_progress", "submitted")


def _role_labels(q: Questionnaire) -> dict[str, str]:
    return {r.id: r.label for r in q.roles}


def respondent_rows(
    respondents: Iterable[Respondent], q: Questionnaire
) -> tuple[RespondentRow, ...]:
    """Respondents as plain rows, with their role's label in the questionnaire's language."""
    labels = _role_labels(q)
    pages = {role: len(pages_for(q, role)) for role in q.role_ids}
    return tuple(
        RespondentRow(
            id=r.id,
            code=r.code,
            name=r.name,
            email=r.email,
            role=r.role,
            role_label=labels.get(r.role, ""),
            team=r.team,
            region=r.region,
            segment=r.segment,
            started_at=r.started_at,
            submitted_at=r.submitted_at,
            origin=r.origin,
            has_link=r.token_hash is not None,
            can_copy=r.token_hash is not None and r.token_encrypted is not None,
            page_reached=r.page_reached,
            pages=pages.get(r.role, 0),
            last_active_at=r.last_active_at,
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
    state: str = ""
    """The respondent filter in force (one of :data:`STATES`, or empty for everyone)."""
    counts: dict[str, int] = field(default_factory=dict)
    """Respondents per state, before filtering (for the filter's labels)."""
    total: int = 0


def assessment_page(
    session: Session,
    assessment: Assessment,
    lang: str,
    *,
    can_edit: bool,
    smtp: bool,
    state: str = "",
) -> AssessmentPage:
    """Build the assessment page: status, progress, respondents (filtered by ``state``
    when it is one of :data:`STATES`) and the feature cards."""
    q = svc.questionnaire_of(assessment)
    rows = respondent_rows(people.list_respondents(session, assessment.id), q)
    state = state if state in STATES else ""
    return AssessmentPage(
        assessment=AssessmentHeader.of(assessment),
        q=q,
        progress=svc.progress_of(session, assessment.id),
        respondents=tuple(r for r in rows if not state or r.state == state),
        state=state,
        counts={s: sum(1 for r in rows if r.state == s) for s in STATES},
        total=len(rows),
        followup=followup_card(session, assessment, can_edit),
        evidence=assessment_card(session, assessment, lang),
        smtp=smtp,
    )
