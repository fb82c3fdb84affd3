"""SQLite plans one assessment's answers through its respondents, never through every answer
of the workspace (the tenant filter's ``answer.workspace_id = ?`` once led it there)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.extensions import current_session, db
from assessment.services import data_exchange
from assessment.services.assessments import compute_results, get_assessment
from tests.perf.test_summaries import OWNER, _session
from tests.perf.workspace import build
from tests.querycount import counting


def test_answers_of_one_assessment_are_found_through_its_respondents(
    owner: FlaskClient, app: Flask
) -> None:
    built = build(app, 2, 3)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
        session = _session()
        a = get_assessment(session, built.closed_id)
        with counting(db.engine) as queries:
            compute_results(session, a)
            data_exchange.export_responses(session, OWNER, a.id, shape="long", fmt="csv")
        touching = [
            (sql, params)
            for sql, params in queries.statements
            if " answer" in sql or " element_comment" in sql
        ]
        assert len(touching) >= 4, queries.report()
        with db.engine.connect() as conn:
            for sql, params in touching:
                plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
                text = " | ".join(plan)
                assert plan[0].startswith("SEARCH respondent USING"), text
                assert "assessment_id=?" in plan[0], text
                assert not any(step.startswith("SCAN") for step in plan), text
                assert "workspace_id" not in " ".join(plan[1:]), text
        current_session().close()
