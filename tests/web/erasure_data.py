"""Test data for erasure and retention: a workspace with two clients, follow-ups, answers,
comments, reports, CRM evidence and action plans (items with named owners, a member owner,
an item carried into the follow-up, notes), plus a rival workspace that must never change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from assessment.core.crm import compute_kpis
from assessment.db import write_transaction
from assessment.db.base import Base, utcnow
from assessment.db.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Client,
    CrmEvidence,
    ElementComment,
    MemberRole,
    Membership,
    PlanItem,
    PlanNote,
    ReportJob,
    Respondent,
    Workspace,
)
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.io.opportunities import read_opportunities
from assessment.services.actor import Actor
from assessment.services.questionnaires import publish_shipped

CRM_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "crm" / "hubspot.csv"
KPIS = compute_kpis(
    read_opportunities(CRM_SAMPLE).opportunities, as_of=dt.date(2026, 11, 1)
).to_dict()


def table_counts(session: Any) -> dict[str, int]:
    """Rows of every table of the schema, across workspaces."""
    with unscoped(session):
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def diff(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Rows that went (positive) per table; tables without change are left out."""
    return {name: before[name] - after[name] for name in before if before[name] != after[name]}


@dataclass
class Built:
    """Ids of what :func:`build` made."""

    client: int
    other_client: int
    first: int
    """A closed assessment of ``client``."""
    followup: int
    """An open follow-up of ``first`` (same client)."""
    other: int
    """An assessment of ``other_client``."""
    people: dict[int, list[int]] = field(default_factory=dict)
    """Respondent ids per assessment id."""
    plan: dict[int, list[int]] = field(default_factory=dict)
    """Plan item ids per assessment id (see :func:`add_plan`)."""
    rival: int = 0
    """The rival workspace's id, when a test made one (:func:`rival_workspace`)."""


def _assessment(session: Any, client_id: int, version_id: int, title: str, **kw: Any) -> int:
    a = Assessment(client_id=client_id, questionnaire_version_id=version_id, title=title, **kw)
    session.add(a)
    session.flush()
    return a.id


def add_person(
    session: Any,
    assessment_id: int,
    code: str,
    *,
    role: str = "sales_rep",
    answer: str | None = "agree",
    comment: str | None = None,
    name: str = "",
    email: str = "",
) -> int:
    """A respondent with one answer to crm.single_source and an optional comment."""
    r = Respondent(
        assessment_id=assessment_id,
        code=code,
        role=role,
        name=name or f"Person {code}",
        email=email or f"{code.lower()}@client-example.eu",
        token_hash=f"{assessment_id}-{code}".ljust(64, "0"),
        started_at=utcnow(),
        submitted_at=utcnow(),
    )
    session.add(r)
    session.flush()
    if answer is not None:
        session.add(
            Answer(
                respondent_id=r.id,
                question_id="crm.single_source",
                kind="option",
                value_text=answer,
            )
        )
        session.add(
            Answer(
                respondent_id=r.id,
                question_id="crm.data_trust",
                kind="option",
                value_text="neutral",
            )
        )
    if comment is not None:
        session.add(ElementComment(respondent_id=r.id, element_id="crm", text=comment))
    return r.id


def add_plan_item(
    session: Any,
    assessment_id: int,
    title: str,
    *,
    owner_name: str = "",
    owner_email: str = "",
    owner_user_id: int | None = None,
    carried_from_id: int | None = None,
    note: str | None = None,
) -> int:
    """A plan item of the assessment's client (with a note when ``note`` is given)."""
    client_id = session.scalar(select(Assessment.client_id).where(Assessment.id == assessment_id))
    item = PlanItem(
        client_id=client_id,
        assessment_id=assessment_id,
        carried_from_id=carried_from_id,
        title=title,
        owner_name=owner_name,
        owner_email=owner_email,
        owner_user_id=owner_user_id,
        owner_role="sales_manager",
        due_date=dt.date(2026, 12, 1),
        status="in_progress",
        kpi_question="onboarding.ramp_cycles",
        kpi_unit="sales cycles",
        baseline=3.0,
        target=2.0,
    )
    session.add(item)
    session.flush()
    if note is not None:
        session.add(PlanNote(item_id=item.id, text=note, author_label="Consultant"))
    return item.id


