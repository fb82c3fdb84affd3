"""A reverse-keyed item on the respondent page and the results page: shown like every
agreement question, scored the other way (``tests/data/sourced``: ``pipe.slip``)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import add_people, csrf_token, new_assessment, new_client, open_assessment
from tests.web.test_profile import sourced_version


def _radios(page: str, qid: str) -> list[str]:
    return re.findall(rf'name="{re.escape(qid)}" value="([a-z_]+)"', page)


def test_the_widget_shows_the_options_in_the_same_order(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner), questionnaire=str(sourced_version(app)))
    (link,) = add_people(owner, aid, ", , sales_rep")
    open_assessment(owner, aid)
    respondent = app.test_client()
    assert respondent.get(link).status_code == 302
    respondent.post("/respond/start", data={"csrf_token": csrf_token(respondent, "/respond/")})
    page = respondent.get("/respond/page/1").get_data(as_text=True)
    order = ["strongly_disagree", "disagree", "neutral", "agree", "strongly_agree"]
    assert _radios(page, "pipe.reviewed") == order
    assert _radios(page, "pipe.slip") == order
    # Answer "disagree" to the negative item and "agree" to the positive one: both score 75.
    data = {
        "csrf_token": csrf_token(respondent, "/respond/page/1"),
        "pipe.reviewed": "agree",
        "pipe.slip": "disagree",
        "go": "review",
    }
    assert respondent.post("/respond/page/1", data=data).status_code == 302
    respondent.post(
        "/respond/submit", data={"csrf_token": csrf_token(respondent, "/respond/review")}
    )
    results = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    rows = re.findall(
        r"<td>(Deals [^<]+)</td><td class=\"num\"[^>]*>[^<]*</td><td class=\"num\"[^>]*>1</td>"
        r"<td class=\"num\"[^>]*>0</td><td class=\"num\"[^>]*>0</td>\s*<td class=\"num\"[^>]*>(\d+)</td>",
        results,
    )
    assert sorted(rows) == [
        ("Deals are reviewed every week.", "75"),
        ("Deals often slip from one month to the next without anyone noticing.", "75"),
    ]
