"""Trigger and rank recommendations from scored results.

Priority of a triggered recommendation is ``W_e · max(0, target_e − E_e)``: the weighted
distance of its element from the target.  Ties are broken by impact (high first), then
effort (low first), then id so the order is stable.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessment.core.conditions import triggers
from assessment.core.model import Questionnaire
from assessment.core.results import ElementResult, TriggeredRecommendation

_IMPACT_RANK = {"high": 0, "medium": 1, "low": 2}
_EFFORT_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class MetricTable:
    """The values conditions can refer to, looked up by metric name and arguments."""

    elements: Mapping[str, ElementResult]
    counts: Mapping[str, Counter[str]]
    numbers: Mapping[str, Sequence[float]]
    means: Mapping[str, float | None]
    questionnaire: Questionnaire

    @classmethod
    def build(
        cls,
        elements: Sequence[ElementResult],
        counts: Mapping[str, Counter[str]],
        numbers: Mapping[str, Sequence[float]],
        q: Questionnaire,
    ) -> MetricTable:
        """Collect element results and per-question tallies into one lookup table."""
        means = {qx.id: qx.mean for el in elements for qx in el.questions}
        return cls({el.id: el for el in elements}, counts, numbers, means, q)

    def metric(self, name: str, args: tuple[str, ...]) -> float | str | None:
        """Value of a metric, or None when it is unknown (no answers, suppressed)."""
        if name in ("score", "coverage", "agreement", "gap", "abs_gap"):
            el = self.elements.get(args[0])
            if el is None:
                return None
            if name == "score":
                return el.score
            if name == "coverage":
                return None if el.coverage is None else 100.0 * el.coverage
            if name == "agreement":
                return el.agreement
            if name == "gap":
                return el.gap
            return None if el.gap is None else abs(el.gap)
        qid = args[0]
        if name == "question":
            mean = self.means.get(qid)
            return None if mean is None else 100.0 * mean
        if name == "share":
            counts = self.counts.get(qid) or Counter()
            total = sum(counts.values())
            if not total:
                return None
            return 100.0 * sum(counts.get(v, 0) for v in args[1:]) / total
        values = self.numbers.get(qid) or ()
        if not values:
            return None
        median = statistics.median(values)
        if name == "kpi":
            return median
        band = self.questionnaire.questions()[qid].band_for(median)
        return band.id if band else None


def rank_recommendations(
    q: Questionnaire, elements: Sequence[ElementResult], table: MetricTable
) -> tuple[TriggeredRecommendation, ...]:
    """Every recommendation whose condition holds, highest priority first."""
    by_id = {el.id: el for el in elements}
    triggered: list[TriggeredRecommendation] = []
    for el in q.elements:
        result = by_id[el.id]
        gap_to_target = 0.0 if result.score is None else max(0.0, result.target - result.score)
        priority = result.weight * gap_to_target
        for rec in el.recommendations:
            if not triggers(rec.condition, table, el.id):
                continue
            triggered.append(
                TriggeredRecommendation(
                    id=rec.id,
                    element=el.id,
                    title=rec.title,
                    why=rec.why,
                    actions=rec.actions,
                    priority=priority,
                    effort=rec.effort.value,
                    impact=rec.impact.value,
                    horizon_days=rec.horizon,
                )
            )
    triggered.sort(
        key=lambda r: (-r.priority, _IMPACT_RANK[r.impact], _EFFORT_RANK[r.effort], r.id)
    )
    return tuple(triggered)
