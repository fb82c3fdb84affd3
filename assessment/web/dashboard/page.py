"""The dashboard as one plain page object: a page of clients with their latest assessments.

Cost is fixed whatever the size of the workspace: one page of clients, at most
``PER_CLIENT`` assessments each, their completion in one grouped query and their scores
from the stored results summaries (two queries); at most ``MAX_REFRESH`` summaries made
stale by new answers are recomputed per view, the others show the stored score marked as
being updated.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from assessment.db.models import Assessment, Client
from assessment.services.assessments import progress_by_assessment
from assessment.services.summaries import Summary, summaries_of
from assessment.web.i18n import shown_model
from assessment.web.pagination import Pager, pager
from assessment.web.plans.page import DashboardPlans, dashboard_plans, today

PER_PAGE = 20
"""Clients per dashboard page."""
PER_CLIENT = 10
"""Newest assessments shown per client (the client page lists all of them)."""
MAX_REFRESH = 5
"""Stale summaries recomputed per view; each costs one assessment's scoring."""


@dataclass(frozen=True)
class AssessmentRow:
    """One assessment line: status, completion and the stored overall score."""

    id: int
    title: str
    status: str
    is_demo: bool
    is_self_assessment: bool
    invited: int
    submitted: int
    completion: float
    overall: float | None
    level: int | None
    level_name: str
    updating: bool
    """The score predates the newest answers (recomputed on a later view)."""


@dataclass(frozen=True)
class ClientCard:
    """A client with its newest assessments."""

    id: int
    name: str
    industry: str
    rows: tuple[AssessmentRow, ...]
    more: int
    """Assessments of the client not listed here."""


@dataclass(frozen=True)
class DashboardPage:
    """Everything the dashboard template shows."""

    clients: tuple[ClientCard, ...]
    pager: Pager
    plans: DashboardPlans | None = None
    """Plan items overdue or due this week, and next rounds due (feature: action plans)."""


def _newest_assessments(session: Session, client_ids: list[int]) -> list[tuple[Assessment, int]]:
    """Up to PER_CLIENT newest assessments of each client, with the client's total."""
    if not client_ids:
        return []
    order = (Assessment.created_at.desc(), Assessment.id.desc())
    ranked = (
        select(
            Assessment.id.label("id"),
            func.row_number().over(partition_by=Assessment.client_id, order_by=order).label("n"),
            func.count().over(partition_by=Assessment.client_id).label("total"),
        )
        .where(Assessment.client_id.in_(client_ids))
        .subquery()
    )
    rows = session.execute(
        select(Assessment, ranked.c.total)
        .join(ranked, ranked.c.id == Assessment.id)
        .where(ranked.c.n <= PER_CLIENT)
        .options(joinedload(Assessment.questionnaire_version))
        .order_by(*order)
    )
    return [(a, int(total)) for a, total in rows]


def assessment_row(
    a: Assessment, summary: Summary | None, invited: int, submitted: int, lang: str
) -> AssessmentRow:
    """An assessment's line: completion, the stored score and its level in ``lang``."""
    overall = summary.overall if summary else None
    level = shown_model(a.questionnaire_version, lang).level_for(overall)
    return AssessmentRow(
        id=a.id,
        title=a.title,
        status=a.status.value,
        is_demo=a.is_demo,
        is_self_assessment=a.is_self_assessment,
        invited=invited,
        submitted=submitted,
        completion=submitted / invited if invited else 0.0,
        overall=overall,
        level=level.level if level else None,
        level_name=level.name if level else "",
        updating=summary is not None and not summary.current,
    )


def build_dashboard(session: Session, lang: str) -> DashboardPage:
    """The page of clients asked for in ``?page=``, with their assessments and scores."""
    total = session.scalar(select(func.count(Client.id))) or 0
    page = pager(total, PER_PAGE)
    clients = list(
        session.scalars(
            select(Client).order_by(Client.name, Client.id).limit(PER_PAGE).offset(page.offset)
        )
    )
    listed = _newest_assessments(session, [c.id for c in clients])
    assessments = [a for a, _total in listed]
    summaries = summaries_of(session, assessments, max_refresh=MAX_REFRESH)
    progress = progress_by_assessment(session, [a.id for a in assessments])
    rows: dict[int, list[AssessmentRow]] = {c.id: [] for c in clients}
    totals: dict[int, int] = {}
    for a, client_total in listed:
        p = progress[a.id]
        rows[a.client_id].append(
            assessment_row(a, summaries.get(a.id), p.invited, p.submitted, lang)
        )
        totals[a.client_id] = client_total
    cards = tuple(
        ClientCard(
            id=c.id,
            name=c.name,
            industry=c.industry,
            rows=tuple(rows[c.id]),
            more=totals.get(c.id, 0) - len(rows[c.id]),
        )
        for c in clients
    )
    return DashboardPage(cards, page, dashboard_plans(session, today()))