def add_plan(session: Any, built: Built, member_id: int | None) -> None:
    """Plans of both clients.

    ``first``: an item owned by a named person with an e-mail (one note), one by a member
    (``member_id``) and one by a named person without e-mail.  ``followup``: the first item
    carried over (its own row, same owner, one note).  ``other``: one named owner, one note.
    Northwind then has 4 items and 2 notes, Contoso 1 and 1.
    """
    first = [
        add_plan_item(
            session,
            built.first,
            "Clean up the CRM pipeline stages",
            owner_name="Jane Planner",
            owner_email="jane.planner@client-example.eu",
            note="Kick-off held",
        ),
        add_plan_item(session, built.first, "Weekly forecast call", owner_user_id=member_id),
        add_plan_item(session, built.first, "Territory review", owner_name="Olaf Owner"),
    ]
    carried = add_plan_item(
        session,
        built.followup,
        "Clean up the CRM pipeline stages",
        owner_name="Jane Planner",
        owner_email="jane.planner@client-example.eu",
        carried_from_id=first[0],
        note="Stages renamed",
    )
    other = add_plan_item(
        session,
        built.other,
        "Qualification checklist",
        owner_name="Carla Contoso",
        owner_email="carla@contoso-example.eu",
        note="Draft shared",
    )
    built.plan = {built.first: first, built.followup: [carried], built.other: [other]}


def build(session: Any, workspace_id: int = 1) -> Built:
    """Two clients; the first has a closed assessment and its open follow-up."""
    version = publish_shipped(session)
    bind_workspace(session, workspace_id)
    with write_transaction(session):
        c1, c2 = Client(name="Northwind Traders"), Client(name="Contoso")
        session.add_all([c1, c2])
        session.flush()
        first = _assessment(
            session,
            c1.id,
            version.id,
            "Baseline 2026",
            status=AssessmentStatus.CLOSED,
            closed_at=utcnow() - dt.timedelta(days=40),
        )
        followup = _assessment(
            session, c1.id, version.id, "Follow-up", previous_id=first, status=AssessmentStatus.OPEN
        )
        other = _assessment(session, c2.id, version.id, "Contoso check")
        built = Built(c1.id, c2.id, first, followup, other)
        for aid, n in ((first, 3), (followup, 2), (other, 2)):
            built.people[aid] = [
                add_person(session, aid, f"R{i:04d}", comment=f"comment {aid}-{i}")
                for i in range(1, n + 1)
            ]
        for aid in (first, followup, other):
            session.add(ReportJob(assessment_id=aid, status="done", pdf=b"%PDF fake", pages=1))
            session.add(CrmEvidence(assessment_id=aid, filename="crm.csv", kpis=KPIS))
        with unscoped(session):
            member_id = session.scalar(
                select(Membership.user_id)
                .where(Membership.workspace_id == workspace_id)
                .order_by(Membership.id)
            )
        add_plan(session, built, member_id)
    return built


def rival_workspace(session: Any) -> int:
    """A second workspace with the same kind of data (it must never change)."""
    with unscoped(session), write_transaction(session):
        ws = Workspace(name="Rival Partners")
        session.add(ws)
    build(session, ws.id)
    bind_workspace(session, None)
    return ws.id


def owner_actor(session: Any, workspace_id: int = 1, role: MemberRole = MemberRole.OWNER) -> Actor:
    """An actor of the workspace's first member with the given role."""
    with unscoped(session):
        user_id = session.scalar(
            select(Membership.user_id).where(Membership.workspace_id == workspace_id)
        )
    assert user_id is not None
    bind_workspace(session, workspace_id)
    return Actor(user_id, workspace_id, role)
