"""A change between rounds is significant only when the 90 % intervals do not overlap."""

from __future__ import annotations

import dataclasses
import datetime as dt

from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from assessment.core.trends import TrendSource, compute_trend, significant


def test_rule_disjoint_intervals_only() -> None:
    assert significant((60.0, 70.0), (40.0, 55.0)) is True
    assert significant((30.0, 39.0), (40.0, 55.0)) is True
    assert significant((50.0, 70.0), (40.0, 55.0)) is False  # overlap
    assert significant((55.0, 70.0), (40.0, 55.0)) is False  # touching counts as overlap
    assert significant(None, (40.0, 55.0)) is None
    assert significant((40.0, 55.0), None) is None


def _source(q: Questionnaire, key: int, results: Results) -> TrendSource:
    return TrendSource(key, f"Round {key}", dt.date(2024, key, 1), q, results)


def test_trend_marks_changes_by_interval_overlap(standard: Questionnaire) -> None:
    first = score(standard, synthetic_respondents(standard, n=30, seed=1))
    # the same answers again: every change is 0 and no interval can be disjoint
    same = compute_trend([_source(standard, 1, first), _source(standard, 2, first)])
    assert same.overall.cells[1].change == 0 and same.overall.cells[1].significant is False
    # a second round whose intervals are moved far away: every change becomes significant
    el0 = first.elements[0]
    assert el0.ci is not None and first.overall.ci is not None
    moved = dataclasses.replace(
        first,
        overall=dataclasses.replace(first.overall, score=99.0, ci=(98.0, 100.0)),
        elements=(
            dataclasses.replace(el0, score=99.0, ci=(98.0, 100.0)),
            *first.elements[1:],
        ),
    )
    trend = compute_trend([_source(standard, 1, first), _source(standard, 2, moved)])
    assert trend.overall.cells[1].significant is (first.overall.ci[1] < 98.0)
    row = next(r for r in trend.elements if r.key == el0.id)
    assert row.cells[1].significant is (el0.ci[1] < 98.0)
    assert row.cells[1].significant is True
    # without intervals (too few respondents) nothing is marked
    bare = dataclasses.replace(first, overall=dataclasses.replace(first.overall, ci=None))
    assert (
        compute_trend([_source(standard, 1, bare), _source(standard, 2, moved)])
        .overall.cells[1]
        .significant
        is None
    )
