"""Templates never query: views build a plain page object and templates only read it.

A context processor that queries, a template function that scores, or a template reading
an ORM relationship that was not loaded would each run SQL while a page renders; these tests
record every statement from the moment the context processors run until the template is
rendered, on the pages whose feature cards used to load their own data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from jinja2 import Template
from sqlalchemy import event

from assessment.extensions import db
from assessment.services import benchmark
from tests.web.conftest import post_form
from tests.web.test_crm_evidence import upload
from tests.web.test_followups_trends import _chain

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@contextmanager
def sql_while_rendering(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Statements run while a template is prepared (context processors) and rendered."""
    statements: list[str] = []
    rendering = [False]
    original = app.update_template_context

    def update(context: dict[str, Any]) -> None:
        rendering[0] = True
        original(context)

    def rendered(_app: Flask, template: Template, **_extra: Any) -> None:
        rendering[0] = False

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if rendering[0]:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    monkeypatch.setattr(app, "update_template_context", update)
    event.listen(engine, "before_cursor_execute", record)
    template_rendered.connect(rendered, app)
    try:
        yield statements
    finally:
        template_rendered.disconnect(rendered, app)
        event.remove(engine, "before_cursor_execute", record)


def test_no_template_includes_with_ignore_missing() -> None:
    """A renamed partial must fail loudly, not vanish from the page."""
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(TEMPLATES.rglob("*.html"))
        if re.search(r"ignore\s+missing", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_feature_pages_render_without_sql(
    owner: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    benchmark.clear_cache()
    cid, first, second = _chain(app)
    assert upload(owner, second).status_code == 302
    pages = {
        "client": f"/clients/{cid}",
        "assessment": f"/assessments/{second}",
        "results": f"/assessments/{second}/results",
        "trend": f"/clients/{cid}/trend",
        "evidence": f"/assessments/{second}/evidence",
        "follow-up": f"/assessments/{first}/follow-up",
        "self-assessment": "/self-assessment",
    }
    html: dict[str, str] = {}
    with sql_while_rendering(app, monkeypatch) as statements:
        for name, url in pages.items():
            res = owner.get(url)
            assert res.status_code == 200, (name, res.status_code)
            assert statements == [], f"{name} page queried while rendering: {statements}"
            html[name] = res.get_data(as_text=True)
        res = post_form(owner, f"/assessments/{second}/links", {}, form_url=pages["assessment"])
        assert res.status_code == 302  # post/redirect/get: the links are shown on a GET page
        res = owner.get(res.headers["Location"])
        assert res.status_code == 200
        assert statements == [], f"links page queried while rendering: {statements}"
        links = res.get_data(as_text=True)
    # The feature cards are on the pages (so rendering them is what ran no SQL).
    assert 'id="trend"' in html["client"]
    assert 'id="follow-up"' in html["assessment"] and "From salesforce.csv" in html["assessment"]
    results = html["results"]
    assert "Change since Contoso check" in results and 'id="benchmark"' in results
    assert "Evidence from CRM data" in results
    assert "This assessment already has a follow-up" in html["follow-up"]
    assert ">Sales representative / account manager</td>" in links  # the role's label
    assert re.search(r"/r/[A-Za-z0-9_\-]{20,}", links)


def test_the_check_sees_a_template_that_queries(
    owner: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recorder itself works: a context processor that queries is caught."""
    from sqlalchemy import text

    def querying() -> dict[str, object]:
        return {"answer": db.session.scalar(text("select 42"))}

    processors = app.template_context_processors
    monkeypatch.setitem(processors, None, [*processors[None], querying])

    with sql_while_rendering(app, monkeypatch) as statements:
        assert owner.get("/clients/").status_code == 200
    assert any("42" in s for s in statements)


def test_results_page_scores_its_assessment_once(
    owner: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark, evidence and trend cards reuse the page's results.

    (The benchmark scores every peer once per process and caches it, the assessment itself
    included; the first view warms that cache, the second is counted.)
    """
    import sys

    from assessment.services import assessments

    benchmark.clear_cache()
    _cid, _first, second = _chain(app)
    assert upload(owner, second).status_code == 302
    assert owner.get(f"/assessments/{second}/results").status_code == 200
    original = assessments.compute_results
    scored: list[int] = []

    def counting(session: Any, assessment: Any, lang: str | None = None, **kw: Any) -> Any:
        scored.append(assessment.id)
        return original(session, assessment, lang, **kw)

    # Wherever a module imported the function by name, count its calls too.
    for module in list(sys.modules.values()):
        if module.__name__.startswith("assessment.") and (
            getattr(module, "compute_results", None) is original
        ):
            monkeypatch.setattr(module, "compute_results", counting)
    html = owner.get(f"/assessments/{second}/results").get_data(as_text=True)
    assert 'id="trend"' in html and 'id="benchmark"' in html and "Evidence from CRM data" in html
    assert scored.count(second) == 1
