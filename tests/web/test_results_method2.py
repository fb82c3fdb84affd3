"""Scoring 2.0 on the results page and the organization facts form."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db.models import Assessment, OrganizationFact
from assessment.db.tenancy import unscoped
from assessment.extensions import db
from tests.web.conftest import csrf_token, new_assessment, new_client
from tests.web.test_followups_trends import _answer, closed_assessment

INTERVAL = re.compile(r"\d+ <span class=\"muted ci\"[^>]*>\(\d+–\d+\)</span>")


def _answered(app: Flask) -> int:
    """An open assessment with six sales reps (three low, three high) and no leaders."""
    aid = closed_assessment(app, "Acme", 0.25, close=False)
    with app.app_context():
        with unscoped(db.session):
            a = db.session.get(Assessment, aid)
            assert a is not None
            _answer(a, 0.75)
        db.session.remove()
    return aid


def test_results_show_intervals_indexes_and_the_method(owner: FlaskClient, app: Flask) -> None:
    aid = _answered(app)
    html = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert INTERVAL.search(html), "element scores carry their 90 % interval"
    assert "90 % interval:" in html  # the overall's interval, with the % unescaped
    assert "Practice index" in html and "KPI index" in html
    assert "Scoring method 2." in html and "Cronbach's alpha" in html
    assert "answers (median)" in html or "no value" in html  # each KPI says where it comes from
    assert f"/assessments/{aid}/facts" in html


def test_absent_roles_are_not_listed(owner: FlaskClient, app: Flask) -> None:
    aid = _answered(app)
    html = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert "(n=6)" in html  # the sales reps
    assert "(n=0)" not in html
    assert "fewer than 3" not in html  # nobody is hidden: the leaders are simply absent


def _rows(html: str) -> dict[str, int]:
    """Question id → row index of the facts form."""
    found = re.findall(r'name="rows-(\d+)-question" type="hidden" value="([a-z_.]+)"', html)
    return {qid: int(i) for i, qid in found}


def test_facts_form_saves_with_post_redirect_get(owner: FlaskClient, app: Flask) -> None:
    aid = _answered(app)
    url = f"/assessments/{aid}/facts"
    page = owner.get(url).get_data(as_text=True)
    rows = _rows(page)
    assert "win_loss.win_rate" in rows and "rows-0-source" in page
    i = rows["win_loss.win_rate"]
    data = {"csrf_token": csrf_token(owner, url)}
    for qid, n in rows.items():
        data[f"rows-{n}-question"] = qid
    data.update({f"rows-{i}-value": "27,5", f"rows-{i}-source": "Finance dashboard Q3"})
    res = owner.post(url, data=data)
    assert res.status_code == 302 and res.headers["Location"].endswith(url)
    assert "Organization facts saved." in owner.get(url).get_data(as_text=True)
    with app.app_context(), unscoped(db.session):
        (fact,) = db.session.scalars(select(OrganizationFact))
        assert (fact.question_id, fact.value, fact.source) == (
            "win_loss.win_rate",
            27.5,
            "Finance dashboard Q3",
        )
    results = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert "organization fact" in results and "Finance dashboard Q3" in results


def test_facts_form_errors_in_the_users_language(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    url = f"/assessments/{aid}/facts"
    rows = _rows(owner.get(url).get_data(as_text=True))
    i = rows["win_loss.win_rate"]
    data = {"csrf_token": csrf_token(owner, url), f"rows-{i}-question": "win_loss.win_rate"}
    data[f"rows-{i}-value"] = "40"  # no source
    res = owner.post(url, data=data, headers={"Accept-Language": "pl"})
    assert res.status_code == 200
    assert "podaj źródło tej liczby" in res.get_data(as_text=True)
    with app.app_context(), unscoped(db.session):
        assert db.session.scalars(select(OrganizationFact)).all() == []


def test_facts_form_refuses_posts_without_csrf(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    res = owner.post(f"/assessments/{aid}/facts", data={"rows-0-value": "3"})
    assert res.status_code in (302, 400)
    assert b"Organization facts saved." not in owner.get(f"/assessments/{aid}/facts").data
