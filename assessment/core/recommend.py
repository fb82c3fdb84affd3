"""Trigger and rank recommendations from scored results (method 2).

Each triggered recommendation gets its own priority::

    A_r      = 100 · Σ w_q·ν_q / Σ w_q over the questions it addresses that have a value
               (ν_q = m_q over everyone for a practice item, n(v_q) for a KPI item),
               else E_e (no ``addresses``, or none of them has a value)
    priority = W_e · max(0, target_e − A_r) · f_impact / f_effort

with f_impact high 1.0, medium 0.75, low 0.5 and f_effort low 1.0, medium 1.25, high 1.5.
The list is ordered by priority, ties broken by impact (high first), effort (low first),
then id; a recommendation whose ``after`` names another triggered one is preceded by it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessment.core.conditions import triggers
from assessment.core.model import Questionnaire, Recommendation
from assessment.core.profile import OrganizationProfile
from assessment.core.results import (
    ElementResult,
    KpiValue,
    QuestionExplanation,
    TriggeredRecommendation,
)

IMPACT_FACTOR = {"high": 1.0, "medium": 0.75, "low": 0.5}
EFFORT_FACTOR = {"low": 1.0, "medium": 1.25, "high": 1.5}
_IMPACT_RANK = {"high": 0, "medium": 1, "low": 2}
_EFFORT_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class MetricTable:
    """The values conditions can refer to, looked up by metric name and arguments.

    Everything comes from the published results, so a condition can never see what the
    differencing protection withholds; ``profile()`` reads the organization profile.
    """

    elements: Mapping[str, ElementResult]
    questions: Mapping[str, QuestionExplanation]
    kpis: Mapping[str, KpiValue]
    profile: OrganizationProfile | None = None

    @classmethod
    def build(
        cls,
        elements: Sequence[ElementResult],
        q: Questionnaire | None = None,
        profile: OrganizationProfile | None = None,
    ) -> MetricTable:
        """Collect element results, question explanations and KPI values into one table."""
        return cls(
            {el.id: el for el in elements},
            {qx.id: qx for el in elements for qx in el.questions},
            {k.question: k for el in elements for k in el.kpis},
            profile,
        )

    def metric(self, name: str, args: tuple[str, ...]) -> float | str | None:
        """Value of a metric, or None when it is unknown (no answers, suppressed, a profile
        field not filled in)."""
        if name == "profile":
            return None if self.profile is None else self.profile.value(args[0])
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
            return self.nu(qid)
        if name == "share":
            qx = self.questions.get(qid)
            total = sum(qx.distribution.values()) if qx is not None else 0
            if qx is None or not total:
                return None
            return 100.0 * sum(qx.distribution.get(v, 0) for v in args[1:]) / total
        kpi = self.kpis.get(qid)
        if kpi is None:
            return None
        return kpi.value if name == "kpi" else kpi.band

    def nu(self, qid: str) -> float | None:
        """100·ν_q: the KPI's band score for a KPI item, else the mean normalized answer."""
        kpi = self.kpis.get(qid)
        if kpi is not None:
            return kpi.score
        qx = self.questions.get(qid)
        return None if qx is None or qx.mean is None else 100.0 * qx.mean


def addressed_score(
    rec: Recommendation, table: MetricTable, weights: Mapping[str, float]
) -> float | None:
    """A_r: the weighted score of the addressed questions with a value, else E_e."""
    num = den = 0.0
    for qid in rec.addresses:
        value = table.nu(qid)
        if value is not None:
            num += weights[qid] * value
            den += weights[qid]
    if den > 0:
        return num / den
    return table.elements[rec.element].score


def priority_of(rec: Recommendation, result: ElementResult, basis: float | None) -> float:
    """``W_e · max(0, target_e − A_r) · f_impact / f_effort`` (0 without a basis)."""
    if basis is None:
        return 0.0
    distance = max(0.0, result.target - basis)
    return (
        result.weight * distance * IMPACT_FACTOR[rec.impact.value] / EFFORT_FACTOR[rec.effort.value]
    )


def rank_recommendations(
    q: Questionnaire, elements: Sequence[ElementResult], table: MetricTable
) -> tuple[TriggeredRecommendation, ...]:
    """Every recommendation whose condition holds, highest priority first (``after`` kept)."""
    by_id = {el.id: el for el in elements}
    weights = {qu.id: qu.weight for el in q.elements for qu in el.questions}
    triggered: list[TriggeredRecommendation] = []
    for el in q.elements:
        result = by_id[el.id]
        for rec in el.recommendations:
            if not triggers(rec.condition, table, el.id):
                continue
            basis = addressed_score(rec, table, weights)
            triggered.append(
                TriggeredRecommendation(
                    id=rec.id,
                    element=el.id,
                    title=rec.title,
                    why=rec.why,
                    actions=rec.actions,
                    priority=priority_of(rec, result, basis),
                    effort=rec.effort.value,
                    impact=rec.impact.value,
                    horizon_days=rec.horizon,
                    addresses=rec.addresses,
                    after=rec.after,
                    basis=basis,
                    evidence=rec.evidence,
                )
            )
    return order_recommendations(triggered)


def _key(r: TriggeredRecommendation) -> tuple[float, int, int, str]:
    return (-r.priority, _IMPACT_RANK[r.impact], _EFFORT_RANK[r.effort], r.id)


def order_recommendations(
    triggered: Sequence[TriggeredRecommendation],
) -> tuple[TriggeredRecommendation, ...]:
    """Sort by priority, impact, effort, id; a recommendation's ``after`` ones come first.

    Walking the sorted list, each recommendation is preceded by those it names in ``after``
    (among the triggered ones, themselves in sorted order and recursively), so an urgent
    recommendation pulls what it depends on up instead of waiting behind it.  ``after`` has
    no cycles (the loader refuses them).
    """
    by_id = {r.id: r for r in triggered}
    placed: set[str] = set()
    out: list[TriggeredRecommendation] = []

    def place(r: TriggeredRecommendation) -> None:
        placed.add(r.id)
        for before in sorted((by_id[a] for a in r.after if a in by_id), key=_key):
            if before.id not in placed:
                place(before)
        out.append(r)

    for r in sorted(triggered, key=_key):
        if r.id not in placed:
            place(r)
    return tuple(out)
