"""The key message, the top priorities and the 30/60/90-day roadmap (assessment.core.roadmap)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.core.loader import load_questionnaire_text
from assessment.core.model import Questionnaire
from assessment.core.results import (
    FLAG_LARGE_GAP,
    ElementResult,
    KpiValue,
    Overall,
    Results,
    TriggeredRecommendation,
)
from assessment.core.roadmap import (
    SHARE_RESULTS,
    MessageKind,
    build_roadmap,
    key_message,
    tie_reasons,
    top_priorities,
    watch_for,
)
from tests.core.populations import AGREE5_YAML, ROLES_YAML

ELEMENTS = ("a", "b", "c", "d")

QUESTIONNAIRE = (
    'id: rm\nversion: "1"\ntitle: Roadmap\n'
    + ROLES_YAML
    + "min_group_size: 1\nlevels:\n  - {level: 1, name: Low, min: 0}\n"
    + AGREE5_YAML
    + "elements:\n"
    + "".join(
        f"""  - id: {e}
    title: {e.upper()}
    target: 80
    levels: {{1: low}}
    questions:
      - {{id: {e}.p, type: likert, scale: agree5, text: P}}
      - {{id: {e}.k, type: number, text: K, unit: h, range: {{min: 0, max: 40}}, bands: [{{id: none, max: 1, score: 0}}, {{id: light, min: 1, max: 2, score: 1}}, {{id: regular, min: 2, max: 4, score: 2}}, {{id: intensive, min: 4, score: 3}}]}}
