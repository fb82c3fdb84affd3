"""Action plans through the services: seeding from the roadmap, items, owners, notes, the
audit trail, carrying unfinished items into a follow-up, closing the loop, and the rhythm."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from assessment.core import plans as core
from assessment.core.roadmap import SHARE_RESULTS
from assessment.db import write_transaction
from assessment.db.models import (
    Assessment,
    AssessmentStatus,
    AuditEntry,
    MemberRole,
    Membership,
    PlanItem,
    Respondent,
)
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import accounts, followups, plans, rhythm
from assessment.services.actor import Actor
from assessment.services.assessments import compute_results, set_status
from assessment.services.errors import Conflict, Invalid, PermissionDenied
from assessment.services.trends import chain_sources
from tests.web.test_followups_trends import _answer, closed_assessment

TODAY = dt.date(2027, 3, 10)


@dataclass
class World:
    app: Flask
    actor: Actor
    assessment_id: int
    client_id: int


def _owner_actor(s: Session) -> Actor:
    with unscoped(s):
        m = s.scalar(select(Membership).order_by(Membership.id))
    assert m is not None
    bind_workspace(s, m.workspace_id)
    return Actor(m.user_id, m.workspace_id, m.role)


@pytest.fixture
def world(owner: FlaskClient, app: Flask) -> Iterator[World]:
    aid = closed_assessment(app, "Northwind", 0.25)
    with app.app_context():
        s = db.session
        actor = _owner_actor(s)
        a = s.get(Assessment, aid)
        assert a is not None
        client_id = a.client_id
        s.remove()
    yield World(app, actor, aid, client_id)


def _items(s: Session, **where: object) -> list[PlanItem]:
    stmt = select(PlanItem).order_by(PlanItem.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(PlanItem, key) == value)
    return list(s.scalars(stmt))


def _events(s: Session, name: str) -> list[AuditEntry]:
    return list(s.scalars(select(AuditEntry).where(AuditEntry.event == name)))


def test_the_roadmap_seeds_the_plan_once(world: World) -> None:
    with world.app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        report = plans.seed_from_roadmap(s, world.actor, world.assessment_id, TODAY)
        assert report.added and report.skipped == 0
        rows = _items(s)
        assert len(rows) == len(report.added) <= 9
        assert {r.phase for r in rows} <= {0, 1, 2}
        for r in rows:
            assert r.due_date == TODAY + dt.timedelta(days=30 * (r.phase + 1))
            assert r.status == "planned" and r.owner_role and r.title
            assert r.recommendation_id and r.element_id
            assert r.baseline is not None and r.target is not None
        kpis = [r for r in rows if r.kpi_question]
        for r in kpis:  # a KPI watch carries the KPI's unit and a better target
            assert r.kpi_question.startswith(r.element_id + ".") or "." in r.kpi_question
        # the recommendation's further actions are the first note
        assert any(r.notes and r.notes[0].text.startswith("• ") for r in rows)
        seeded = _events(s, "plan.seeded")
        assert len(seeded) == 1 and seeded[0].details["items"] == [r.id for r in rows]
        again = plans.seed_from_roadmap(s, world.actor, world.assessment_id, TODAY)
        assert again.added == [] and again.skipped == len(rows)
        assert len(_items(s)) == len(rows)


def test_a_double_submit_seeds_each_item_once(world: World) -> None:
    """Two seeding requests at once (two sessions, two threads) add every item once."""
    with world.app.app_context():
        engine = db.engine
        factory = sessionmaker(bind=engine)
        errors: list[BaseException] = []

        def seed() -> None:
            with factory() as s:
                bind_workspace(s, world.actor.workspace_id)
                try:
                    plans.seed_from_roadmap(s, world.actor, world.assessment_id, TODAY)
                except BaseException as exc:  # pragma: no cover - reported below
                    errors.append(exc)

        threads = [threading.Thread(target=seed) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        recs = [r.recommendation_id for r in _items(s)]
        assert recs and len(recs) == len(set(recs))


def test_items_owners_statuses_notes_and_their_audit_entries(world: World) -> None:
    with world.app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        results = compute_results(s, s.get(Assessment, world.assessment_id))
        rec = results.recommendations[0]
        added = plans.add_recommendation(s, world.actor, world.assessment_id, rec.id, TODAY)
        (row,) = added.added
        assert (row.recommendation_id, row.element_id) == (rec.id, rec.element)
        assert row.title == rec.actions[0]
        # adding it again adds nothing
        assert plans.add_recommendation(s, world.actor, world.assessment_id, rec.id, TODAY).skipped
        with pytest.raises(Invalid) as bad:
            plans.add_recommendation(s, world.actor, world.assessment_id, "nope", TODAY)
        assert bad.value.code == "plan.recommendation"

        base = plans.ItemData(title="Weekly pipeline review", element=rec.element)
        own = plans.add_item(s, world.actor, world.assessment_id, base)
        assert own.recommendation_id == "" and own.client_id == world.client_id
        member = plans.ItemData(
            title="Weekly pipeline review", owner_user_id=world.actor.user_id, due=TODAY
        )
        plans.update_item(s, world.actor, own.id, member)
        assert plans.owner_label(own) == "Olga Owner"
        assert plans.owner_email(own) == "owner@acme-consulting.eu"
        person = plans.ItemData(
            title="Weekly pipeline review",
            owner_name="Marta Nowak",
            owner_email="marta@northwind.example",
            due=TODAY,
            status="in_progress",
        )
        plans.update_item(s, world.actor, own.id, person)
        assert (own.owner_user_id, plans.owner_label(own), own.status) == (
            None,
            "Marta Nowak",
            "in_progress",
        )
        problems = {
            "drop_reason": plans.ItemData(title="x", status="dropped"),
            "title": plans.ItemData(title="  "),
            "status": plans.ItemData(title="x", status="finished"),
            "phase": plans.ItemData(title="x", phase=7),
            "element": plans.ItemData(title="x", element="no.such"),
            "kpi_question": plans.ItemData(title="x", kpi_question="no.such.question"),
            "owner_email": plans.ItemData(title="x", owner_name="M", owner_email="not-an-address"),
            "owner_name": plans.ItemData(title="x", owner_email="m@northwind.example"),
        }
        for field, data in problems.items():
            with pytest.raises(Invalid) as exc:
                plans.update_item(s, world.actor, own.id, data)
            assert exc.value.field == field, (field, exc.value.code)
        # a member of another workspace is no owner here
        other = _other_workspace_member(s)
        with pytest.raises(Invalid) as exc:
            plans.update_item(
                s, world.actor, own.id, plans.ItemData(title="x", owner_user_id=other)
            )
        assert exc.value.field == "owner"
        bind_workspace(s, world.actor.workspace_id)
        dropped = plans.ItemData(
            title="Weekly pipeline review", status="dropped", drop_reason="CRM"
        )
        plans.update_item(s, world.actor, own.id, dropped)
        assert own.drop_reason == "CRM"
        note = plans.add_note(s, world.actor, own.id, "  Agreed with Marta on Monday.  ")
        assert (note.text, note.author_label) == ("Agreed with Marta on Monday.", "Olga Owner")
        with pytest.raises(Invalid):
            plans.add_note(s, world.actor, own.id, " ")
        changed = _events(s, "plan.item_changed")
        assert changed[-1].details["status"] == ["in_progress", "dropped"]
        assert changed[-1].target == f"plan_item:{own.id}"
        assert {e.event for e in s.scalars(select(AuditEntry))} >= {
            "plan.item_added",
            "plan.item_changed",
            "plan.note_added",
        }
        plans.delete_item(s, world.actor, own.id)
        assert _events(s, "plan.item_deleted")
        viewer = Actor(world.actor.user_id, world.actor.workspace_id, MemberRole.VIEWER)
        with pytest.raises(PermissionDenied):
            plans.add_item(s, viewer, world.assessment_id, base)
        with pytest.raises(PermissionDenied):
            plans.seed_from_roadmap(s, viewer, world.assessment_id, TODAY)


def _other_workspace_member(s: Session) -> int:
    from assessment.db.models import Workspace

    with unscoped(s), write_transaction(s):
        ws = Workspace(name="Rival")
        s.add(ws)
    user = accounts.add_member(
        s, ws.id, "Rita Rival", "rita@rival.example", "rival password 123", MemberRole.OWNER
    )
    return user.id


def _set_closed_at(s: Session, assessment_id: int, when: dt.datetime) -> None:
    with write_transaction(s):
        a = s.get(Assessment, assessment_id)
        assert a is not None
        a.closed_at = when


def test_a_follow_up_carries_the_unfinished_plan_and_closes_the_loop(world: World) -> None:
    with world.app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        plans.seed_from_roadmap(s, world.actor, world.assessment_id, TODAY)
        rows = _items(s)
        first, second = rows[0], rows[1]
        plans.update_item(
            s,
            world.actor,
            first.id,
            plans.ItemData(
                title=first.title,
                phase=first.phase,
                element=first.element_id,
                status="done",
                kpi_question=first.kpi_question,
                baseline=first.baseline,
                target=first.target,
            ),
        )
        follow = followups.start_followup(s, world.actor, world.assessment_id, "Second round")
        new_id = follow.assessment.id
        carried = _items(s, assessment_id=new_id)
        assert len(carried) == len(rows) - 1  # the done item stays behind
        assert {c.carried_from_id for c in carried} == {r.id for r in rows[1:]}
        assert _events(s, "plan.carried")[0].details["items"] == [r.id for r in rows[1:]]
        # the copy is worked on in the new round; the loop follows it
        copy = next(c for c in carried if c.carried_from_id == second.id)
        plans.update_item(
            s,
            world.actor,
            copy.id,
            plans.ItemData(
                title=copy.title,
                phase=copy.phase,
                element=copy.element_id,
                status="dropped",
                drop_reason="merged",
            ),
        )
        # the plan page shows only current versions: originals that went on are hidden
        live = core.live(plans.client_plan(s, world.client_id))
        assert second.id not in {i.id for i in live} and copy.id in {i.id for i in live}
        assert [i.id for i in plans.round_plan(s, s.get(Assessment, world.assessment_id))] == [
            first.id
        ]
        # answer and close the follow-up, then read the loop
        new = s.get(Assessment, new_id)
        assert new is not None
        set_status(s, world.actor, new_id, "open")
        s.execute(Respondent.__table__.delete().where(Respondent.assessment_id == new_id))
        s.commit()
        _answer(new, 0.75)
        set_status(s, world.actor, new_id, "closed")
        results = compute_results(s, new)
        sources = chain_sources(s, new, results)
        loop = plans.follow_through(s, new, sources)
        assert loop is not None and loop.previous_id == world.assessment_id
        by_id = {r.item.id: r for r in loop.rows}
        assert set(by_id) == {r.id for r in rows}
        assert by_id[first.id].status is core.Status.DONE and not by_id[first.id].carried
        assert by_id[second.id].status is core.Status.DROPPED and by_id[second.id].carried
        assert by_id[second.id].drop_reason == "merged"
        moved = by_id[first.id].element
        assert moved is not None and moved.change is not None and moved.change > 0
        assert moved.significant in (True, False, None)
        # an assessment without a previous round, or whose previous one committed nothing
        assert plans.follow_through(s, s.get(Assessment, world.assessment_id), None) is None


def test_the_rhythm_proposes_the_next_round_and_starts_it_in_one_click(world: World) -> None:
    with world.app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        plans.seed_from_roadmap(s, world.actor, world.assessment_id, TODAY)
        closed = dt.datetime(2026, 12, 20, 12, 0, tzinfo=dt.UTC)
        _set_closed_at(s, world.assessment_id, closed)
        assert rhythm.proposals(s, TODAY) == []  # no cadence yet
        with pytest.raises(Invalid):
            rhythm.set_rhythm(s, world.actor, world.client_id, 4, False)
        rhythm.set_rhythm(s, world.actor, world.client_id, 3, True)
        assert _events(s, "client.rhythm")[0].details == {"months": 3, "plan_reminders": True}
        # due on 20 March 2027, proposed from 6 March
        assert rhythm.proposals(s, dt.date(2027, 3, 5)) == []
        (proposal,) = rhythm.proposals(s, TODAY)
        assert (proposal.client_id, proposal.last_id, proposal.due) == (
            world.client_id,
            world.assessment_id,
            dt.date(2027, 3, 20),
        )
        client = s.get(Assessment, world.assessment_id).client  # type: ignore[union-attr]
        state = rhythm.rhythm_of(s, client, TODAY)
        assert state.proposed and state.due == dt.date(2027, 3, 20)
        people = s.scalar(
            select(func.count(Respondent.id)).where(Respondent.assessment_id == world.assessment_id)
        )
        started = rhythm.start_next_round(s, world.actor, world.client_id, "Q2 round")
        new = started.assessment
        assert (new.status, new.previous_id, new.title) == (
            AssessmentStatus.DRAFT,
            world.assessment_id,
            "Q2 round",
        )
        assert len(started.issued) == people  # the respondent list is carried over
        assert _items(s, assessment_id=new.id)  # and the unfinished plan
        assert rhythm.proposals(s, TODAY) == []  # a round is in progress now
        assert rhythm.rhythm_of(s, client, TODAY).started_title == "Q2 round"
        with pytest.raises(Conflict) as exc:
            rhythm.start_next_round(s, world.actor, world.client_id, "again")
        assert exc.value.code == "rhythm.in_progress"


def test_the_share_step_is_worded_in_the_assessment_language(world: World) -> None:
    with world.app.app_context():
        s = db.session
        bind_workspace(s, world.actor.workspace_id)
        a = s.get(Assessment, world.assessment_id)
        assert a is not None
        seed = core.Seed(
            SHARE_RESULTS,
            a.client.name and "crm",
            "",
            (),
            "executive",
            0,
            TODAY,
            "",
            "",
            None,
            None,
        )
        with write_transaction(s):
            a.language = "pl"
        report = plans._seed_rows(s, world.actor, a, [seed], "pl", "plan.seeded")
        assert report.added[0].title.startswith("Omówić wyniki z handlowcami")
