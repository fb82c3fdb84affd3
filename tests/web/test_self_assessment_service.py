"""Starting a self-assessment is one use case in one write transaction: all rows or none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.models import (
    Assessment,
    AssessmentStatus,
    Client,
    MemberRole,
    Membership,
    QuestionnaireVersion,
    Respondent,
)
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import self_assessment
from assessment.services.actor import Actor
from assessment.services.errors import Invalid, PermissionDenied
from assessment.services.self_assessment import SelfAssessmentRequest, start_self_assessment


@pytest.fixture
def actor(owner: FlaskClient, app: Flask) -> Iterator[Actor]:
    """The owner (signed up through the web) as an actor, inside an app context."""
    with app.app_context():
        s = db.session
        with unscoped(s):
            m = s.scalar(select(Membership).order_by(Membership.id))
        assert m is not None
        bind_workspace(s, m.workspace_id)
        yield Actor(m.user_id, m.workspace_id, m.role)
        db.session.remove()


def _request(**changes: Any) -> SelfAssessmentRequest:
    values: dict[str, Any] = {
        "organization": "Acme Sales",
        "title": "Self-assessment",
        "language": "en",
        "role": "executive",
        "respondent_name": "Olga Owner",
    }
    values.update(changes)
    return SelfAssessmentRequest(**values)


def _counts() -> dict[str, int]:
    s = db.session
    with unscoped(s):
        return {
            model.__name__: s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Client, Assessment, Respondent, QuestionnaireVersion)
        }


def _forget_shipped_version() -> None:
    """Remove the stored shipped questionnaire, so the start has to store it again."""
    s = db.session
    with write_transaction(s):
        s.execute(delete(QuestionnaireVersion))


@pytest.fixture
def commits() -> Iterator[list[Session]]:
    """Every commit of any session while the test runs."""
    seen: list[Session] = []

    def record(session: Session) -> None:
        seen.append(session)

    event.listen(Session, "after_commit", record)
    yield seen
    event.remove(Session, "after_commit", record)


def test_start_writes_every_row_in_one_transaction(actor: Actor, commits: list[Session]) -> None:
    _forget_shipped_version()
    before = _counts()
    db.session.rollback()  # end the counting query's read transaction
    commits.clear()
    started = start_self_assessment(db.session, actor, _request())
    assert len(commits) == 1
    assert _counts() == {
        "Client": before["Client"] + 1,
        "Assessment": before["Assessment"] + 1,
        "Respondent": before["Respondent"] + 1,
        "QuestionnaireVersion": before["QuestionnaireVersion"] + 1,
    }
    a = started.assessment
    assert a.is_self_assessment and a.status is AssessmentStatus.OPEN and a.opened_at
    assert a.title == "Self-assessment" and a.client.name == "Acme Sales"
    r = started.respondent
    assert (r.assessment_id, r.role, r.name, r.code) == (a.id, "executive", "Olga Owner", "R0001")
    assert r.token_hash and r.workspace_id == actor.workspace_id


def test_start_reuses_the_client_of_that_name(actor: Actor) -> None:
    first = start_self_assessment(db.session, actor, _request())
    second = start_self_assessment(db.session, actor, _request(role="sales_manager"))
    assert first.assessment.client_id == second.assessment.client_id
    assert first.assessment.id != second.assessment.id
    assert _counts()["Client"] == 1


def test_a_failure_midway_leaves_no_row(actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client, the questionnaire version and the assessment are already added when the
    respondent fails: the whole start is rolled back."""
    _forget_shipped_version()
    before = _counts()

    def broken(*_args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(self_assessment, "issue_links", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        start_self_assessment(db.session, actor, _request())
    assert _counts() == before


def test_an_invalid_role_is_refused_with_nothing_written(actor: Actor) -> None:
    before = _counts()
    with pytest.raises(Invalid, match="role must be one of") as refused:
        start_self_assessment(db.session, actor, _request(role="astronaut"))
    assert refused.value.field == "role"
    assert _counts() == before


def test_viewers_cannot_start_one(actor: Actor) -> None:
    viewer = Actor(actor.user_id, actor.workspace_id, MemberRole.VIEWER)
    before = _counts()
    with pytest.raises(PermissionDenied):
        start_self_assessment(db.session, viewer, _request())
    assert _counts() == before
