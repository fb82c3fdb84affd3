"""Clients: the organizations a workspace assesses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.models import Client
from assessment.services.actor import Actor
from assessment.services.errors import Invalid, NotFound

SIZE_BANDS = ("1-10", "11-50", "51-200", "201-1000", "1000+")
SALES_MOTIONS = ("field", "inside", "hybrid")


@dataclass(frozen=True)
class ClientData:
    """The editable fields of a client (no ids, no workspace: nothing to mass-assign)."""

    name: str
    industry: str = ""
    size_band: str = ""
    sales_motion: str = ""
    regions: str = ""
    notes: str = ""

    def validate(self) -> None:
        """Raise Invalid naming the field that breaks a rule."""
        if not self.name.strip():
            raise Invalid("client.name_required", field="name")
        if self.size_band and self.size_band not in SIZE_BANDS:
            raise Invalid("client.size_band", field="size_band", bands=SIZE_BANDS)
        if self.sales_motion and self.sales_motion not in SALES_MOTIONS:
            raise Invalid("client.sales_motion", field="sales_motion")


def list_clients(session: Session) -> list[Client]:
    """Clients of the current workspace, by name."""
    return list(session.scalars(select(Client).order_by(Client.name)))


def get_client(session: Session, client_id: int) -> Client:
    """A client of the current workspace, or NotFound."""
    client = session.scalar(select(Client).where(Client.id == client_id))
    if client is None:
        raise NotFound("client.not_found")
    return client


def create_client(session: Session, actor: Actor, data: ClientData) -> Client:
    """Create a client in the actor's workspace."""
    actor.require_editor()
    data.validate()
    with write_transaction(session):
        client = add_client(session, data)
    return client


def add_client(session: Session, data: ClientData) -> Client:
    """Add a client in the caller's write transaction (``data`` already validated)."""
    client = Client(
        name=data.name.strip(),
        industry=data.industry.strip(),
        size_band=data.size_band,
        sales_motion=data.sales_motion,
        regions=data.regions.strip(),
        notes=data.notes.strip(),
    )
    session.add(client)
    return client


def update_client(session: Session, actor: Actor, client_id: int, data: ClientData) -> Client:
    """Change a client's fields."""
    actor.require_editor()
    data.validate()
    with write_transaction(session):
        client = get_client(session, client_id)
        client.name = data.name.strip()
        client.industry = data.industry.strip()
        client.size_band = data.size_band
        client.sales_motion = data.sales_motion
        client.regions = data.regions.strip()
        client.notes = data.notes.strip()
    return client
