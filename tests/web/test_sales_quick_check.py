"""The shipped quick check, end to end: offered first, answered alone, instant results with
recommendations, grown into a team assessment of sales-org-health, and the trend between them.

``tests/web/test_quick_check.py`` tests the plumbing with a toy questionnaire; this file uses
``questionnaires/sales-quick-check`` as shipped (issue 14, "A quick check for sales leaders").
"""

from __future__ import annotations

import html as htmllib
import re

from flask import Flask
from flask.testing import FlaskClient

from assessment.core.model import Question, Questionnaire
from assessment.core.trends import ELEMENTS_CHANGED, NEW, QUESTIONS_CHANGED
from assessment.db.models import Assessment, AssessmentStatus
from assessment.extensions import db
from assessment.services import self_assessment
from assessment.services.assessments import set_status
from assessment.services.data_exchange import import_answers
from assessment.services.questionnaires import model_of, shipped_model
from assessment.services.trends import client_trend
from tests.web.conftest import csrf_token, post_form
from tests.web.test_followups_trends import _actor

QUICK = "sales-quick-check"
FULL = "sales-org-health"


def weakest(question: Question) -> str:
    """The answer that scores lowest: the option with the lowest score, or a figure in the
    lowest-scoring band."""
    if question.bands:
        band = min(question.bands, key=lambda b: b.score)
        low = band.min if band.min is not None else question.range.min
        high = band.max if band.max is not None else question.range.max
        return f"{(low + high) / 2:g}"
    assert question.options
    return min(question.options, key=lambda o: o.score).value


def answer_as_leader(client: FlaskClient, q: Questionnaire) -> str:
    """Start the shipped quick check from the form as it is offered, answer every item with its
    weakest answer, submit; the results URL."""
    form = client.get("/self-assessment").get_data(as_text=True)
    radios = re.findall(r'<input[^>]*name="questionnaire"[^>]*>', form)
    assert f'value="{QUICK}"' in radios[0] and "checked" in radios[0]  # offered first
    res = post_form(
        client,
        "/self-assessment",
        {"questionnaire": QUICK, "organization": "Acme", "role": "executive", "language": "en"},
    )
    assert res.headers["Location"].endswith("/respond/")
    res = client.post("/respond/start", data={"csrf_token": csrf_token(client, "/respond/")})
    questions = q.questions()
    pages = 0
    while "/respond/page/" in res.headers.get("Location", ""):
        url = res.headers["Location"]
        page = client.get(url).get_data(as_text=True)
        names = sorted(set(re.findall(r'name="([a-z_]+\.[a-z_]+)"', page)) & set(questions))
        data = {qid: weakest(questions[qid]) for qid in names}
        res = client.post(url, data={"csrf_token": csrf_token(client, url), "go": "next", **data})
        pages += 1
    assert pages == len(q.elements)
    client.post("/respond/submit", data={"csrf_token": csrf_token(client, "/respond/review")})
    res = client.get("/respond/thanks")
    assert re.search(r"/assessments/\d+/results$", res.headers["Location"])
    return str(res.headers["Location"])


def test_the_quick_check_is_offered_first() -> None:
    offered = self_assessment.choices("en")
    assert [c.id for c in offered][:2] == [QUICK, FULL]
    quick = offered[0]
    assert quick.quick_check and quick.questions == len(shipped_model(QUICK).questions())
    assert quick.title == "Sales Organization Quick Check"
    assert self_assessment.choices("pl")[0].title == "Szybka ocena organizacji sprzedaży"


