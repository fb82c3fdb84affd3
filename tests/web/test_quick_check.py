"""Quick checks: offered first for self-assessments, then grown into a team assessment.

``tests/data/quickship`` ships ``quickq`` (``kind: quick_check``, ``grows_into: fullq``)
next to ``fullq`` and a mapping between them; the standard questionnaire stays shipped.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessment.core.loader import load_questionnaire, load_questionnaire_text
from assessment.db.models import Answer, Assessment, AssessmentStatus, Respondent
from assessment.extensions import db
from assessment.services import self_assessment
from assessment.services.assessments import set_status
from assessment.services.data_exchange import import_answers
from assessment.services.errors import Conflict
from assessment.services.self_assessment import SelfAssessmentRequest, start_self_assessment
from assessment.services.trends import client_trend
from tests.conftest import DATA
from tests.web.conftest import csrf_token, post_form
from tests.web.test_followups_trends import _actor

QUICK = DATA / "quickship"
STANDARD = Path(__file__).resolve().parents[2] / "questionnaires"


@pytest.fixture(autouse=True)
def ship_quick_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESHEALTH_QUESTIONNAIRES", os.pathsep.join([str(QUICK), str(STANDARD)]))


def answer_quick_check(client: FlaskClient, answer: str = "no") -> str:
    """Start the quick check as a leader through the web and submit it; the results URL."""
    page = client.get("/self-assessment").get_data(as_text=True)
    radios = re.findall(r'<input[^>]*name="questionnaire"[^>]*>', page)
    assert 'value="quickq"' in radios[0] and "checked" in radios[0]  # offered first
    res = post_form(
        client,
        "/self-assessment",
        {
            "questionnaire": "quickq",
            "organization": "Acme Sales",
            "role": "executive",
            "language": "en",
        },
    )
    assert res.headers["Location"].endswith("/respond/"), res.get_data(as_text=True)
    res = client.post("/respond/start", data={"csrf_token": csrf_token(client, "/respond/")})
    while "/respond/page/" in res.headers.get("Location", ""):
        url = res.headers["Location"]
        html = client.get(url).get_data(as_text=True)
        names = set(re.findall(r'name="((?:coach|pipe)\.[a-z_]+)"', html))
        data = {"csrf_token": csrf_token(client, url), "go": "next", **dict.fromkeys(names, answer)}
        res = client.post(url, data=data)
    res = client.post(
        "/respond/submit",
        data={"csrf_token": csrf_token(client, "/respond/review")},
    )
    res = client.get("/respond/thanks")
    assert re.search(r"/assessments/\d+/results$", res.headers["Location"])
    return str(res.headers["Location"])


def test_quick_checks_are_offered_first() -> None:
    offered = self_assessment.choices("en")
    # quick checks first (by id; the shipped sales-quick-check too), then the standard one
    assert [c.id for c in offered][:3] == ["quickq", "sales-quick-check", "sales-org-health"]
    quick = offered[0]
    assert quick.quick_check and quick.questions == 3 and quick.title == "Quick check"
    assert not next(c for c in offered if c.id == "fullq").quick_check


def test_grow_a_submitted_quick_check_into_a_team_assessment(
    owner: FlaskClient, app: Flask
) -> None:
    results_url = answer_quick_check(owner)
    quick_id = int(results_url.split("/")[-2])
    html = owner.get(results_url).get_data(as_text=True)
    assert "Grow into a full team assessment" in html
    assert "Full team check asks your managers and sales team too (5 questions" in html
    assert "Start weekly coaching" in html  # an instant result and its recommendation
    res = post_form(
        owner,
        f"/assessments/{quick_id}/grow",
        {"title": "Acme team check"},
        form_url=results_url,
    )
    assert res.status_code == 302
    grown_id = int(res.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        _actor()
        s = db.session
        quick = s.get(Assessment, quick_id)
        grown = s.get(Assessment, grown_id)
        assert quick is not None and grown is not None
        assert grown.client_id == quick.client_id and grown.previous_id == quick.id
        assert grown.questionnaire_version.qid == "fullq"
        assert grown.status is AssessmentStatus.DRAFT and not grown.is_self_assessment
        (leader,) = s.scalars(select(Respondent).where(Respondent.assessment_id == grown_id))
        (quick_leader,) = s.scalars(select(Respondent).where(Respondent.assessment_id == quick_id))
        assert (leader.role, leader.name) == ("executive", quick_leader.name)
        assert leader.token_hash and leader.submitted_at is None
        answers = s.scalar(
            select(func.count()).select_from(Answer).where(Answer.respondent_id == leader.id)
        )
        assert answers == 0  # the quick check's answers are not copied
        # asked again (a double submit): the same assessment, nothing new
        again = self_assessment.grow_into_full(s, _actor(), quick_id, "Twice")
        assert again.assessment.id == grown_id and again.leader is None
        db.session.remove()
    page = owner.get(results_url).get_data(as_text=True)
    assert "has grown into a team assessment" in page and "Acme team check" in page
    assert f'action="/assessments/{quick_id}/grow"' not in page


def test_the_trend_compares_the_quick_check_with_the_team_assessment(
    owner: FlaskClient, app: Flask
) -> None:
    """The shipped mapping matches the shared items across the two questionnaires."""
    results_url = answer_quick_check(owner, answer="yes")
    quick_id = int(results_url.split("/")[-2])
    answers = "respondent,role,question,value\n" + "".join(
        f"m{i},sales_manager,{qid},yes\n"
        for i in range(3)
        for qid in ("coach.weekly", "coach.plans", "coach.ride_along", "pipe.review")
    )
    with app.app_context():
        s = db.session
        actor = _actor()
        grown = self_assessment.grow_into_full(s, actor, quick_id, "Team").assessment
        set_status(s, actor, grown.id, "open")
        import_answers(s, actor, grown.id, answers.encode(), "team.csv", shape="long")
        trend = client_trend(s, grown.client_id)
        assert [p.key for p in trend.points] == [quick_id, grown.id]
        (step,) = trend.transitions
        assert step.mapping_used and not step.same_version
        rows = {row.key: row for row in trend.elements}
        # pipe.quick_review is pipe.review (the mapping): the pipeline element compares
        assert rows["pipe"].cells[-1].comparable is True
        assert rows["coach"].cells[-1].reason == "questions_changed"  # 2 of 3 items shared
        not_comparable = {(n.kind, n.item_id, n.reason) for n in trend.not_comparable}
        assert ("question", "pipe.quick_review", "unmapped") not in not_comparable
        assert ("question", "pipe.stages", "new") in not_comparable  # listed, never dropped
        client_id = grown.client_id
        db.session.remove()
    html = owner.get(f"/clients/{client_id}/trend").get_data(as_text=True)
    assert "matched by stable ids and the uploaded mapping" in html


def test_only_a_submitted_quick_check_grows(owner: FlaskClient, app: Flask) -> None:
    with app.app_context():
        s = db.session
        actor = _actor()
        started = start_self_assessment(
            s,
            actor,
            SelfAssessmentRequest("Acme", "Quick check", "en", "executive", "Olga", "quickq"),
        )
        with pytest.raises(Conflict) as info:
            self_assessment.grow_into_full(s, actor, started.assessment.id, "Team")
        assert info.value.code == "grow.not_submitted"
        standard = start_self_assessment(
            s, actor, SelfAssessmentRequest("Acme", "Self", "en", "executive", "Olga")
        )
        with pytest.raises(Conflict) as info:
            self_assessment.grow_into_full(s, actor, standard.assessment.id, "Team")
        assert info.value.code == "grow.not_quick_check"
        db.session.remove()


def test_kind_and_grows_into_are_checked() -> None:
    q = load_questionnaire(QUICK / "quickq")
    assert q.is_quick_check and q.grows_into == "fullq"
    text = (QUICK / "fullq" / "questionnaire.yaml").read_text()
    from assessment.core.loader import QuestionnaireError

    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire_text(text.replace("version:", "grows_into: quickq\nversion:"), "f.yaml")
    assert [str(p) for p in info.value.problems] == [
        "f.yaml: grows_into: only a quick check (kind: quick_check) grows into"
    ]
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire_text(text.replace("version:", "kind: pulse\nversion:"), "f.yaml")
    assert str(info.value.problems[0]).startswith("f.yaml: kind: Input should be 'full' or")
