"""Stored results summaries: current when the answers or settings change, never scoring
closed peers again, and the dashboard and clients list paginated."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from assessment.db import write_transaction
from assessment.db.models import Answer, Assessment, MemberRole, Respondent, ResultsSummary
from assessment.db.tenancy import bind_workspace
from assessment.extensions import current_session
from assessment.services import benchmark, responding, summaries
from assessment.services.actor import Actor
from assessment.services.assessments import (
    AssessmentSettings,
    compute_results,
    get_assessment,
    update_settings,
)
from assessment.services.clients import ClientData, create_client
from assessment.services.questionnaires import model_of
from assessment.services.respondents import RespondentData, add_respondents
from assessment.web.dashboard.page import MAX_REFRESH, PER_CLIENT, PER_PAGE
from tests.perf.workspace import Built, build

OWNER = Actor(1, 1, MemberRole.OWNER)


def _session() -> Any:
    session = current_session()
    bind_workspace(session, 1)
    return session


def _stored(app: Flask, assessment_id: int) -> ResultsSummary | None:
    with app.app_context():
        session = _session()
        row = session.scalar(
            select(ResultsSummary).where(ResultsSummary.assessment_id == assessment_id)
        )
        if row is not None:
            session.expunge(row)
        session.close()
        return row


def _live_overall(app: Flask, assessment_id: int) -> float | None:
    with app.app_context():
        session = _session()
        score = compute_results(session, get_assessment(session, assessment_id)).overall.score
        session.close()
        return score


def _dashboard_score(owner: FlaskClient, assessment_id: int) -> str:
    html = owner.get("/").get_data(as_text=True)
    row = html.split(f'href="/assessments/{assessment_id}"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', row, re.S)
    return re.sub(r"<[^>]+>", "", cells[0]).strip()


def test_closing_and_importing_store_the_summary(owner: FlaskClient, app: Flask) -> None:
    built = build(app, 1, 4)
    closed = _stored(app, built.closed_id)
    assert closed is not None and closed.respondents == 4
    assert closed.overall == _live_overall(app, built.closed_id)
    with app.app_context():
        a = get_assessment(_session(), built.closed_id)
        assert a.closed_at is not None and closed.computed_at >= a.closed_at
    imported = _stored(app, built.open_id)
    assert imported is not None and imported.respondents == 4  # stored by the import


def test_an_answer_makes_the_summary_stale_and_the_dashboard_shows_the_new_score(
    owner: FlaskClient, app: Flask
) -> None:
    built = build(app, 1, 3)
    assert owner.get("/").status_code == 200
    before = _stored(app, built.open_id)
    with app.app_context():
        session = _session()
        a = get_assessment(session, built.open_id)
        q = model_of(a.questionnaire_version)
        (link,) = add_respondents(session, OWNER, a.id, [RespondentData(role="executive")])
        rid = link.respondent.id
        for question in q.questions().values():
            if question.options and "executive" in question.roles:
                responding.save_answer(session, rid, question.id, question.options[0].value)
        session.close()
    expected = _live_overall(app, built.open_id)
    assert before is not None and expected is not None and before.overall != expected
    assert _dashboard_score(owner, built.open_id) == str(round(expected))
    after = _stored(app, built.open_id)
    assert after is not None and after.overall == expected and after.respondents == 5

    # Changing an answer of an existing respondent (no new respondent) is seen too.
    with app.app_context():
        session = _session()
        for question in q.questions().values():
            if question.options and "executive" in question.roles:
                responding.save_answer(session, rid, question.id, question.options[-1].value)
        session.close()
    changed = _live_overall(app, built.open_id)
    assert changed != expected
    assert _dashboard_score(owner, built.open_id) == str(round(changed or 0))


def test_new_weights_are_stored_at_once(owner: FlaskClient, app: Flask) -> None:
    built = build(app, 1, 4)
    with app.app_context():
        session = _session()
        a = get_assessment(session, built.closed_id)
        element = model_of(a.questionnaire_version).elements[0].id
        update_settings(
            session,
            OWNER,
            a.id,
            AssessmentSettings(title=a.title, overrides={element: {"weight": 0.0}}),
        )
        session.close()
    row = _stored(app, built.closed_id)
    assert row is not None and row.weights[element] == 0.0
    assert row.overall == _live_overall(app, built.closed_id)


def test_benchmark_reads_peers_without_scoring_them(
    owner: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(app, 3, 3)

    def _no_scoring(*args: object, **kwargs: object) -> None:
        raise AssertionError("a closed peer was scored again")

    benchmark.clear_cache()
    monkeypatch.setattr(summaries, "compute_results", _no_scoring)
    with app.app_context():
        peers = benchmark.peers(_session())
        assert len(peers) == 3 and all(p.scores.overall is not None for p in peers)
        current_session().close()


def test_missing_summaries_are_filled_after_an_upgrade(owner: FlaskClient, app: Flask) -> None:
    built = build(app, 2, 3)
    with app.app_context():
        session = _session()
        expected = {
            a.id: compute_results(session, a).overall.score
            for a in session.scalars(select(Assessment))
        }
        session.execute(delete(ResultsSummary))
        session.commit()
        assert summaries.refresh_stale(session) == 4
        assert summaries.refresh_stale(session) == 0  # all current now
        stored = {r.assessment_id: r.overall for r in session.scalars(select(ResultsSummary))}
        session.close()
    assert stored == expected and built.closed_id in stored


def _outdate_all(app: Flask) -> None:
    """Make every stored summary stale (as if the settings had changed behind its back)."""
    with app.app_context():
        session = _session()
        session.execute(ResultsSummary.__table__.update().values(settings_key="outdated"))
        session.commit()
        session.close()


def test_stale_summaries_beyond_the_budget_are_shown_as_being_updated(
    owner: FlaskClient, app: Flask
) -> None:
    clients = MAX_REFRESH // 2 + 1  # two assessments each: one more than the budget
    build(app, clients, 2)
    _outdate_all(app)
    with app.app_context():
        session = _session()
        assessments = list(session.scalars(select(Assessment).order_by(Assessment.id)))
        got = summaries.summaries_of(session, assessments, max_refresh=1)
        assert [s.current for s in got.values()].count(True) == 1
        assert len(got) == len(assessments)  # the others as stored, flagged
        session.close()
    _outdate_all(app)
    marker = 'title="Being updated'
    assert owner.get("/").get_data(as_text=True).count(marker) == 2 * clients - MAX_REFRESH
    assert owner.get("/").get_data(as_text=True).count(marker) == 0  # caught up


def _names(html: str) -> list[str]:
    return re.findall(r">(Client \d{3})</a>", html)


def test_dashboard_and_clients_list_are_paginated(owner: FlaskClient, app: Flask) -> None:
    with app.app_context():
        session = _session()
        for i in range(PER_PAGE + 3):
            create_client(session, OWNER, ClientData(name=f"Client {i:03d}"))
        session.close()
    first = owner.get("/").get_data(as_text=True)
    assert _names(first) == [f"Client {i:03d}" for i in range(PER_PAGE)]
    assert "Page 1 of 2" in first and 'href="/?page=2"' in first
    second = owner.get("/?page=2").get_data(as_text=True)
    assert _names(second) == [f"Client {i:03d}" for i in range(PER_PAGE, PER_PAGE + 3)]
    assert 'href="/?page=1"' in second and "Next page" not in second
    assert _names(owner.get("/?page=99").get_data(as_text=True)) == _names(second)

    listed = owner.get("/clients/").get_data(as_text=True)
    assert len(_names(listed)) == PER_PAGE + 3 and "Page 1" not in listed  # one page of 50
    with app.app_context():
        session = _session()
        for i in range(PER_PAGE + 3, 51):
            create_client(session, OWNER, ClientData(name=f"Client {i:03d}"))
        session.close()
    assert len(_names(owner.get("/clients/").get_data(as_text=True))) == 50
    assert _names(owner.get("/clients/?page=2").get_data(as_text=True)) == ["Client 050"]


def test_dashboard_lists_the_newest_assessments_of_a_client(owner: FlaskClient, app: Flask) -> None:
    built: Built = build(app, 1, 1)
    with app.app_context():
        session = _session()
        a = get_assessment(session, built.open_id)
        from assessment.services.assessments import create_assessment

        for n in range(PER_CLIENT):
            create_assessment(
                session,
                OWNER,
                built.client_id,
                a.questionnaire_version_id,
                AssessmentSettings(title=f"Later check {n}"),
            )
        session.close()
    html = owner.get("/").get_data(as_text=True)
    assert len(re.findall(r'href="/assessments/\d+"', html)) == PER_CLIENT
    assert "Later check 9" in html and "Closed check" not in html
    assert "2 more assessments on the client's page" in html


def test_answers_that_do_not_score_break_neither_the_dashboard_nor_the_upgrade(
    owner: FlaskClient, app: Flask
) -> None:
    built = build(app, 1, 2)
    with app.app_context():
        session = _session()
        (link,) = add_respondents(session, OWNER, built.open_id, [RespondentData(role="sales_rep")])
        with write_transaction(session):  # written by hand: no such question
            session.add(
                Answer(
                    respondent_id=link.respondent.id,
                    question_id="no.such.question",
                    kind="option",
                    value_text="agree",
                )
            )
        assert summaries.refresh_stale(session) == 0  # logged, not raised
        session.close()
    res = owner.get("/")
    assert res.status_code == 200
    assert "Open check" in res.get_data(as_text=True)


def test_erasing_a_respondent_of_a_closed_assessment_updates_its_peer_scores(
    owner: FlaskClient, app: Flask
) -> None:
    built = build(app, 1, 4)
    with app.app_context():
        session = _session()
        gone = session.scalar(
            select(Respondent.id)
            .where(Respondent.assessment_id == built.closed_id)
            .order_by(Respondent.id)
        )
        with write_transaction(session):  # as an erasure does: rows deleted, no ORM objects
            session.execute(delete(Answer).where(Answer.respondent_id == gone))
            session.execute(delete(Respondent).where(Respondent.id == gone))
        (peer,) = benchmark.peers(session)
        session.close()
    row = _stored(app, built.closed_id)
    assert row is not None and row.respondents == 3
    assert peer.scores.overall == row.overall == _live_overall(app, built.closed_id)


def test_a_new_role_makes_the_summary_stale(owner: FlaskClient, app: Flask) -> None:
    built = build(app, 1, 4)
    with app.app_context():
        session = _session()
        a = get_assessment(session, built.open_id)
        summaries.summaries_of(session, [a])  # current now
        assert summaries.summaries_of(session, [a], max_refresh=0)[a.id].current
        with write_transaction(session):
            person = session.scalars(
                select(Respondent)
                .where(Respondent.assessment_id == built.open_id, Respondent.role == "sales_rep")
                .order_by(Respondent.id)
            ).first()
            assert person is not None
            person.role = "executive"
        a = get_assessment(session, built.open_id)
        (summary,) = summaries.summaries_of(session, [a], max_refresh=0).values()
        assert not summary.current
        session.close()


def test_an_organization_fact_makes_the_summary_stale(owner: FlaskClient, app: Flask) -> None:
    from assessment.services.facts import FactInput, kpi_questions, set_fact

    built = build(app, 1, 4)
    before = _stored(app, built.closed_id)
    with app.app_context():
        session = _session()
        a = get_assessment(session, built.closed_id)
        question = kpi_questions(model_of(a.questionnaire_version))[0]
        bands = question.bands or ()
        # A value in the lowest band: far from what the synthetic respondents answered.
        low = bands[0].min if bands and bands[0].min is not None else 0.0
        set_fact(session, OWNER, a.id, question.id, FactInput(low, "annual report"))
        assert not summaries.summaries_of(session, [a], max_refresh=0)[a.id].current
        (peer,) = benchmark.peers(session)
        session.close()
    expected = _live_overall(app, built.closed_id)
    assert before is not None and expected != before.overall
    assert peer.scores.overall == expected
