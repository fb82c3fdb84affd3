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
from assessment.services import listing
from assessment.services.responding import pages_for
from assessment.web.assessments.profile import ProfileCard, ProfileForm, profile_card
from assessment.web.assessments.summary import AssessmentHeader
from assessment.web.evidence.page import EvidenceCard, assessment_card
from assessment.web.i18n import shown_questionnaire
from assessment.web.pagination import ListQuery, Pager
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


STATES = listing.STATES
PER_PAGE = 50
"""Respondents per page of the assessment page's list."""


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
    profile: ProfileCard
    profile_form: ProfileForm
    smtp: bool
    """Whether e-mail is configured (the invite button is offered)."""
    state: str = ""
    """The respondent filter in force (one of :data:`STATES`, or empty for everyone)."""
    counts: dict[str, int] = field(default_factory=dict)
    """Respondents per state, before filtering (for the filter's labels)."""
    total: int = 0
    query: ListQuery = field(default_factory=ListQuery)
    """The respondents' search and order (and the state filter, kept by every link)."""
    pager: Pager | None = None
    """The page of respondents shown (``pager.total``: those matching filter and search)."""


def assessment_page(
    session: Session,
    assessment: Assessment,
    lang: str,
    *,
    can_edit: bool,
    smtp: bool,
    state: str = "",
    query: ListQuery | None = None,
) -> AssessmentPage:
    """Build the assessment page: status, progress, a page of respondents (filtered by
    ``state`` when it is one of :data:`STATES`, searched and sorted by ``query``) and the
    feature cards.  The respondents cost three statements however many there are."""
    q = shown_questionnaire(assessment, lang)
    state = state if state in STATES else ""
    card, form = profile_card(session, assessment.id)
    query = query or ListQuery()
    counts = listing.state_counts(session, assessment.id)
    by_label = [r.id for r in sorted(q.roles, key=lambda role: role.label.casefold())]
    found = listing.respondents(
        session, assessment.id, query.window(PER_PAGE), state=state, role_order=by_label
    )
    return AssessmentPage(
        assessment=AssessmentHeader.of(assessment),
        q=q,
        progress=svc.progress_of(session, assessment.id),
        respondents=respondent_rows(found.rows, q),
        state=state,
        counts=counts,
        total=sum(counts.values()),
        query=query,
        pager=query.paged(found, PER_PAGE),
        followup=followup_card(session, assessment, can_edit),
        evidence=assessment_card(session, assessment, lang),
        profile=card,
        profile_form=form,
        smtp=smtp,
    )
