"""The client page as plain data: the client, its assessments, and the trend link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db.models import Assessment, AssessmentStatus, Client
from assessment.services.share_links import ShareLinkInfo, list_links
from assessment.web.trends.page import shows_trend_link


@dataclass(frozen=True)
class ClientView:
    """A client's fields as the page shows them."""

    id: int
    name: str
    industry: str
    size_band: str
    sales_motion: str
    regions: str
    notes: str


@dataclass(frozen=True)
class AssessmentItem:
    """One assessment in the client's list."""

    id: int
    title: str
    status: AssessmentStatus
    created_at: datetime


@dataclass(frozen=True)
class ClientPage:
    """Everything the client page shows."""

    client: ClientView
    assessments: tuple[AssessmentItem, ...]
    trend_link: bool
    """Whether to offer the trend across the client's assessments (feature: trends)."""
    share_links: tuple[ShareLinkInfo, ...] = ()
    """The client's share links, newest first (feature: guest access)."""
    now: datetime | None = None
    """When the page was built (tells active share links from ended ones)."""


def client_page(session: Session, client: Client) -> ClientPage:
    """Build the client page: its fields and its assessments, newest first."""
    assessments = tuple(
        AssessmentItem(a.id, a.title, a.status, a.created_at)
        for a in session.scalars(
            select(Assessment)
            .where(Assessment.client_id == client.id)
            .order_by(Assessment.created_at.desc())
        )
    )
    return ClientPage(
        client=ClientView(
            id=client.id,
            name=client.name,
            industry=client.industry,
            size_band=client.size_band,
            sales_motion=client.sales_motion,
            regions=client.regions,
            notes=client.notes,
        ),
        assessments=assessments,
        trend_link=shows_trend_link(a.status for a in assessments),
        share_links=tuple(list_links(session, client.id)),
        now=datetime.now(UTC),
    )
