"""An assessment pinned to sales-org-health 1.1.0 keeps working with the current code.

Issue 14, "Versions": assessments pinned to 1.1.0 keep working.  The rules added for 2.0.0
(a source for every band set, ``addresses``, evidence placeholders) must not stop a stored
1.1.0 from loading, scoring, or building its report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assessment.core.loader import assemble_document, build_questionnaire, load_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports import ReportMeta, build_html, build_view

V110 = Path(__file__).resolve().parents[1] / "data" / "sales-org-health-1.1.0"


@pytest.fixture(scope="module")
def pinned() -> Questionnaire:
    """1.1.0 as the app reloads a stored version: from its document, as published."""
    folder = load_questionnaire(V110)
    stored = build_questionnaire(
        assemble_document(V110), "stored questionnaire sales-org-health", stored=True
    )
    assert stored.content_hash == folder.content_hash  # the stored row still matches
    return stored


@pytest.fixture(scope="module")
def results(pinned: Questionnaire) -> Results:
    return score(pinned, synthetic_respondents(pinned, 20, seed=5))


def test_it_loads_as_1_1_0(pinned: Questionnaire) -> None:
    assert (pinned.id, pinned.version) == ("sales-org-health", "1.1.0")
    assert len(pinned.elements) == 12
    questions = pinned.questions()
    # ids 2.0.0 removed are still there for the assessments that answered them
    for qid in ("coverage.sellers_per_manager", "win_loss.follow_ups", "strategy.understood"):
        assert qid in questions
    # written before sources were required: its bands carry none, and that is accepted
    assert any(q.bands and q.band_source is None for q in questions.values())


def test_it_scores(pinned: Questionnaire, results: Results) -> None:
    assert results.respondents == 20
    assert results.overall.score is not None and 0 <= results.overall.score <= 100
    assert {el.id for el in results.elements} == {el.id for el in pinned.elements}
    assert all(el.score is not None for el in results.elements)
    fired = {t.id for t in results.recommendations}
    assert fired and fired <= {r.id for el in pinned.elements for r in el.recommendations}


def test_it_builds_the_report_html(pinned: Questionnaire, results: Results) -> None:
    meta = ReportMeta(
        client_name="Contoso", assessment_title="Baseline 2025", date=dt.date(2025, 3, 1)
    )
    view = build_view(results, pinned, meta)
    assert view.respondents == 20 and view.recommendations
    html = build_html(results, pinned, meta)
    assert html.startswith("<!DOCTYPE html>") or html.lstrip().lower().startswith("<!doctype")
    assert "Contoso" in html and "Baseline 2025" in html
    for el in pinned.elements:
        assert el.title.replace("&", "&amp;") in html, el.id
    assert view.recommendations[0].title in html
