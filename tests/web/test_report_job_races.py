"""Report jobs requested at the same moment (hostile-run finding 3, under concurrency).

The check "is an identical job in flight, is the member at the cap" and the insert of the
new job must be one step: at PostgreSQL's READ COMMITTED, parallel requests that all check
before any of them commits would all see room and all insert.  The requests lock the
workspace row first, so they queue up.

To make the race certain rather than likely, each new job waits a moment before it is
written (between the check and the commit): without the lock every parallel request
passes the check.  Each request runs in its own thread and database session.  Runs on
SQLite and, with ``TEST_DATABASE_URL``, on PostgreSQL (``db`` marker).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from assessment.db.models import MemberRole, ReportJob, ShareLink, User
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db as _db
from assessment.services import report_jobs
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment
from assessment.services.errors import Conflict
from tests.web.conftest import new_assessment, new_client
from tests.web.guests import share_link
from tests.web.parallel import in_parallel

PARALLEL = 6
WIDEN_S = 0.2


def _actor(app: Flask) -> Actor:
    with app.app_context(), unscoped(_db.session()) as session:
        user = session.scalar(select(User))
        assert user is not None
        actor = Actor(user.id, user.memberships[0].workspace_id, MemberRole.OWNER)
        _db.session.remove()
    return actor


@pytest.fixture
def slow_insert() -> Iterator[None]:
    """Hold every new report job for a moment before it is written."""

    def hold(session: Session, _context: Any, _instances: Any) -> None:
        if any(isinstance(obj, ReportJob) for obj in session.new):
            time.sleep(WIDEN_S)

    event.listen(Session, "before_flush", hold)
    yield
    event.remove(Session, "before_flush", hold)


def _in_parallel(app: Flask, workspace_id: int, calls: list[Callable[[Session], Any]]) -> list[Any]:
    """Each request's (job id, whether it is new), read in its own session, or the exception
    it raised."""

    def summarised(call: Callable[[Session], Any]) -> Callable[[Session], Any]:
        def run(session: Session) -> tuple[int, bool]:
            result = call(session)
            return result.job.id, result.new

        return run

    return in_parallel(app, workspace_id, [summarised(call) for call in calls])


def _jobs(app: Flask, workspace_id: int) -> list[tuple[int, int, str]]:
    with app.app_context():
        bind_workspace(_db.session(), workspace_id)
        rows = _db.session.execute(
            select(ReportJob.id, ReportJob.assessment_id, ReportJob.language).order_by(ReportJob.id)
        ).all()
        _db.session.remove()
    return [(r[0], r[1], r[2]) for r in rows]


def test_identical_requests_at_once_make_one_job(
    owner: FlaskClient, app: Flask, slow_insert: None
) -> None:
    aid = new_assessment(owner, new_client(owner))
    actor = _actor(app)
    outcomes = _in_parallel(
        app,
        actor.workspace_id,
        [lambda s: report_jobs.request_report(s, actor, aid, "en")] * PARALLEL,
    )
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert sum(new for _id, new in outcomes) == 1, outcomes
    assert len({job_id for job_id, _new in outcomes}) == 1, outcomes
    assert len(_jobs(app, actor.workspace_id)) == 1


def test_the_cap_holds_for_requests_at_once(
    owner: FlaskClient, app: Flask, slow_insert: None
) -> None:
    cid = new_client(owner)
    ids = [new_assessment(owner, cid, title=f"Round {i}") for i in range(PARALLEL)]
    actor = _actor(app)

    def member(aid: int) -> Callable[[Session], Any]:
        return lambda s: report_jobs.request_report(s, actor, aid, "en")

    outcomes = _in_parallel(app, actor.workspace_id, [member(a) for a in ids])
    cap = report_jobs.MAX_JOBS_IN_FLIGHT_PER_USER
    accepted = [o for o in outcomes if isinstance(o, tuple)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(accepted) == cap and all(new for _id, new in accepted), outcomes
    assert len(refused) == PARALLEL - cap, outcomes
    assert len(_jobs(app, actor.workspace_id)) == cap


def test_a_guest_link_is_deduplicated_and_capped_at_once(
    owner: FlaskClient, app: Flask, slow_insert: None
) -> None:
    cid = new_client(owner)
    ids = [new_assessment(owner, cid, title=f"Round {i}") for i in range(PARALLEL)]
    share_link(owner, cid)
    actor = _actor(app)
    with app.app_context():
        bind_workspace(_db.session(), actor.workspace_id)
        link_id = _db.session.scalar(select(ShareLink.id))
        _db.session.remove()
    assert link_id is not None

    def guest(aid: int) -> Callable[[Session], Any]:
        return lambda s: report_jobs.request_guest_report(s, link_id, get_assessment(s, aid), "en")

    same = _in_parallel(app, actor.workspace_id, [guest(ids[0])] * PARALLEL)
    assert all(isinstance(o, tuple) for o in same), same
    assert sum(new for _id, new in same) == 1 and len({i for i, _n in same}) == 1, same
    assert len(_jobs(app, actor.workspace_id)) == 1

    # One job of the link is in flight: of five other assessments at once, one more fits.
    others = _in_parallel(app, actor.workspace_id, [guest(a) for a in ids[1:]])
    cap = report_jobs.MAX_JOBS_IN_FLIGHT_PER_LINK
    assert sum(isinstance(o, tuple) for o in others) == cap - 1, others
    assert sum(isinstance(o, Conflict) for o in others) == PARALLEL - cap, others
    assert len(_jobs(app, actor.workspace_id)) == cap
