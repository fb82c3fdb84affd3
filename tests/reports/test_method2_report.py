"""The report under scoring method 2: the method named, intervals and indexes, absent roles."""

from __future__ import annotations

import dataclasses
import html as markup
import re

import pytest

from assessment.catalogues import translations_for
from assessment.core.kpi import KpiFact
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports import ReportMeta, build_html, build_view


@pytest.fixture(scope="module")
def no_ops(standard: Questionnaire) -> Results:
    """27 respondents and nobody of sales operations: that role is absent, not suppressed."""
    mix = {"executive": 3, "sales_manager": 5, "sales_rep": 18, "other": 1}
    return score(standard, synthetic_respondents(standard, mix=mix))


def test_methodology_names_the_method_and_the_kpi_share(
    standard: Questionnaire, no_ops: Results, meta: ReportMeta
) -> None:
    view = build_view(no_ops, standard, meta)
    assert "scoring method 2" in view.method and "30%" in view.method
    assert len(view.method_steps) == 6
    html = markup.unescape(build_html(no_ops, standard, meta))
    assert view.method in html
    assert "Welch" in html and "bootstrap" in html


def test_methodology_in_polish(standard: Questionnaire, no_ops: Results, meta: ReportMeta) -> None:
    pl = dataclasses.replace(meta, language="pl")
    view = build_view(no_ops, standard, pl, translations_for("pl"))
    assert "metodą oceny 2" in view.method
    assert view.indexes.startswith("Wynik ogólny ")


def test_scorecard_shows_intervals_and_indexes(
    standard: Questionnaire, no_ops: Results, meta: ReportMeta
) -> None:
    view = build_view(no_ops, standard, meta)
    o = no_ops.overall
    assert o.ci is not None and o.practice is not None and o.kpi is not None
    assert view.indexes == (
        f"Overall {o.score:.0f} ({o.ci[0]:.0f}–{o.ci[1]:.0f}) · "
        f"practice index {o.practice:.0f} · KPI index {o.kpi:.0f}"
    )
    for row, el in zip(view.scorecard, no_ops.elements, strict=True):
        assert el.ci is not None
        assert row.interval == f"{el.ci[0]:.0f}–{el.ci[1]:.0f}"
        assert row.practice == ("–" if el.practice is None else f"{el.practice:.0f}")
    assert re.search(
        r'<span class="muted small">\d+–\d+</span>', build_html(no_ops, standard, meta)
    )


def test_absent_roles_are_not_listed(
    standard: Questionnaire, no_ops: Results, meta: ReportMeta
) -> None:
    assert no_ops.respondents_by_role.get("sales_ops", 0) == 0
    view = build_view(no_ops, standard, meta)
    ops = next(r.label for r in standard.roles if r.id == "sales_ops")
    assert ops not in {r.label for r in view.roles}
    for section in view.elements:
        assert "sales_ops" not in {c.role for c in section.roles}
        assert "other" in {c.role for c in section.roles}  # present but suppressed: listed
    assert ops not in build_html(no_ops, standard, meta)


def test_only_significant_gaps_are_marked_large(
    standard: Questionnaire, no_ops: Results, meta: ReportMeta
) -> None:
    view = build_view(no_ops, standard, meta)
    flagged = {el.title for el in no_ops.elements if "large_gap" in el.flags}
    assert {row.title for row in view.gap_rows if row.large} == flagged


def test_kpis_show_their_one_value_and_its_source(
    standard: Questionnaire, no_ops: Results, meta: ReportMeta
) -> None:
    view = build_view(no_ops, standard, meta)
    shown = [k for section in view.elements for k in section.kpis]
    values = [k for el in no_ops.elements for k in el.kpis if k.value is not None]
    assert shown and values
    # synthetic answers only: every value is the median of the answers, and says so
    assert {k.source for k in values} == {"answers"}
    assert all(k.source == "answers (median)" for k in shown if k.median != "–")


def test_a_fact_is_shown_as_the_kpis_value(standard: Questionnaire, meta: ReportMeta) -> None:
    people = synthetic_respondents(standard, n=20)
    facts = {"win_loss.win_rate": KpiFact(27.5, "Finance dashboard Q3")}
    results = score(standard, people, kpi_facts=facts)
    view = build_view(results, standard, meta)
    (kpi,) = [
        k
        for section in view.elements
        for k in section.kpis
        if k.source == "organization fact · Finance dashboard Q3"
    ]
    assert kpi.median.startswith("27.5")
