"""A question type registered only in a test is asked, saved, scored and exported by the app.

The toy ``stars`` type of ``tests/core/test_question_types.py`` plus its widget template
(given to Jinja here, as ``templates/web/respond/types/stars.html`` would be) is all the
app needs: no view, form, service or exporter names the type.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, DictLoader

from assessment.core.qtypes import register, unregister
from assessment.web.respond.widgets import widget_template
from tests.core.test_question_types import Stars
from tests.web.conftest import add_people, csrf_token, new_assessment, new_client, post_form
from tests.web.conftest import open_assessment as open_for_answers
from tests.web.test_custom_questionnaires import publish_file, team_pulse

STARS_WIDGET = """<div class="stars">{% for o in question.options %}
<label><input type="radio" name="{{ qid }}" value="{{ o.value[1:] }}"
{{- ' checked' if value == o.value }}> {{ o.label }}</label>{% endfor %}</div>"""


@pytest.fixture
def stars_app(app: Flask) -> Iterator[Flask]:
    register(Stars)
    loader = app.jinja_env.loader
    assert loader is not None
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"web/respond/types/stars.html": STARS_WIDGET}), loader]
    )
    try:
        yield app
    finally:
        app.jinja_env.loader = loader
        unregister("stars")


def test_a_toy_type_is_asked_saved_scored_and_exported(
    stars_app: Flask, owner: FlaskClient
) -> None:
    source = team_pulse(
        **{
            "{id: coaching.deals, type: likert, scale: agree5, text: Coaching uses real deals "
            "from my pipeline., allow_dk: true}": "{id: coaching.stars, type: stars, "
            "text: 'How many stars does coaching earn?'}"
        }
    )
    version = publish_file(owner, source)
    aid = new_assessment(owner, new_client(owner), questionnaire=str(version))
    (link,) = add_people(owner, aid, "Ann, , sales_rep")
    open_for_answers(owner, aid)

    respondent = stars_app.test_client()
    assert respondent.get(link).status_code == 302
    token = csrf_token(respondent, "/respond/")
    res = respondent.post("/respond/start", data={"csrf_token": token})
    url = res.headers["Location"]
    page = respondent.get(url).get_data(as_text=True)
    # The page includes the widget the registry names, beside the built-in ones.
    assert '<div class="stars">' in page
    assert 'name="coaching.stars" value="4">' in page
    assert 'name="coaching.regular" value="agree"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {
        "csrf_token": token,
        "go": "next",
        "coaching.regular": "agree",
        "coaching.stars": "4",
        "coaching.notes": "More deal reviews",
    }
    res = respondent.post(url, data=data)
    assert res.status_code == 302, res.get_data(as_text=True)
    again = respondent.get(url).get_data(as_text=True)
    assert 'name="coaching.stars" value="4" checked>' in again  # saved as s4, shown again

    # Scored: agree is 4 of 1..5 and four stars are 4 of 1..5, equal weights.
    results = owner.get(f"/assessments/{aid}/data/results.json")
    coaching = next(el for el in json.loads(results.data)["elements"] if el["id"] == "coaching")
    assert coaching["score"] == pytest.approx(75.0)

    # Exported with the type's own cell (the bare number of stars).
    exported = post_form(
        owner,
        f"/assessments/{aid}/data/export",
        {"shape": "long", "fmt": "csv", "identity": "anonymous"},
        form_url=f"/assessments/{aid}/data",
    )
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    question = rows[0].index("question")
    assert [r[question : question + 2] for r in rows[1:] if r[question] == "coaching.stars"] == [
        ["coaching.stars", "4"]
    ]


def test_a_type_without_its_widget_template_fails_loudly(stars_app: Flask) -> None:
    from jinja2 import TemplateNotFound

    from assessment.core.loader import load_questionnaire_text

    q = load_questionnaire_text(
        team_pulse(**{"type: text, text:": "type: stars, text:"}).decode("utf-8")
    )
    question = q.questions()["coaching.notes"]
    assert widget_template(question) == "web/respond/types/stars.html"
    with stars_app.app_context():
        stars_app.jinja_env.get_template(widget_template(question))  # found: the test's widget
        stars_app.jinja_env.loader = stars_app.jinja_env.loader.loaders[1]  # type: ignore[union-attr]
        with pytest.raises(TemplateNotFound):
            stars_app.jinja_env.get_template(widget_template(question))
