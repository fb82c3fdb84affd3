"""A question only one person answered shows no answers on the results page (members and
guests alike): the sales director's answers would otherwise be a group score of one."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db import write_transaction
from assessment.db.models import Answer, Assessment
from assessment.db.tenancy import bind_workspace
from assessment.extensions import db
from assessment.services.assessments import compute_results
from assessment.services.questionnaires import model_of
from assessment.services.respondents import RespondentData, add_respondents
from tests.web.test_followups_trends import _actor, closed_assessment


def _answers(app: Flask, aid: int, role: str, people: int) -> None:
    """``people`` of ``role`` answer every option question put to their role (the first
    option)."""
    with app.app_context():
        s = db.session
        bind_workspace(s, 1)
        a = s.scalar(select(Assessment).where(Assessment.id == aid))
        assert a is not None
        q = model_of(a.questionnaire_version)
        links = add_respondents(s, _actor(None), aid, [RespondentData(role=role)] * people)
        asked = [qu for qu in q.questions().values() if qu.options and role in qu.roles]
        with write_transaction(s):
            for link in links:
                for qu in asked:
                    s.add(
                        Answer(
                            respondent_id=link.respondent.id,
                            question_id=qu.id,
                            kind="option",
                            value_text=qu.options[0].value,
                        )
                    )
        db.session.remove()


def test_the_directors_answers_are_not_shown_question_by_question(
    owner: FlaskClient, app: Flask
) -> None:
    aid = closed_assessment(app, "Northwind", 0.5, close=False)
    # Leadership is the director and three managers: large enough to be shown, so the
    # director's answers count; the questions put only to the director are a group of one.
    _answers(app, aid, "sales_manager", 3)
    _answers(app, aid, "executive", 1)
    with app.app_context():
        bind_workspace(db.session, 1)
        a = db.session.get(Assessment, aid)
        assert a is not None
        results = compute_results(db.session, a)
        db.session.remove()
    alone = [
        qx.id
        for el in results.elements
        for qx in el.questions
        if qx.type != "number" and qx.answered == 1
    ]
    assert alone, "questions only the director was asked"
    page = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert page.count("Not shown: fewer than 3 people answered this question.") == len(alone)
    # A question the three reps answered still shows its distribution.
    assert ": 3;" in page or ": 3<" in page
