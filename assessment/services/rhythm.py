"""A client's rhythm: re-assessed every 3, 6 or 12 months, the next round proposed when due.

The next round is due that many months after the client's latest round closed; from
:data:`~assessment.core.plans.PROPOSE_BEFORE_DAYS` before then, the dashboard proposes it
(:func:`proposals`), as long as the latest round is closed and nothing was started after it.
One click (:func:`start_next_round`) creates the follow-up draft of the latest closed round:
the respondent list with fresh links and the unfinished plan carried over
(:func:`assessment.services.followups.start_followup`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from assessment.core import plans as core
from assessment.db import write_transaction
from assessment.db.models import Assessment, AssessmentStatus, Client
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.clients import get_client
from assessment.services.errors import Conflict, Invalid
from assessment.services.followups import FollowUp, start_followup

PROPOSALS = 10
"""Next rounds the dashboard proposes at most."""


@dataclass(frozen=True)
class Proposal:
    """A client whose next round is due (or nearly)."""

    client_id: int
    client_name: str
    months: int
    last_id: int
    last_title: str
    last_closed: dt.date
    due: dt.date


def set_rhythm(
    session: Session, actor: Actor, client_id: int, months: int | None, reminders: bool
) -> Client:
    """Set the client's re-assessment cadence (None: none) and whether the owners of its plan
    items get e-mail reminders."""
    actor.require_editor()
    if months is not None and months not in core.CADENCES:
        raise Invalid("rhythm.cadence", field="cadence")
    client = get_client(session, client_id)
    with write_transaction(session):
        changed = (client.reassess_months, client.plan_reminders) != (months, reminders)
        client.reassess_months = months
        client.plan_reminders = reminders
        if changed:
            audit.record(
                session,
                actor.user_id,
                "client.rhythm",
                f"client:{client.id}",
                {"months": months, "plan_reminders": reminders},
            )
    return client


def _closed_day(a: Assessment) -> dt.date:
    return (a.closed_at or a.created_at).date()


def _is_latest_and_closed() -> ColumnElement[bool]:
    """The assessment is closed and its client started nothing after it."""
    newer = aliased(Assessment, name="newer")
    started_after = (
        select(newer.id)
        .where(
            newer.client_id == Assessment.client_id,
            or_(
                newer.created_at > Assessment.created_at,
                and_(newer.created_at == Assessment.created_at, newer.id > Assessment.id),
            ),
        )
        .exists()
    )
    return and_(Assessment.status == AssessmentStatus.CLOSED, ~started_after)


def proposals(session: Session, today: dt.date, limit: int = PROPOSALS) -> list[Proposal]:
    """Clients whose next round is due within :data:`~assessment.core.plans.
    PROPOSE_BEFORE_DAYS` days (or overdue), soonest first: one query."""
    lead = today + dt.timedelta(days=core.PROPOSE_BEFORE_DAYS)
    # closed_at + months <= lead  ⇔  closed_at <= lead − months, for each cadence.
    due = or_(
        *(
            and_(
                Client.reassess_months == months,
                Assessment.closed_at
                <= dt.datetime.combine(core.add_months(lead, -months), dt.time.max, dt.UTC),
            )
            for months in core.CADENCES
        )
    )
    rows = session.execute(
        select(Client, Assessment)
        .join(Assessment, Assessment.client_id == Client.id)
        .where(
            Client.reassess_months.is_not(None),
            Assessment.is_demo.is_(False),
            _is_latest_and_closed(),
            due,
        )
        .order_by(Assessment.closed_at, Client.id)
        .limit(limit)
    ).all()
    out = []
    for client, a in rows:
        months = client.reassess_months or 0
        closed = _closed_day(a)
        if not core.round_proposed(closed, months, today):
            continue
        out.append(
            Proposal(
                client.id,
                client.name,
                months,
                a.id,
                a.title,
                closed,
                core.next_round_due(closed, months),
            )
        )
    return out


@dataclass(frozen=True)
class Rhythm:
    """A client's cadence and where it stands (for the plan page)."""

    months: int | None
    reminders: bool
    last_id: int | None
    last_title: str
    last_closed: dt.date | None
    due: dt.date | None
    """When the next round is due (None without a cadence or a closed latest round)."""
    proposed: bool
    """The next round can be started now (it is due, or nearly)."""
    started_title: str = ""
    """A round already started after the latest closed one (its title), if any."""


def rhythm_of(session: Session, client: Client, today: dt.date) -> Rhythm:
    """The client's cadence, its latest round and when the next is due (one query)."""
    latest = session.scalar(
        select(Assessment)
        .where(Assessment.client_id == client.id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .limit(1)
    )
    months = client.reassess_months
    if latest is None:
        return Rhythm(months, client.plan_reminders, None, "", None, None, False)
    if latest.status is not AssessmentStatus.CLOSED:
        return Rhythm(
            months, client.plan_reminders, None, "", None, None, False, started_title=latest.title
        )
    closed = _closed_day(latest)
    due = core.next_round_due(closed, months) if months else None
    return Rhythm(
        months,
        client.plan_reminders,
        latest.id,
        latest.title,
        closed,
        due,
        bool(months) and core.round_proposed(closed, months or 0, today),
    )


def start_next_round(session: Session, actor: Actor, client_id: int, title: str) -> FollowUp:
    """Create the next round's draft: a follow-up of the client's latest closed assessment
    with its respondents and the unfinished plan carried over."""
    actor.require_editor()
    client = get_client(session, client_id)
    latest = session.scalar(
        select(Assessment)
        .where(Assessment.client_id == client.id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .limit(1)
    )
    if latest is None or latest.status is not AssessmentStatus.CLOSED:
        if latest is not None:
            raise Conflict("rhythm.in_progress", title=latest.title)
        raise Conflict("rhythm.nothing_closed")
    return start_followup(session, actor, latest.id, title)