def test_answer_alone_see_recommendations_and_grow(owner: FlaskClient, app: Flask) -> None:
    q = shipped_model(QUICK)
    results_url = answer_as_leader(owner, q)
    quick_id = int(results_url.split("/")[-2])
    page = htmllib.unescape(owner.get(results_url).get_data(as_text=True))
    # instant results with recommendations, citing the leader's own figures
    assert "Overall health" in page
    assert "Hold stay interviews before the exit interviews" in page
    assert re.search(r"Your sales organization won 7\.5\s?% of the qualified opportunities", page)
    # ... and the offer to grow into a full team assessment
    full = shipped_model(FULL)
    asked = sum(1 for question in full.questions().values() if "executive" in question.roles)
    assert "Grow into a full team assessment" in page
    assert f"Sales Organization Health Check asks your managers and sales team too ({asked}" in page
    res = post_form(owner, f"/assessments/{quick_id}/grow", {"title": "Acme team"}, results_url)
    grown_id = int(res.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        _actor()
        grown = db.session.get(Assessment, grown_id)
        assert grown is not None and grown.previous_id == quick_id
        assert grown.questionnaire_version.qid == FULL
        assert grown.status is AssessmentStatus.DRAFT
        db.session.remove()


def test_the_trend_compares_no_element_but_the_shared_items(owner: FlaskClient, app: Flask) -> None:
    """Shared items are matched by the shipped mapping, but two or three shared items of
    eight to eleven are below MIN_SHARED: no element change, no overall change; nothing is
    dropped.  The shared items are compared one by one instead, under each element, in the
    viewer's language."""
    quick_model = shipped_model(QUICK)
    results_url = answer_as_leader(owner, quick_model)
    quick_id = int(results_url.split("/")[-2])
    with app.app_context():
        s = db.session
        actor = _actor()
        grown = self_assessment.grow_into_full(s, actor, quick_id, "Team").assessment
        set_status(s, actor, grown.id, "open")
        full_model = model_of(grown.questionnaire_version)
        polish = model_of(grown.questionnaire_version, "pl")
        rows = "".join(
            f"m{i},sales_manager,{qid},{weakest(question)}\n"
            for i in range(3)
            for qid, question in full_model.questions().items()
            if question.scored and "sales_manager" in question.roles
        )
        import_answers(
            s,
            actor,
            grown.id,
            ("respondent,role,question,value\n" + rows).encode(),
            "team.csv",
            shape="long",
        )
        trend = client_trend(s, grown.client_id)
        (step,) = trend.transitions
        assert step.mapping_used and not step.same_version
        for row in trend.elements:
            before, after = row.cells
            assert before.score is not None and after.score is not None, row.key
            assert after.comparable is False and after.reason == QUESTIONS_CHANGED
            assert after.change is None
            # item by item: exactly the quick check's items of the element
            shared = {q.id for q in quick_model.element(row.key).scored_questions}
            assert {i.after_id for i in after.items} == shared, row.key
        assert trend.overall.cells[-1].reason == ELEMENTS_CHANGED
        assert trend.overall.cells[-1].change is None
        items = {i.after_id: i for row in trend.elements for i in row.cells[-1].items}
        # the weakest answer on both sides: 0 before, 0 after, no change
        safe = items["mgmt_rep.safe_bad_news"]
        assert (safe.before, safe.after, safe.change) == (0.0, 0.0, 0.0)
        # asked of executives and sales operations only: the managers did not answer it
        assert items["top_performers.pay_for_results"].after is None
        assert items["top_performers.pay_for_results"].change is None
        listed = {(n.kind, n.item_id): n for n in trend.not_comparable}
        shares = {
            n.item_id: n.shared for n in trend.not_comparable if n.reason == QUESTIONS_CHANGED
        }
        assert set(shares) == {el.id for el in full_model.elements}
        assert all(share is not None and 0.15 < share < 0.4 for share in shares.values())
        for qid in quick_model.questions():  # every quick-check item has its counterpart
            assert ("question", qid) not in listed
        only_full = set(full_model.questions()) - set(quick_model.questions())
        for qid in only_full:
            if full_model.questions()[qid].scored:
                assert listed[("question", qid)].reason == NEW
        client_id = grown.client_id
        quick_title = trend.points[0].title
        texts = {qid: full_model.questions()[qid].text for qid in items}
        polish_texts = {qid: polish.questions()[qid].text for qid in items}
        db.session.remove()
    url = f"/clients/{client_id}/trend"
    page = htmllib.unescape(owner.get(url).get_data(as_text=True))
    assert "Question set changed substantially (" in page
    assert "shipped with the questionnaire" in page
    tables = shared_tables(page)
    assert len(tables) == len(quick_model.elements)  # one under each element
    assert all(f"Shared items: {quick_title} → Team" in t for t in tables)
    assert "Change in points" in page and "the items both assessments ask" in page
    safe_row = row_of(page, texts["mgmt_rep.safe_bad_news"])
    assert cells_of(safe_row) == ["0", "0", "±0"]
    assert cells_of(row_of(page, texts["top_performers.pay_for_results"]))[1:] == ["–", "–"]
    only_full_text = next(
        full_model.questions()[qid].text
        for qid in sorted(only_full)
        if full_model.questions()[qid].scored
    )
    assert not any(only_full_text in t for t in tables)  # unshared items never appear
    # the same table in Polish: interface texts translated, items in the Polish questionnaire
    res = owner.post(
        "/language", data={"csrf_token": csrf_token(owner, "/"), "lang": "pl", "next": "/"}
    )
    assert res.status_code == 302
    page = htmllib.unescape(owner.get(url).get_data(as_text=True))
    assert '<html lang="pl">' in page
    tables = shared_tables(page)
    assert len(tables) == len(quick_model.elements)
    assert all(f"Wspólne pytania: {quick_title} → Team" in t for t in tables)
    assert "Zmiana (pkt)" in page and "Change in points" not in page
    assert polish_texts["mgmt_rep.safe_bad_news"] != texts["mgmt_rep.safe_bad_news"]
    assert cells_of(row_of(page, polish_texts["mgmt_rep.safe_bad_news"])) == ["0", "0", "±0"]
    assert not any(texts["mgmt_rep.safe_bad_news"] in t for t in tables)


def shared_tables(page: str) -> list[str]:
    """The shared-items tables of the trend page."""
    tables: list[str] = re.findall(
        r'<table class="compact shared-items-table">.*?</table>', page, re.S
    )
    return tables


def row_of(page: str, text: str) -> str:
    """The shared-items row of the item with this text."""
    rows: list[str] = [r for t in shared_tables(page) for r in re.findall(r"<tr>.*?</tr>", t, re.S)]
    (row,) = [r for r in rows if f"<td>{text}</td>" in r]
    return row


def cells_of(row: str) -> list[str]:
    """Before, after and change of a shared-items row, as shown."""
    cells: list[str] = re.findall(r'<td class="num" data-label="[^"]*">(.*?)</td>', row, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
