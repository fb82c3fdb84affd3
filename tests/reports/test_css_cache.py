"""The report stylesheet parsed once per process gives the same PDF as a fresh parse.

:mod:`reports.css_cache` hands WeasyPrint one parsed copy of ``report.css`` for every
document that carries it inline.  These tests typeset documents with the cache and with
WeasyPrint's own parser and compare the PDFs byte for byte (WeasyPrint's output is
deterministic for the same input): the board edition with a brand colour, a team report
(which adds a ``<style>`` of its own after the packaged one), and a document whose own
``@page`` rule must still win over the cached sheet's.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import replace

import pytest

from assessment.catalogues import translations_for
from assessment.core.cuts import team_cuts
from assessment.core.loader import find_questionnaire
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports import Branding, ReportMeta, build_html, css_cache, render_html
from reports.teams import build_team_html
from reports.typeset import stylesheet
from reports.viewmodel import OptionalSections
from tests.reports.conftest import pdf_text


def _without_cache(monkeypatch: pytest.MonkeyPatch, html: str) -> bytes:
    assert render_html("<p>install the hook</p>")
    assert css_cache.installed()
    with monkeypatch.context() as patch:
        patch.setattr(importlib.import_module("weasyprint.css"), "CSS", css_cache._original)
        assert not css_cache.installed()
        return render_html(html)


def _compare(monkeypatch: pytest.MonkeyPatch, html: str) -> bytes:
    cached = render_html(html)
    assert css_cache.installed()
    cached_again = render_html(html)
    plain = _without_cache(monkeypatch, html)
    assert cached == plain, "the cached stylesheet changed the PDF"
    assert cached_again == plain
    return cached


def test_the_board_edition_is_the_same_with_the_cached_stylesheet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    q = find_questionnaire("sales-org-health", lang="pl")
    results = score(q, synthetic_respondents(q, n=12, seed=3))
    meta = ReportMeta(
        client_name="Acme",
        assessment_title="Badanie",
        date=dt.date(2026, 12, 5),
        language="pl",
        branding=Branding(firm_name="Northwind", primary_color="#7a1f3d"),
        edition="board",
    )
    html = build_html(results, q, meta, translations=translations_for("pl"))
    pdf = _compare(monkeypatch, html)
    assert "Acme" in pdf_text(pdf)


def test_a_team_report_with_its_own_style_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    q = find_questionnaire("sales-org-health")
    base = synthetic_respondents(q, 25, seed=4)
    people = [replace(p, team="North" if i < 14 else "South") for i, p in enumerate(base)]
    results = score(q, people)
    cuts = team_cuts(q, people, results)
    meta = ReportMeta(
        client_name="Northwind Trading",
        assessment_title="Q1",
        date=dt.date(2026, 12, 1),
        language="en",
        optional=OptionalSections(teams=cuts),
    )
    html = build_team_html(results, q, meta, cuts, "North", translations_for("en"))
    assert html.count("<style") >= 3  # the packaged sheet, the palette, the team's own
    _compare(monkeypatch, html)


def test_a_later_page_rule_still_wins_over_the_cached_sheet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def document(extra: str) -> str:
        return (
            f"<html><head><style>\n{stylesheet()}\n</style><style>{extra}</style></head>"
            "<body><h1>Title</h1><p>Text</p></body></html>"
        )

    landscape = _compare(monkeypatch, document("@page { size: A4 landscape; }"))
    portrait = _compare(monkeypatch, document(""))
    assert landscape != portrait  # the document's own @page rule was applied
