"""Search, sort and one page of the lists that grow with a workspace: clients, assessments
and an assessment's respondents.

Each list costs the same few statements however long it is: one count of the matching rows
and one page of them (the respondents add one grouped count per state).  Searching is a
case-insensitive substring match on the columns a person reads in the list; sorting is by a
whitelisted key with the row id as the last tie-breaker, so pages never overlap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from assessment.db.models import Assessment, AssessmentStatus, Client, Respondent
from assessment.services.clients import SIZE_BANDS

MAX_SEARCH = 100
"""Longest search text used (longer input is cut)."""


@dataclass(frozen=True)
class Window:
    """Which rows of a list to return: a search text, a sort key and direction, a page."""

    search: str = ""
    sort: str = ""
    descending: bool = False
    page: int = 1
    """1-based; a page past the end gives the last page."""
    per_page: int = 50


@dataclass(frozen=True)
class Found:
    """One page of rows, how many rows match the search in all, and which page this is."""

    rows: list[Any]
    total: int
    page: int


def _contains(text: str, *columns: Any) -> ColumnElement[bool]:
    """Any of ``columns`` contains ``text`` (case-insensitive; % and _ match themselves)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def _words(search: str) -> list[str]:
    return search[:MAX_SEARCH].split()


def _page(
    session: Session,
    stmt: Select[Any],
    window: Window,
    order: tuple[Any, bool, Any],
    *options: Any,
) -> Found:
    """Count the rows ``stmt`` selects, then fetch the window's page sorted by ``order``
    (key, descending, tie-breaking id; rows without a key value last either way)."""
    key, descending, tie = order
    total = int(session.scalar(stmt.with_only_columns(func.count(tie))) or 0)
    last = max(1, -(-total // window.per_page))
    number = min(max(window.page, 1), last)
    page = (
        stmt.options(*options)
        .order_by(
            (key.desc() if descending else key.asc()).nulls_last(),
            tie.desc() if descending else tie.asc(),
        )
        .limit(window.per_page)
        .offset((number - 1) * window.per_page)
    )
    return Found(list(session.scalars(page)), total, number)


# --- clients -------------------------------------------------------------------------------

CLIENT_SORTS = ("name", "industry", "size", "motion", "regions", "created")


def _size_rank() -> Any:
    return case({band: rank for rank, band in enumerate(SIZE_BANDS)}, value=Client.size_band)


def clients(session: Session, window: Window) -> Found:
    """A page of the workspace's clients matching the search (name, industry, regions)."""
    stmt = select(Client)
    for word in _words(window.search):
        stmt = stmt.where(_contains(word, Client.name, Client.industry, Client.regions))
    keys = {
        "name": func.lower(Client.name),
        "industry": func.lower(Client.industry),
        "size": _size_rank(),
        "motion": Client.sales_motion,
        "regions": func.lower(Client.regions),
        "created": Client.created_at,
    }
    key = keys.get(window.sort, keys["name"])
    return _page(session, stmt, window, (key, window.descending, Client.id))


# --- assessments ---------------------------------------------------------------------------

ASSESSMENT_SORTS = ("title", "client", "status", "created")


def assessments(session: Session, window: Window, client_id: int | None = None) -> Found:
    """A page of the workspace's assessments (title or client name matching the search),
    newest first unless sorted otherwise; each with its client and questionnaire loaded."""
    stmt = select(Assessment).join(Client, Client.id == Assessment.client_id)
    if client_id is not None:
        stmt = stmt.where(Assessment.client_id == client_id)
    for word in _words(window.search):
        stmt = stmt.where(_contains(word, Assessment.title, Client.name))
    # Compared through the column (its type stores the enum), in the order of the workflow.
    status_rank = case(
        *((Assessment.status == status, rank) for rank, status in enumerate(AssessmentStatus))
    )
    keys = {
        "title": func.lower(Assessment.title),
        "client": func.lower(Client.name),
        "status": status_rank,
        "created": Assessment.created_at,
    }
    if window.sort in keys:
        key, descending = keys[window.sort], window.descending
    else:  # newest first
        key, descending = keys["created"], not window.descending
    return _page(
        session,
        stmt,
        window,
        (key, descending, Assessment.id),
        joinedload(Assessment.client),
        joinedload(Assessment.questionnaire_version),
    )


# --- respondents ---------------------------------------------------------------------------

RESPONDENT_SORTS = ("code", "name", "role", "team", "status", "activity")
STATES = ("not_started", "in_progress", "submitted")


def _state_rank() -> Any:
    return case(
        (Respondent.submitted_at.is_not(None), 2),
        (Respondent.started_at.is_not(None), 1),
        else_=0,
    )


def _in_state(state: str) -> ColumnElement[bool]:
    if state == "submitted":
        return Respondent.submitted_at.is_not(None)
    if state == "in_progress":
        return and_(Respondent.submitted_at.is_(None), Respondent.started_at.is_not(None))
    return and_(Respondent.submitted_at.is_(None), Respondent.started_at.is_(None))


def state_counts(session: Session, assessment_id: int) -> dict[str, int]:
    """Respondents of an assessment per state (one query)."""
    in_progress = case((_in_state("in_progress"), 1))
    total, started, submitted = session.execute(
        select(
            func.count(Respondent.id),
            func.count(in_progress),
            func.count(Respondent.submitted_at),
        ).where(Respondent.assessment_id == assessment_id)
    ).one()
    return {
        "not_started": int(total) - int(started) - int(submitted),
        "in_progress": int(started),
        "submitted": int(submitted),
    }


def respondents(
    session: Session,
    assessment_id: int,
    window: Window,
    *,
    state: str = "",
    role_order: Sequence[str] | Mapping[str, int] = (),
) -> Found:
    """A page of an assessment's respondents in ``state`` (all when empty) matching the
    search (code, name, e-mail, team); ``role_order`` ranks roles for sorting by role (the
    order of their labels as shown)."""
    stmt = select(Respondent).where(Respondent.assessment_id == assessment_id)
    if state in STATES:
        stmt = stmt.where(_in_state(state))
    for word in _words(window.search):
        stmt = stmt.where(
            _contains(word, Respondent.code, Respondent.name, Respondent.email, Respondent.team)
        )
    ranks = (
        dict(role_order)
        if isinstance(role_order, Mapping)
        else {role: n for n, role in enumerate(role_order)}
    )
    keys = {
        "code": Respondent.code,
        "name": func.lower(Respondent.name),
        "role": case(ranks, value=Respondent.role, else_=len(ranks)) if ranks else Respondent.role,
        "team": func.lower(Respondent.team),
        "status": _state_rank(),
        "activity": Respondent.last_active_at,
    }
    key = keys.get(window.sort, Respondent.id)  # by default in the order they were added
    return _page(session, stmt, window, (key, window.descending, Respondent.id))
