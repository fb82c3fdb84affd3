"""Report jobs are deduplicated and capped per member (hostile-run finding 3).

A viewer queued six renders of the same report in a row, each rendered in full.  An
identical request in flight is now reused, and one member has at most three jobs in flight.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessment.db import write_transaction
from assessment.db.models import MemberRole, ReportJob, User
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db as _db
from assessment.services import report_jobs
from assessment.services.actor import Actor
from assessment.services.errors import Conflict
from tests.web.conftest import new_assessment, new_client


def _actor(app: Flask) -> Actor:
    with app.app_context(), unscoped(_db.session) as session:
        user = session.scalar(select(User))
        assert user is not None
        actor = Actor(user.id, user.memberships[0].workspace_id, MemberRole.OWNER)
        _db.session.remove()
    return actor


def test_identical_request_in_flight_is_reused_and_members_are_capped(
    owner: FlaskClient, app: Flask
) -> None:
    cid = new_client(owner)
    ids = [new_assessment(owner, cid, title=f"Round {i}") for i in range(5)]
    actor = _actor(app)
    with app.app_context():
        session = _db.session
        bind_workspace(session, actor.workspace_id)
        first = report_jobs.request_report(session, actor, ids[0], "en")
        again = report_jobs.request_report(session, actor, ids[0], "en")
        assert first.new and not again.new and again.job.id == first.job.id
        other_language = report_jobs.request_report(session, actor, ids[0], "pl")
        assert other_language.new
        report_jobs.request_report(session, actor, ids[1], "en")
        try:
            report_jobs.request_report(session, actor, ids[2], "en")
        except Conflict as exc:
            assert "3 reports" in str(exc)
        else:
            raise AssertionError("a fourth job in flight was accepted")
        # The identical request is still answered while the member is at the cap.
        assert report_jobs.request_report(session, actor, ids[1], "en").new is False
        # Once a job has finished, the member may ask for another.
        with write_transaction(session):
            first.job.status = "done"
        assert report_jobs.request_report(session, actor, ids[2], "en").new
        count = session.scalar(select(func.count()).select_from(ReportJob))
        assert count == 4
        _db.session.remove()
