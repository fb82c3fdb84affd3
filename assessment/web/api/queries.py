"""Read-only queries behind the API's lists; the session is already scoped to one workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, joinedload

from assessment.db.models import Assessment, AssessmentStatus, Client

T = TypeVar("T")


@dataclass(frozen=True)
class PageOf(Generic[T]):
    """One page of rows and the count over all pages."""

    rows: Sequence[T]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        """Where the next page starts, or None on the last page."""
        following = self.offset + len(self.rows)
        return following if self.rows and following < self.total else None


def clients_page(session: Session, limit: int, offset: int) -> PageOf[Client]:
    """Clients by name (then id, so pages never overlap)."""
    total = session.scalar(select(func.count(Client.id))) or 0
    rows = session.scalars(
        select(Client).order_by(Client.name, Client.id).limit(limit).offset(offset)
    )
    return PageOf(list(rows), total, limit, offset)


def assessments_page(
    session: Session,
    limit: int,
    offset: int,
    *,
    client_id: int | None = None,
    status: str | None = None,
) -> PageOf[Assessment]:
    """Assessments, newest first, optionally of one client and in one status."""
    conditions: list[ColumnElement[bool]] = []
    if client_id is not None:
        conditions.append(Assessment.client_id == client_id)
    if status is not None:
        conditions.append(Assessment.status == AssessmentStatus(status))
    total = session.scalar(select(func.count(Assessment.id)).where(*conditions))
    query = select(Assessment).where(*conditions)
    rows = session.scalars(
        query.options(joinedload(Assessment.questionnaire_version))
        .order_by(Assessment.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return PageOf(list(rows), total or 0, limit, offset)
