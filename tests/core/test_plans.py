"""Action plans in the core: due timing, seeds from the roadmap, carried chains, grouping,
closing the loop between two rounds and the re-assessment cadence (assessment.core.plans)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core import plans as p
from assessment.core.model import Questionnaire
from assessment.core.results import KpiValue
from assessment.core.roadmap import SHARE_RESULTS, build_roadmap
from assessment.core.trends import TrendSource, compute_trend
from tests.core.test_roadmap import element, q, rec, results  # noqa: F401  (q is a fixture)

TODAY = dt.date(2027, 3, 10)


def item(iid: int, **kw: object) -> p.PlanItem:
    values: dict[str, object] = {"assessment_id": 1, "title": f"item {iid}"}
    values.update(kw)
    return p.PlanItem(id=iid, **values)  # type: ignore[arg-type]


def test_timing_overdue_this_week_or_nothing() -> None:
    assert p.timing(item(1, due=TODAY - dt.timedelta(days=1)), TODAY) is p.Timing.OVERDUE
    assert p.timing(item(1, due=TODAY), TODAY) is p.Timing.THIS_WEEK
    assert p.timing(item(1, due=TODAY + dt.timedelta(days=6)), TODAY) is p.Timing.THIS_WEEK
    assert p.timing(item(1, due=TODAY + dt.timedelta(days=7)), TODAY) is None
    assert p.timing(item(1), TODAY) is None  # no due date
    late = TODAY - dt.timedelta(days=30)
    assert p.timing(item(1, due=late, status=p.Status.DONE), TODAY) is None
    assert p.timing(item(1, due=late, status=p.Status.DROPPED), TODAY) is None
    assert p.timing(item(1, due=late, status=p.Status.IN_PROGRESS), TODAY) is p.Timing.OVERDUE


def test_phases_and_due_dates() -> None:
    assert [p.due_for_phase(ph, TODAY) for ph in (0, 1, 2, p.LATER)] == [
        TODAY + dt.timedelta(days=d) for d in (30, 60, 90, 90)
    ]
    assert p.phase_for_due(None, TODAY) == 0
    assert p.phase_for_due(TODAY + dt.timedelta(days=30), TODAY) == 0
    assert p.phase_for_due(TODAY + dt.timedelta(days=31), TODAY) == 1
    assert p.phase_for_due(TODAY + dt.timedelta(days=90), TODAY) == 2
    assert p.phase_for_due(TODAY + dt.timedelta(days=91), TODAY) == p.LATER


def test_seeds_follow_the_roadmap(q: Questionnaire) -> None:  # noqa: F811
    kpi = KpiValue("b.k", 1.5, "fact", "light", 33.0)
    r = results(
        [element("a", 40), element("b", 40, kpis=(kpi,)), element("c", 40), element("d", 40)],
        [
            rec("a1", "a", 90),
            rec("b1", "b", 70, horizon=60, addresses=("b.k",)),
            rec("c1", "c", 60, horizon=90),
        ],
    )
    roadmap = build_roadmap(r, q)
    seeds = p.seeds_from_roadmap(roadmap, TODAY)
    assert [(s.recommendation, s.phase) for s in seeds] == [("a1", 0), ("b1", 1), ("c1", 2)]
    assert [s.due for s in seeds] == [TODAY + dt.timedelta(days=d) for d in (30, 60, 90)]
    a1, b1, _c1 = seeds
    # The first action is the title, the rest stays as detail; the owner role and the
    # measure to watch are the roadmap's.
    assert (a1.title, a1.detail) == ("first step of a1", ("second", "third"))
    assert a1.owner_role == "executive"
    assert (a1.kpi, a1.baseline, a1.target) == ("", 40.0, 60.0)  # the practice score
    assert (b1.kpi, b1.unit, b1.baseline, b1.target) == ("b.k", "h", 1.5, 2.0)  # next band


def test_perception_gap_roadmap_seeds_the_share_step_untitled(q: Questionnaire) -> None:  # noqa: F811
    r = results(
        [element(e, 50, gap=20, flagged=True) for e in "abc"] + [element("d", 50)],
        [rec("a1", "a", 90)],
    )
    seeds = p.seeds_from_roadmap(build_roadmap(r, q), TODAY)
    assert seeds[0].recommendation == SHARE_RESULTS
    assert seeds[0].title == ""  # the service words it in the assessment's language
    assert seeds[0].due == TODAY + dt.timedelta(days=30)


def test_carried_chains_live_items_and_what_to_carry() -> None:
    first = item(1, assessment_id=1, status=p.Status.IN_PROGRESS)
    done = item(2, assessment_id=1, status=p.Status.DONE)
    dropped = item(3, assessment_id=1, status=p.Status.DROPPED, drop_reason="no budget")
    copy = item(4, assessment_id=2, carried_from=1, status=p.Status.IN_PROGRESS)
    again = item(5, assessment_id=3, carried_from=4, status=p.Status.DONE)
    items = [first, done, dropped, copy, again]
    latest = p.latest_versions(items)
    assert latest[1] == again and latest[4] == again and latest[2] == done
    assert [i.id for i in p.live(items)] == [2, 3, 5]
    # Round 1's open item 1 is carried already; a new round after 1 carries nothing more.
    assert p.to_carry(items, 1) == []
    assert [i.id for i in p.to_carry([first, done, dropped], 1)] == [1]
    assert p.to_carry(items, 2) == []  # item 4 went on into round 3


def test_grouping_by_phase_status_and_owner() -> None:
    items = [
        item(1, phase=1, owner="Zofia", due=TODAY),
        item(2, phase=0, owner="anna", status=p.Status.DONE),
        item(3, phase=0, owner_role="sales_manager", due=TODAY - dt.timedelta(days=3)),
        item(4, phase=p.LATER, status=p.Status.DROPPED, drop_reason="x"),
    ]
    assert [(g.key, [i.id for i in g.items]) for g in p.by_phase(items)] == [
        ("0", [3, 2]),
        ("1", [1]),
        ("3", [4]),
    ]
    assert [g.key for g in p.by_status(items)] == ["planned", "done", "dropped"]
    assert [g.key for g in p.by_owner(items)] == ["anna", "Zofia", "role:sales_manager", ""]
    assert p.counts(items)[p.Status.PLANNED] == 2


def _source(key: int, r: object, model: Questionnaire) -> TrendSource:
    return TrendSource(key, f"round {key}", TODAY, model, r)  # type: ignore[arg-type]


def test_follow_through_status_element_move_and_kpi(q: Questionnaire) -> None:  # noqa: F811
    before = results(
        [
            replace(element("a", 40), ci=(35.0, 45.0)),
            replace(
                element("b", 60, kpis=(KpiValue("b.k", 1.5, "fact", "light", 33.0),)),
                ci=(50.0, 70.0),
            ),
            element("c", 50),
            element("d", 50),
        ],
        [],
    )
    after = results(
        [
            replace(element("a", 55), ci=(50.0, 60.0)),  # intervals apart: significant
            replace(
                element("b", 64, kpis=(KpiValue("b.k", 2.5, "crm", "regular", 66.0),)),
                ci=(55.0, 73.0),
            ),  # overlapping: not significant
            element("c", 50),
            element("d", 50),
        ],
        [],
    )
    trend = compute_trend([_source(1, before, q), _source(2, after, q)])
    committed = [
        item(1, element="a", status=p.Status.IN_PROGRESS),
        item(2, element="b", kpi="b.k", unit="h", baseline=1.5, target=2.0, status=p.Status.DONE),
        item(3, element="c", status=p.Status.DROPPED, drop_reason="merged into 1"),
    ]
    carried = item(4, assessment_id=2, carried_from=1, status=p.Status.DONE)
    loop = p.follow_through(committed, [*committed, carried], trend, before, after)
    assert loop is not None and loop.previous_title == "round 1"
    a, b, c = loop.rows
    # Item 1 was carried into round 2 and finished there: the loop shows it done.
    assert (a.status, a.carried) == (p.Status.DONE, True)
    assert a.element is not None and a.element.change == pytest.approx(15)
    assert a.element.significant is True
    assert b.element is not None and b.element.significant is False
    assert b.kpi is not None
    assert (b.kpi.before, b.kpi.after, b.kpi.before_source, b.kpi.after_source) == (
        1.5,
        2.5,
        "fact",
        "crm",
    )
    assert b.kpi.change == pytest.approx(1.0) and b.kpi.evidence and b.kpi.reached is True
    assert (c.status, c.drop_reason) == (p.Status.DROPPED, "merged into 1")
    assert loop.count(p.Status.DONE) == 2 and loop.moved == 1
    assert p.follow_through([], committed, trend, before, after) is None


def test_kpi_move_direction_and_missing_values() -> None:
    lower_is_better = p.KpiMove("x", 60.0, "crm", 40.0, "crm", 45.0, True)
    assert lower_is_better.reached is True
    assert p.KpiMove("x", 60.0, "answers", 50.0, "crm", 45.0, True).reached is False
    assert not p.KpiMove("x", 60.0, "answers", 50.0, "crm", 45.0, True).evidence
    assert p.KpiMove("x", None, None, 50.0, "crm", 45.0, True).change is None
    assert p.KpiMove("x", 1.0, "fact", None, None, 2.0, False).reached is None


def test_cadence_due_dates_and_proposals() -> None:
    assert p.add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert p.add_months(dt.date(2027, 11, 15), 3) == dt.date(2028, 2, 15)
    assert p.add_months(dt.date(2027, 3, 15), -6) == dt.date(2026, 9, 15)
    closed = dt.date(2027, 1, 10)
    assert p.next_round_due(closed, 3) == dt.date(2027, 4, 10)
    assert not p.round_proposed(closed, 3, dt.date(2027, 3, 26))
    assert p.round_proposed(closed, 3, dt.date(2027, 3, 27))  # 14 days before
    assert p.round_proposed(closed, 3, dt.date(2027, 9, 1))  # overdue: still proposed


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)),
    st.sampled_from(p.CADENCES),
)
def test_adding_months_then_removing_them_never_moves_forward(day: dt.date, months: int) -> None:
    later = p.add_months(day, months)
    assert later > day
    assert p.add_months(later, -months) <= day
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