"""
        for e in ELEMENTS
    )
)


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return load_questionnaire_text(QUESTIONNAIRE, "rm.yaml")


def element(
    eid: str,
    score: float | None,
    *,
    gap: float | None = None,
    flagged: bool = False,
    kpis: tuple[KpiValue, ...] = (),
) -> ElementResult:
    return ElementResult(
        id=eid,
        title=eid.upper(),
        score=score,
        weight=1.0,
        target=80.0,
        level=None,
        level_name=None,
        coverage=1.0,
        agreement=None,
        leadership=None,
        frontline=None,
        gap=gap,
        leadership_suppressed=False,
        frontline_suppressed=False,
        flags=(FLAG_LARGE_GAP,) if flagged else (),
        roles={},
        questions=(),
        comments=(),
        kpis=kpis,
    )


def rec(
    rid: str,
    eid: str,
    priority: float,
    *,
    horizon: int = 30,
    after: tuple[str, ...] = (),
    addresses: tuple[str, ...] = (),
    impact: str = "high",
    effort: str = "low",
    basis: float | None = 40.0,
) -> TriggeredRecommendation:
    return TriggeredRecommendation(
        id=rid,
        element=eid,
        title=rid,
        why="why",
        actions=(f"first step of {rid}", "second", "third"),
        priority=priority,
        effort=effort,
        impact=impact,
        horizon_days=horizon,
        addresses=addresses,
        after=after,
        basis=basis,
    )


def results(
    elements: list[ElementResult],
    recs: list[TriggeredRecommendation],
    *,
    leadership: float | None = None,
    frontline: float | None = None,
) -> Results:
    return Results(
        questionnaire_id="rm",
        questionnaire_version="1",
        questionnaire_hash="x",
        respondents=20,
        respondents_by_role={},
        min_group_size=3,
        overall=Overall(50.0, None, None, leadership, frontline),
        elements=tuple(elements),
        recommendations=tuple(recs),
    )


def test_key_message_order_gap_then_focus_then_close_then_on_target() -> None:
    gap = results([element(e, 50, gap=20, flagged=True) for e in "abc"] + [element("d", 50)], [])
    msg = key_message(gap)
    assert msg.kind is MessageKind.PERCEPTION_GAP
    assert msg.elements == ("a", "b", "c")
    # One flagged element is enough when the overall gap is at least 10 points.
    one = results([element("a", 70, gap=25, flagged=True)], [], leadership=80, frontline=66)
    assert key_message(one).kind is MessageKind.PERCEPTION_GAP
    assert key_message(one).gap == pytest.approx(14)
    # ... but not with a small overall gap: then far-below-target elements decide.
    focus = results(
        [element("a", 50, gap=25, flagged=True), element("b", 55), element("c", 75)],
        [],
        leadership=70,
        frontline=65,
    )
    msg = key_message(focus)
    assert (msg.kind, msg.elements, msg.far_below) == (MessageKind.FOCUS, ("a", "b"), 2)
    close = results([element("a", 75), element("b", 79), element("c", 90)], [])
    assert key_message(close) == key_message(close)
    assert (key_message(close).kind, key_message(close).elements) == (MessageKind.CLOSE, ("a",))
    assert key_message(results([element("a", 85)], [])).kind is MessageKind.ON_TARGET


def test_top_priorities_take_one_per_element() -> None:
    r = results(
        [element(e, 40) for e in ELEMENTS],
        [
            rec("a1", "a", 90),
            rec("a2", "a", 85),
            rec("b1", "b", 60),
            rec("a3", "a", 50),
            rec("c1", "c", 40),
            rec("d1", "d", 30),
        ],
    )
    assert [x.id for x in top_priorities(r)] == ["a1", "b1", "c1"]


def test_roadmap_respects_capacity_horizon_and_one_element_per_phase(q: Questionnaire) -> None:
    r = results(
        [element(e, 40) for e in ELEMENTS],
        [
            rec("a1", "a", 90),
            rec("a2", "a", 80),  # same element as a1: pushed to phase 2
            rec("b1", "b", 70, horizon=60),  # not before days 31-60
            rec("c1", "c", 60),
            rec("d1", "d", 50),
            rec("c2", "c", 40, horizon=90),
        ],
    )
    rm = build_roadmap(r, q, per_phase=2)
    ids = [[i.id for i in p] for p in rm.phases]
    assert ids == [["a1", "c1"], ["a2", "b1"], ["d1", "c2"]]
    assert all(len(p) <= 2 for p in rm.phases)
    assert rm.deferred == ()
    first = rm.phases[0][0]
    assert first.first_action == "first step of a1"
    assert first.owner_role == "executive"


def test_after_is_never_placed_before_what_it_builds_on(q: Questionnaire) -> None:
    r = results(
        [element(e, 40) for e in ELEMENTS],
        [
            rec("b_base", "b", 30, horizon=90),
            rec("a_next", "a", 95, horizon=30, after=("b_base",)),
            rec("c1", "c", 60),
        ],
    )
    rm = build_roadmap(r, q)
    assert rm.phase_of("b_base") == 2
    assert rm.phase_of("a_next") == 2
    # When the prerequisite is triggered but cannot be placed, neither is the dependant.
    r2 = results(
        [element(e, 40) for e in ELEMENTS],
        [
            rec("b_base", "b", 30),
            rec("b_also", "b", 29),
            rec("b_third", "b", 28),
            rec("b_fourth", "b", 27),
            rec("a_next", "a", 20, after=("b_fourth",)),
        ],
    )
    rm2 = build_roadmap(r2, q)
    assert rm2.phase_of("b_fourth") is None and rm2.phase_of("a_next") is None
    assert {x.id for x in rm2.deferred} == {"b_fourth", "a_next"}


def test_perception_gap_opens_with_sharing_results_and_represents_the_gap_element(
    q: Questionnaire,
) -> None:
    r = results(
        [
            element("a", 30),
            element("b", 35),
            element("c", 60, gap=30, flagged=True),
            element("d", 65, gap=18, flagged=True),
        ],
        [rec("a1", "a", 90), rec("b1", "b", 80), rec("a2", "a", 70), rec("c1", "c", 10)],
        leadership=72,
        frontline=55,
    )
    rm = build_roadmap(r, q, per_phase=3)
    assert rm.message.kind is MessageKind.PERCEPTION_GAP
    opening = rm.phases[0][0]
    assert opening.kind == SHARE_RESULTS
    assert opening.element == "c"  # the largest significant gap
    # c's own recommendation is in the roadmap although its priority is the lowest.
    assert rm.phase_of("c1") is not None
    assert any(i.element == "c" and i.kind == "recommendation" for i in rm.initiatives())


def test_owner_comes_from_the_recommendation_then_the_element(q: Questionnaire) -> None:
    r = results([element("a", 40), element("b", 40)], [rec("a1", "a", 9), rec("b1", "b", 8)])
    rm = build_roadmap(r, q, owners={"a1": "sales_ops", "a": "sales_manager", "b": "sales_manager"})
    owners = {i.id: i.owner_role for i in rm.initiatives()}
    assert owners == {"a1": "sales_ops", "b1": "sales_manager"}


def test_watch_kpi_targets_the_nearest_edge_of_the_next_better_band(q: Questionnaire) -> None:
    kpi = KpiValue("a.k", 1.5, "fact", "light", 33.3)
    r = results([element("a", 40, kpis=(kpi,))], [])
    w = watch_for(rec("a1", "a", 9, addresses=("a.p", "a.k")), r, q)
    assert (w.question, w.baseline, w.target, w.unit) == ("a.k", 1.5, 2.0, "h")
    # Already in the best band: the practice score is watched instead.
    best = results([element("a", 40, kpis=(replace(kpi, value=6.0, band="intensive"),))], [])
    w2 = watch_for(rec("a1", "a", 9, addresses=("a.k",), basis=40.0), best, q)
    assert (w2.question, w2.baseline, w2.target) == (None, 40.0, 60.0)


@pytest.mark.parametrize(
    ("basis", "target"), [(40.0, 60.0), (74.0, 79.0), (78.0, 80.0), (85.0, 85.0)]
)
def test_watch_practice_target_closes_half_the_distance(
    q: Questionnaire, basis: float, target: float
) -> None:
    r = results([element("a", 50)], [])
    w = watch_for(rec("a1", "a", 9, basis=basis), r, q)
    assert (w.baseline, w.target) == (basis, target)


def test_tie_reasons_say_why_equal_priorities_are_ordered() -> None:
    recs = [
        rec("x", "a", 50),
        rec("y", "a", 50, after=("x",)),
        rec("z", "b", 50, impact="medium"),
        rec("w", "b", 50, impact="medium", effort="high"),
        rec("v", "c", 50, impact="medium", effort="high"),
        rec("u", "c", 10),
    ]
    assert tie_reasons(recs) == (None, "after", "impact", "effort", "equal", None)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ELEMENTS),
            st.floats(min_value=0.1, max_value=100),
            st.sampled_from((30, 60, 90)),
        ),
        min_size=1,
        max_size=15,
    ),
    st.integers(min_value=1, max_value=6),
    st.data(),
)
def test_roadmap_invariants(
    specs: list[tuple[str, float, int]], per_phase: int, data: st.DataObject
) -> None:
    q = load_questionnaire_text(QUESTIONNAIRE, "rm.yaml")
    recs: list[TriggeredRecommendation] = []
    for i, (eid, prio, horizon) in enumerate(specs):
        deps = (
            data.draw(st.sets(st.sampled_from([r.id for r in recs]), max_size=2)) if recs else set()
        )
        recs.append(rec(f"r{i}", eid, prio, horizon=horizon, after=tuple(sorted(deps))))
    r = results([element(e, 40) for e in ELEMENTS], recs)
    rm = build_roadmap(r, q, per_phase=per_phase)
    placed = rm.initiatives()
    # Every triggered recommendation is either placed once or deferred.
    assert sorted([i.id for i in placed] + [x.id for x in rm.deferred]) == sorted(
        x.id for x in recs
    )
    for phase, items in enumerate(rm.phases):
        assert len(items) <= per_phase
        assert len({i.element for i in items}) == len(items)
        for item in items:
            assert item.phase == phase and item.recommendation is not None
            assert phase >= {30: 0, 60: 1, 90: 2}[item.recommendation.horizon_days]
            for dep in item.recommendation.after:
                dep_phase = rm.phase_of(dep)
                assert dep_phase is not None and dep_phase <= phase


def test_gap_element_brings_what_it_builds_on(q: Questionnaire) -> None:
    r = results(
        [element("a", 30), element("b", 35), element("c", 60, gap=30, flagged=True)],
        [rec("a1", "a", 90), rec("b_base", "b", 5), rec("c1", "c", 10, after=("b_base",))],
        leadership=72,
        frontline=55,
    )
    rm = build_roadmap(r, q, per_phase=2)
    assert rm.phase_of("b_base") == 0 and rm.phase_of("c1") == 1
    assert rm.phases[0][0].kind == SHARE_RESULTS
