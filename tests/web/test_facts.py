"""Organization facts: the service (validation, permissions, one transaction) and scoring."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db.models import MemberRole, Membership, OrganizationFact
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import facts
from assessment.services.actor import Actor
from assessment.services.assessments import compute_results, get_assessment
from assessment.services.crm_evidence import EvidenceUpload, import_evidence
from assessment.services.errors import Invalid, PermissionDenied
from assessment.services.facts import FactInput
from tests.web.conftest import new_assessment, new_client

CRM = Path(__file__).parents[1] / "data" / "crm"


def _actor() -> Actor:
    s = db.session
    with unscoped(s):
        m = s.scalar(select(Membership).order_by(Membership.id))
    assert m is not None
    bind_workspace(s, m.workspace_id)
    return Actor(m.user_id, m.workspace_id, m.role)


@pytest.fixture
def aid(owner: FlaskClient) -> int:
    return new_assessment(owner, new_client(owner))


def _kpi(aid: int, qid: str) -> dict[str, object]:
    results = compute_results(db.session, get_assessment(db.session, aid))
    for el in results.elements:
        for k in el.kpis:
            if k.question == qid:
                return k.to_dict()
    raise AssertionError(qid)


def test_set_list_score_and_clear_a_fact(app: Flask, aid: int) -> None:
    with app.app_context():
        actor = _actor()
        row = facts.set_fact(
            db.session, actor, aid, "win_loss.win_rate", FactInput("27,5", " Finance dashboard Q3 ")
        )
        assert (row.value, row.source, row.entered_by_id) == (
            27.5,
            "Finance dashboard Q3",
            actor.user_id,
        )
        assert row.entered_at is not None
        assert [f.question_id for f in facts.list_facts(db.session, aid)] == ["win_loss.win_rate"]
        kpi = _kpi(aid, "win_loss.win_rate")
        assert (kpi["value"], kpi["source"], kpi["reference"]) == (
            27.5,
            "fact",
            "Finance dashboard Q3",
        )
        assert kpi["band"] is not None and kpi["answers"] == 0
        # replacing keeps one row per question
        facts.set_fact(db.session, actor, aid, "win_loss.win_rate", FactInput(31, "CFO"))
        assert [(f.value, f.source) for f in facts.list_facts(db.session, aid)] == [(31.0, "CFO")]
        facts.clear_fact(db.session, actor, aid, "win_loss.win_rate")
        assert facts.list_facts(db.session, aid) == []
        assert _kpi(aid, "win_loss.win_rate")["source"] is None  # no answers, no fact


@pytest.mark.parametrize(
    ("question", "entry", "field", "message"),
    [
        ("crm.single_source", FactInput("3", "x"), "question", "not a KPI question"),
        ("nope.nope", FactInput("3", "x"), "question", "not a KPI question"),
        ("win_loss.win_rate", FactInput("140", "x"), "value", "outside the allowed range"),
        ("win_loss.win_rate", FactInput("lots", "x"), "value", "not a number"),
        ("win_loss.win_rate", FactInput("1 000", "x"), "value", "not a number"),
        ("win_loss.win_rate", FactInput("40", "  "), "source", "where the figure comes from"),
        ("win_loss.win_rate", FactInput("40", "x" * 301), "source", "longer than 300"),
    ],
)
def test_facts_are_validated(
    app: Flask, aid: int, question: str, entry: FactInput, field: str, message: str
) -> None:
    with app.app_context():
        with pytest.raises(Invalid, match=message) as info:
            facts.set_fact(db.session, _actor(), aid, question, entry)
        assert info.value.field == field
        assert facts.list_facts(db.session, aid) == []


def test_several_changes_are_all_or_nothing(app: Flask, aid: int) -> None:
    with app.app_context():
        actor = _actor()
        with pytest.raises(Invalid):
            facts.set_facts(
                db.session,
                actor,
                aid,
                {
                    "win_loss.win_rate": FactInput("30", "CRM report"),
                    "pipeline.coverage_ratio": FactInput("99", "x"),
                },
            )
        assert facts.list_facts(db.session, aid) == []
        stored = facts.set_facts(
            db.session,
            actor,
            aid,
            {
                "win_loss.win_rate": FactInput("30", "CRM report"),
                "pipeline.coverage_ratio": FactInput("3", "Finance"),
            },
        )
        assert {f.question_id for f in stored} == {"win_loss.win_rate", "pipeline.coverage_ratio"}
        stored = facts.set_facts(db.session, actor, aid, {"win_loss.win_rate": None})
        assert [f.question_id for f in stored] == ["pipeline.coverage_ratio"]


def test_viewers_read_but_cannot_change_facts(app: Flask, aid: int) -> None:
    with app.app_context():
        actor = _actor()
        facts.set_fact(db.session, actor, aid, "win_loss.win_rate", FactInput("30", "CRM report"))
        viewer = Actor(actor.user_id, actor.workspace_id, MemberRole.VIEWER)
        with pytest.raises(PermissionDenied):
            facts.set_fact(db.session, viewer, aid, "win_loss.win_rate", FactInput("31", "x"))
        with pytest.raises(PermissionDenied):
            facts.clear_fact(db.session, viewer, aid, "win_loss.win_rate")
        assert [f.value for f in facts.list_facts(db.session, aid)] == [30.0]


def test_a_linked_crm_value_wins_over_the_fact(app: Flask, aid: int) -> None:
    with app.app_context():
        actor = _actor()
        facts.set_fact(db.session, actor, aid, "win_loss.win_rate", FactInput("12", "old memo"))
        import_evidence(
            db.session,
            actor,
            aid,
            EvidenceUpload(
                filename="salesforce.csv",
                data=(CRM / "salesforce.csv").read_bytes(),
                quota=4000,
                as_of=date(2024, 7, 1),
            ),
        )
        kpi = _kpi(aid, "win_loss.win_rate")
        assert (kpi["value"], kpi["source"], kpi["reference"]) == (40.0, "crm", "crm.win_rate")
        assert str(kpi["note"]).startswith("salesforce.csv")
        rows = {r.question.id: r for r in facts.fact_rows(db.session, aid)}
        assert rows["win_loss.win_rate"].crm_value == 40.0
        assert rows["win_loss.win_rate"].fact is not None
        assert (
            rows["crm.adoption_rate"].fact is None and rows["crm.adoption_rate"].crm_value is None
        )


def test_facts_belong_to_their_workspace(app: Flask, aid: int) -> None:
    with app.app_context():
        facts.set_fact(
            db.session, _actor(), aid, "win_loss.win_rate", FactInput("30", "CRM report")
        )
        with unscoped(db.session):
            (row,) = db.session.scalars(select(OrganizationFact))
            assert row.workspace_id == get_assessment(db.session, aid).workspace_id
