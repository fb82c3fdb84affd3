"""Quotes for the board (assessment.core.voices) and the decisions it is asked to take
(assessment.core.decisions)."""

from __future__ import annotations

from dataclasses import replace

from assessment.core import decisions
from assessment.core.decisions import board_decisions
from assessment.core.results import Comment
from assessment.core.roadmap import KeyMessage, MessageKind
from assessment.core.voices import MAX_VOICES, pick_voices
from tests.core.test_roadmap import element, rec, results

LONG = "This is a comment long enough to say something about the element "


def _with_comments(by_element: dict[str, list[Comment]], by_role: dict[str, int]):
    els = [
        replace(element(e, score), comments=tuple(by_element.get(e, [])))
        for e, score in (("a", 40.0), ("b", 60.0), ("c", 75.0), ("d", 90.0))
    ]
    return replace(results(els, []), respondents_by_role=by_role, min_group_size=3)


def test_no_quote_from_a_group_under_the_minimum_size() -> None:
    r = _with_comments(
        {"a": [Comment(LONG + "(director)", "en", "director")], "b": [Comment(LONG, "en", "rep")]},
        {"director": 2, "rep": 9},
    )
    chosen = pick_voices(r)
    assert [v.text for v in chosen] == [LONG]
    assert all("director" not in v.text for v in chosen)


def test_quotes_go_round_the_elements_furthest_below_target_first() -> None:
    comments = {e: [Comment(f"{LONG}{e} {i}", "en", "rep") for i in range(4)] for e in "abcd"}
    chosen = pick_voices(_with_comments(comments, {"rep": 10}))
    assert len(chosen) == MAX_VOICES
    assert [v.element for v in chosen] == ["a", "b", "c", "d", "a"]


def test_a_language_not_yet_quoted_comes_first_and_duplicates_are_quoted_once() -> None:
    comments = {
        "a": [Comment(LONG + "one", "en", "rep")],
        "b": [Comment(LONG.upper() + "ONE", "en", "rep"), Comment(LONG + "dwa", "pl", "rep")],
        "c": [Comment("  " + LONG + "one", "en", "rep"), Comment("too short", "en", "rep")],
    }
    chosen = pick_voices(_with_comments(comments, {"rep": 10}))
    # b's English comment and c's repeat a's text (case and spaces aside); c's other is too short
    assert [(v.element, v.language) for v in chosen] == [("a", "en"), ("b", "pl")]


def test_a_self_assessment_has_no_quotes() -> None:
    r = _with_comments({"a": [Comment(LONG, "en", "director")]}, {"director": 1})
    assert pick_voices(replace(r, respondents=1, min_group_size=1)) == ()


def test_perception_gap_asks_the_board_to_share_the_results_first() -> None:
    message = KeyMessage(MessageKind.PERCEPTION_GAP, ("b",), 18.0)
    priorities = [rec("r1", "a", 5.0, effort="high"), rec("r2", "b", 4.0)]
    kinds = [d.kind for d in board_decisions(message, priorities)]
    assert kinds == [
        decisions.SHARE_RESULTS,
        decisions.APPROVE_PRIORITIES,
        decisions.FUND,
        decisions.ADOPT_TARGETS,
        decisions.REASSESS,
    ]
    fund = board_decisions(message, priorities)[2]
    assert fund.recommendation == "r1"


def test_a_plan_is_confirmed_instead_of_approved_and_on_target_raises_targets() -> None:
    focus = KeyMessage(MessageKind.FOCUS, ("a", "b"), far_below=2)
    kinds = [d.kind for d in board_decisions(focus, [rec("r1", "a", 5.0)], has_plan=True)]
    assert kinds[0] == decisions.CONFIRM_PLAN
    on_target = board_decisions(KeyMessage(MessageKind.ON_TARGET), [])
    assert [d.kind for d in on_target] == [decisions.RAISE_TARGETS, decisions.REASSESS]


def test_owners_still_to_name_and_the_value_at_stake_are_decisions() -> None:
    focus = KeyMessage(MessageKind.FOCUS, ("a", "b"), far_below=2)
    chosen = board_decisions(
        focus,
        [rec("r1", "a", 5.0)],
        has_plan=True,
        unowned=["Coaching rhythm"],
        value_at_stake=True,
    )
    kinds = [d.kind for d in chosen]
    assert kinds == [
        decisions.NAME_OWNERS,
        decisions.ADOPT_TARGETS,
        decisions.TRACK_VALUE,
        decisions.REASSESS,
    ]
    assert chosen[0].items == ("Coaching rhythm",)
