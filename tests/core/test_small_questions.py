"""Answers of a practice question a small group answered are withheld from every display
(assessment.core.disclosure.withhold_small_questions); KPI figures and scores are not."""

from __future__ import annotations

from dataclasses import replace

from assessment.core.disclosure import withhold_small_questions
from assessment.core.results import QuestionExplanation
from tests.core.test_roadmap import element, results


def _qx(qid: str, kind: str, answered: int) -> QuestionExplanation:
    return QuestionExplanation(
        id=qid,
        type=kind,
        weight=1.0,
        asked=answered,
        answered=answered,
        na=0,
        dk=0,
        mean=0.25,
        contribution=10.0,
        status="included",
        distribution={"1": answered},
        median=2.0 if kind == "number" else None,
        agreement=0.5,
    )


def _results(respondents: int, min_group_size: int = 3):
    el = replace(
        element("a", 50.0),
        questions=(
            _qx("a.exec_only", "likert", 1),
            _qx("a.everyone", "likert", 12),
            _qx("a.kpi", "number", 1),
            _qx("a.nobody", "likert", 0),
        ),
    )
    return replace(
        results([el, element("b", 60.0)], []),
        respondents=respondents,
        min_group_size=min_group_size,
    )


def test_a_practice_question_one_person_answered_shows_no_answers() -> None:
    before = _results(12)
    after = withhold_small_questions(before)
    small, everyone, kpi, nobody = after.elements[0].questions
    assert small.withheld and small.distribution == {} and small.answered == 1
    assert small.mean is None and small.contribution is None and small.agreement is None
    assert not everyone.withheld and everyone.distribution == {"1": 12}
    assert not kpi.withheld and kpi.median == 2.0  # a figure, not an opinion
    assert not nobody.withheld
    assert after.elements[0].score == before.elements[0].score  # the score still counts it
    assert after.recommendations == before.recommendations


def test_an_assessment_smaller_than_a_group_is_shown_whole() -> None:
    alone = _results(1)
    assert withhold_small_questions(alone) is alone
    assert withhold_small_questions(_results(12, min_group_size=1)).elements[0].questions[0].mean
