"""A real trend across versions: sales-org-health 1.1.0 → 2.0.0 through the shipped mapping.

Issue 14, "Versions": 2.0.0 ships with a mapping file from 1.1.0, so that trends across the
versions keep working, with merged and split items listed as not comparable, never dropped.
The web tests of shipped mappings use the ``trendq`` fixture; this one scores synthetic
respondents on the real 1.1.0 (``tests/data/sales-org-health-1.1.0``) and the shipped 2.0.0
and computes the trend in the pure core, as ``services.trends.client_trend`` does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assessment.core.loader import load_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from assessment.core.trends import (
    ELEMENTS_CHANGED,
    MIN_SHARED,
    NEW,
    QUESTIONS_CHANGED,
    REMOVED,
    Trend,
    TrendSource,
    VersionMap,
    compute_trend,
)
from assessment.io.version_mapping import load_version_mapping

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "questionnaires" / "sales-org-health"
V110 = ROOT / "tests" / "data" / "sales-org-health-1.1.0"
MAPPING = FULL / "mappings" / "1.1.0--2.0.0.yaml"

MERGED = {
    # asked twice in 1.x; 2.0.0 asks the other one
    "coverage.sellers_per_manager": "mgmt_rep.span_of_control",
    "win_loss.follow_ups": "sales_process.follow_up_touches",
    "onboarding.real_calls": "enablement.call_library",
    "retention.recognition": "mgmt_rep.recognition",
    "pipeline.stage_criteria": "sales_process.exit_criteria_stages",
}
SPLIT_SAME_ID = (
    # the id stays for one half (or a new meaning): not comparable either
    "mgmt_rep.recognition",
    "enablement.tools_fit",
    "top_customers.customer_voice",
    "win_loss.loss_reasons",
    "sales_process.exit_criteria_stages",
    "top_performers.commission_rate",
    "mgmt_rep.clear_expectations",
)
SHARED = (
    # same construct in both versions, re-routed or reworded only: compared by stable id
    "win_loss.win_rate",
    "pipeline.forecast_trust",
    "pipeline.coverage_ratio",
    "mgmt_rep.span_of_control",
    "mgmt_rep.coaching_hours",
    "enablement.selling_time",
    "top_customers.executive_contact",
    "sales_process.follow_up_touches",
    "enablement.call_library",
)


@pytest.fixture(scope="module")
def old() -> Questionnaire:
    return load_questionnaire(V110)


@pytest.fixture(scope="module")
def new() -> Questionnaire:
    return load_questionnaire(FULL)


@pytest.fixture(scope="module")
def vmap(old: Questionnaire, new: Questionnaire) -> VersionMap:
    m = load_version_mapping(MAPPING)
    assert (m.from_id, m.from_version, m.to_id, m.to_version) == (
        old.id,
        old.version,
        new.id,
        new.version,
    )
    return m


def _results(q: Questionnaire, seed: int) -> Results:
    return score(q, synthetic_respondents(q, 20, seed=seed))


@pytest.fixture(scope="module")
def rounds(old: Questionnaire, new: Questionnaire) -> tuple[TrendSource, TrendSource]:
    first = TrendSource(1, "Baseline", dt.date(2025, 3, 1), old, _results(old, 11))
    second = TrendSource(2, "Follow-up", dt.date(2026, 3, 1), new, _results(new, 12))
    assert first.results.respondents == second.results.respondents == 20
    return first, second


def _trend(rounds: tuple[TrendSource, TrendSource], vmap: VersionMap | None) -> Trend:
    first, second = rounds
    index = (
        {}
        if vmap is None
        else {(first.questionnaire.content_hash, second.questionnaire.content_hash): vmap}
    )
    return compute_trend(rounds, index)


@pytest.fixture(scope="module")
def trend(rounds: tuple[TrendSource, TrendSource], vmap: VersionMap) -> Trend:
    return _trend(rounds, vmap)


def _questions(trend: Trend) -> dict[str, set[str]]:
    """Question id → the reasons it is listed as not comparable (an id kept for a new
    meaning is listed twice: removed on the 1.1.0 side, new on the 2.0.0 side)."""
    out: dict[str, set[str]] = {}
    for n in trend.not_comparable:
        if n.kind == "question":
            out.setdefault(n.item_id, set()).add(n.reason)
    return out


def test_the_shipped_mapping_is_used(trend: Trend) -> None:
    (step,) = trend.transitions
    assert step.mapping_used and not step.same_version
    assert [p.questionnaire_version for p in trend.points] == ["1.1.0", "2.0.0"]


def test_no_scored_question_is_dropped(
    trend: Trend, old: Questionnaire, new: Questionnaire
) -> None:
    """Every scored question of either round is compared or listed with its reason."""
    listed = _questions(trend)
    old_ids = {q.id for el in old.elements for q in el.scored_questions}
    new_ids = {q.id for el in new.elements for q in el.scored_questions}
    for qid in old_ids:
        assert qid in new_ids or listed.get(qid) == {REMOVED}, qid
    for qid in new_ids - old_ids:
        assert listed.get(qid) == {NEW}, qid
    for qid, reasons in listed.items():
        assert reasons <= {REMOVED, NEW}, (qid, reasons)
        assert REMOVED not in reasons or qid in old_ids
        # an id in both versions that is not compared is listed on both sides
        assert (qid in old_ids and qid in new_ids) == (reasons == {REMOVED, NEW}), qid


@pytest.mark.parametrize(("gone", "kept"), MERGED.items())
def test_merged_items_are_listed_as_not_comparable(trend: Trend, gone: str, kept: str) -> None:
    listed = _questions(trend)
    assert listed[gone] == {REMOVED}
    (item,) = [n for n in trend.not_comparable if n.item_id == gone]
    assert item.title  # shown with the 1.1.0 wording
    # the question kept is compared with its own 1.1.0 self (or listed when it was split
    # too), never with the one merged into it
    assert listed.get(kept) in (None, {REMOVED, NEW})
    assert not [n for n in trend.not_comparable if n.counterpart and gone in n.counterpart]


@pytest.mark.parametrize("qid", SPLIT_SAME_ID)
def test_split_items_keeping_their_id_are_not_compared(
    rounds: tuple[TrendSource, TrendSource], trend: Trend, qid: str
) -> None:
    """Stable ids alone would compare them; the shipped mapping says they are not the same."""
    assert _questions(trend)[qid] == {REMOVED, NEW}
    assert qid not in _questions(_trend(rounds, None))


@pytest.mark.parametrize("qid", SHARED)
def test_shared_items_compare(
    trend: Trend, old: Questionnaire, new: Questionnaire, qid: str
) -> None:
    assert old.questions()[qid].scored and new.questions()[qid].scored
    assert qid not in _questions(trend)


def test_elements_compare_where_enough_is_shared(
    trend: Trend, rounds: tuple[TrendSource, TrendSource]
) -> None:
    """2.0.0 changed most elements' question sets below MIN_SHARED: those are flagged with
    the share that matched, never given a change; the pipeline element keeps enough of its
    questions and gets one, computed from the two rounds' shown scores."""
    first, second = rounds
    before = {el.id: el.score for el in first.results.elements}
    after = {el.id: el.score for el in second.results.elements}
    changed = {
        n.item_id: n.shared
        for n in trend.not_comparable
        if n.kind == "element" and n.reason == QUESTIONS_CHANGED
    }
    rows = {r.key: r for r in trend.elements}
    assert set(rows) == set(before) == set(after)
    comparable = {key for key, row in rows.items() if row.cells[-1].comparable}
    assert comparable == {"pipeline"}
    assert set(changed) == set(rows) - comparable
    for key, shared in changed.items():
        assert shared is not None and shared < MIN_SHARED, key
        cell = rows[key].cells[-1]
        assert cell.change is None and cell.reason == QUESTIONS_CHANGED
    pipeline = rows["pipeline"].cells
    b, a = before["pipeline"], after["pipeline"]
    assert b is not None and a is not None
    assert pipeline[-1].change == round(a) - round(b)
    assert trend.overall.cells[-1].comparable is False
    assert trend.overall.cells[-1].reason == ELEMENTS_CHANGED
