"""The clients list and the client page as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db.models import Assessment, AssessmentStatus, Client
from assessment.services import listing
from assessment.services.share_links import ShareLinkInfo, list_links
from assessment.web.clients.forms import sales_motion_label
from assessment.web.pagination import ListQuery, Pager
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

    @classmethod
    def of(cls, client: Client) -> ClientView:
        """The client's fields; the sales motion in words, never its stored value."""
        return cls(
            id=client.id,
            name=client.name,
            industry=client.industry,
            size_band=client.size_band,
            sales_motion=sales_motion_label(client.sales_motion),
            regions=client.regions,
            notes=client.notes,
        )


PER_PAGE = 50
"""Clients per page of the list."""


@dataclass(frozen=True)
class ClientsPage:
    """A page of the clients list: searched, sorted, paginated."""

    clients: tuple[ClientView, ...]
    query: ListQuery
    pager: Pager


def clients_page(session: Session, query: ListQuery) -> ClientsPage:
    """The page of clients asked for (two queries: the count and the page)."""
    found = listing.clients(session, query.window(PER_PAGE))
    return ClientsPage(
        clients=tuple(ClientView.of(c) for c in found.rows),
        query=query,
        pager=query.paged(found, PER_PAGE),
    )


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
        client=ClientView.of(client),
        assessments=assessments,
        trend_link=shows_trend_link(a.status for a in assessments),
        share_links=tuple(list_links(session, client.id)),
        now=datetime.now(UTC),
    )
