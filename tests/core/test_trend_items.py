"""Shared items compared one by one where an element fails the shared-weight rule.

A quick check (``questionnaires/sales-quick-check``) followed by the full questionnaire
(``sales-org-health`` 2.0.0) shares two or three items of every element: no element and no
overall change is computed (``MIN_SHARED``), but the items both ask compare item by item,
through the mapping shipped with the quick check.  Both sides are scored from synthetic
respondents (``assessment/core/synthetic.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from assessment.core import trends as t
from assessment.core.loader import load_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.results import ElementResult, Results
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from assessment.core.trends import TrendSource, compute_trend
from assessment.io.version_mapping import load_version_mapping

ROOT = Path(__file__).resolve().parents[2] / "questionnaires"
QUICK = load_questionnaire(ROOT / "sales-quick-check")
FULL = load_questionnaire(ROOT / "sales-org-health")
SHIPPED = load_version_mapping(
    ROOT / "sales-quick-check" / "mappings" / "1.0.0--sales-org-health-2.0.0.yaml"
)
INDEX = {(QUICK.content_hash, FULL.content_hash): SHIPPED}


@pytest.fixture(scope="module")
def leader() -> Results:
    """The quick check answered by one leader alone (a self-assessment)."""
    return score(QUICK, synthetic_respondents(QUICK, n=1, mix={"executive": 1}, seed=3))


@pytest.fixture(scope="module")
def team() -> Results:
    """The full questionnaire answered by 30 people of every role (groups of 3 or more shown;
    :func:`test_small_groups_stay_withheld` raises that)."""
    return score(FULL, synthetic_respondents(FULL, n=30, seed=4), min_group_size=3)


def sources(
    before: Results, after: Results, q_before: Questionnaire = QUICK, q_after: Questionnaire = FULL
) -> list[TrendSource]:
    return [
        TrendSource(1, "Quick check", dt.date(2024, 1, 10), q_before, before),
        TrendSource(2, "Team", dt.date(2024, 6, 10), q_after, after),
    ]


def element(results: Results, element_id: str) -> ElementResult:
    return next(el for el in results.elements if el.id == element_id)


def item_score(results: Results, element_id: str, question_id: str) -> float | None:
    """The item's 0-100 score as the results page shows it: a KPI's score, else mean × 100."""
    el = element(results, element_id)
    for kpi in el.kpis:
        if kpi.question == question_id:
            return kpi.score
    qx = next(x for x in el.questions if x.id == question_id)
    return None if qx.mean is None else qx.mean * 100


def test_quick_check_to_full_compares_the_shared_items(leader: Results, team: Results) -> None:
    trend = compute_trend(sources(leader, team), INDEX)
    (step,) = trend.transitions
    assert step.mapping_used and not step.same_version
    compared = 0
    for row in trend.elements:
        before, after = row.cells
        # the element-level rule is unchanged: both scores, no change, questions_changed
        assert before.score is not None and after.score is not None
        assert after.comparable is False and after.reason == t.QUESTIONS_CHANGED
        assert after.change is None and after.significant is None
        assert before.items == ()  # the first assessment compares with nothing
        quick_items = [q.id for q in QUICK.element(row.key).scored_questions]
        full_items = [q.id for q in FULL.element(row.key).scored_questions]
        # every item the quick check asks is shared (same id), in the full element's order
        assert [i.after_id for i in after.items] == [q for q in full_items if q in quick_items]
        assert sorted(i.before_id for i in after.items) == sorted(quick_items)
        # items only the full questionnaire asks never appear
        assert not {i.after_id for i in after.items} - set(quick_items)
        for item in after.items:
            assert item.before_id == item.after_id
            assert item.text == FULL.questions()[item.after_id].text
            assert item.before == pytest.approx(item_score(leader, row.key, item.before_id))
            assert item.after == pytest.approx(item_score(team, row.key, item.after_id))
            assert (item.withheld_before, item.withheld_after) == (
                0,
                0,
            )  # one leader alone: shown whole; the team: no group below 3
            if item.before is None or item.after is None:
                assert item.change is None
            else:
                assert item.change == round(item.after) - round(item.before)
                compared += 1
    assert compared >= 20  # almost every one of the 26 shared items has both scores
    # overall: still not comparable, the elements differ
    assert trend.overall.cells[1].comparable is False
    assert trend.overall.cells[1].reason == t.ELEMENTS_CHANGED
    assert trend.overall.cells[1].change is None


def test_item_scores_by_hand(leader: Results, team: Results) -> None:
    """A practice item scores its mean answer × 100, a KPI item the score of its value."""
    trend = compute_trend(sources(leader, team), INDEX)
    crm = next(r for r in trend.elements if r.key == "crm").cells[1]
    items = {i.after_id: i for i in crm.items}
    assert set(items) == {"crm.data_trust", "crm.adoption_rate"}
    trust = next(x for x in element(team, "crm").questions if x.id == "crm.data_trust")
    assert trust.mean is not None and items["crm.data_trust"].after == trust.mean * 100
    (adoption,) = [k for k in element(team, "crm").kpis if k.question == "crm.adoption_rate"]
    assert items["crm.adoption_rate"].after == adoption.score


def test_the_not_comparable_list_is_unchanged(leader: Results, team: Results) -> None:
    trend = compute_trend(sources(leader, team), INDEX)
    listed = {(n.kind, n.item_id): n.reason for n in trend.not_comparable}
    for el in FULL.elements:
        assert listed[("element", el.id)] == t.QUESTIONS_CHANGED
    for qid, question in FULL.questions().items():
        if question.scored and qid not in QUICK.questions():
            assert listed[("question", qid)] == t.NEW
    assert not any(kind == "question" and qid in QUICK.questions() for kind, qid in listed)


def test_a_mapped_id_compares_and_a_removed_one_does_not(leader: Results, team: Results) -> None:
    """Through an explicit mapping: a renamed item compares under its new id, a removed one
    (listed as not comparable) never appears among the shared items."""
    other = next(
        q.id for q in FULL.element("crm").scored_questions if q.id not in QUICK.questions()
    )
    vmap = dataclasses.replace(
        SHIPPED,
        questions={
            **SHIPPED.questions,
            "crm.data_trust": None,  # removed
            "crm.adoption_rate": other,  # renamed onto an item the quick check does not ask
        },
    )
    trend = compute_trend(sources(leader, team), {(QUICK.content_hash, FULL.content_hash): vmap})
    crm = next(r for r in trend.elements if r.key == "crm").cells[1]
    assert [(i.before_id, i.after_id) for i in crm.items] == [("crm.adoption_rate", other)]
    (item,) = crm.items
    assert item.before == pytest.approx(item_score(leader, "crm", "crm.adoption_rate"))
    assert item.after == pytest.approx(item_score(team, "crm", other))
    listed = {(n.kind, n.item_id, n.from_key, n.reason) for n in trend.not_comparable}
    assert ("question", "crm.data_trust", 1, t.REMOVED) in listed
    # the full questionnaire's own items of those ids have no counterpart now
    assert ("question", "crm.data_trust", 1, t.NEW) in listed
    assert ("question", "crm.adoption_rate", 1, t.NEW) in listed


def test_small_groups_stay_withheld(leader: Results) -> None:
    """A practice item fewer people answered than the minimum group size is withheld on the
    results pages; the trend withholds it too (KPI values are figures and stay)."""
    team = score(FULL, synthetic_respondents(FULL, n=30, seed=4), min_group_size=8)
    trend = compute_trend(sources(leader, team), INDEX)
    performers = next(r for r in trend.elements if r.key == "top_performers").cells[1]
    items = {i.after_id: i for i in performers.items}
    # asked of executives and sales operations only: 6 of the 30 people
    pay = items["top_performers.pay_for_results"]
    assert set(FULL.questions()["top_performers.pay_for_results"].roles) == {
        "executive",
        "sales_ops",
    }
    assert pay.after is None and pay.change is None
    assert (pay.withheld_before, pay.withheld_after) == (0, 8)
    assert pay.before is not None  # the leader's own answer, shown on their own results page
    # a KPI asked of the same roles keeps its value
    win_rate = next(
        i for r in trend.elements for i in r.cells[1].items if i.after_id == "win_loss.win_rate"
    )
    assert win_rate.withheld_after == 0 and win_rate.after is not None


def test_comparable_elements_get_no_item_rows(leader: Results, team: Results) -> None:
    """Same content, or an element that passes MIN_SHARED: element-level change only."""
    again = score(FULL, synthetic_respondents(FULL, n=30, seed=5), min_group_size=5)
    same = compute_trend(sources(team, again, FULL, FULL))
    assert all(c.items == () for r in same.elements for c in r.cells)
    assert all(r.cells[1].change is not None for r in same.elements)
    # the quick check compared with itself: everything comparable, no items
    self_trend = compute_trend(sources(leader, leader, QUICK, QUICK))
    assert all(r.cells[1].comparable and r.cells[1].items == () for r in self_trend.elements)


def test_hand_checked_questions_changed_element() -> None:
    """tests/data/trends: e keeps e.q1 of e.q1/e.q2 and gains e.q3, e.q4 (1 of 3 shared)."""
    from tests.core.test_trends import MAPPING, V1, V2, all_v1, source, v2_answers

    first = source(1, V1, all_v1(50), 1)
    second = source(2, V2, {**v2_answers(75), "e.q1": 100}, 2)
    trend = compute_trend([first, second], {(V1.content_hash, V2.content_hash): MAPPING})
    rows = {r.key: r for r in trend.elements}
    e = rows["e"].cells[1]
    assert e.reason == t.QUESTIONS_CHANGED and e.change is None
    assert e.items == (t.ItemChange("e.q1", "e.q1", "E one", 50.0, 100.0, 50.0),)
    # comparable (a, bb), new (d) and removed (c) elements carry no items
    assert all(rows[k].cells[1].items == () for k in ("a", "bb", "d"))
    assert not rows["c"].cells[1].present
