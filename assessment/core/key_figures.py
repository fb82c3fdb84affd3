"""Which key figures (KPIs) a decision page shows: one per element, by one rule.

Pure.  The board edition's *Key numbers* page, the deck's key-numbers slide and any other
short view show the same figures, chosen here:

1. Only KPIs with a value and a band count.
2. One per element: a measured figure (CRM evidence or an organization fact) before the
   respondents' estimate (their median), then the one in the weakest band, then the
   questionnaire's order.

Each figure carries its band's place among the KPI's bands (``strong``: the best band,
``weak``: the worst, ``middle`` otherwise), so a short view can show the weakest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.core.model import Band, Question, Questionnaire
from assessment.core.results import KpiValue, Results

STRONG = "strong"
MIDDLE = "middle"
WEAK = "weak"


@dataclass(frozen=True)
class KeyFigure:
    """An element's key figure, its question and where its band sits."""

    element: str
    kpi: KpiValue
    question: Question
    band: Band
    status: str
    place: int
    """The band's rank among the KPI's bands, 0 for the worst."""


def key_figures(results: Results, q: Questionnaire) -> tuple[KeyFigure, ...]:
    """One key figure per element, in element order (rules in the module docstring)."""
    questions = q.questions()
    out: list[KeyFigure] = []
    for el in results.elements:
        candidates = []
        for order, kpi in enumerate(el.kpis):
            question = questions.get(kpi.question)
            if question is None or kpi.value is None or kpi.band is None:
                continue
            bands = sorted(question.bands or (), key=lambda b: b.score)
            place = next((i for i, b in enumerate(bands) if b.id == kpi.band), None)
            if place is None:
                continue
            measured = kpi.source in ("crm", "fact")
            candidates.append(((not measured, place, order), kpi, question, bands, place))
        if not candidates:
            continue
        _key, kpi, question, bands, place = min(candidates, key=lambda c: c[0])
        status = STRONG if place == len(bands) - 1 else WEAK if place == 0 else MIDDLE
        out.append(KeyFigure(el.id, kpi, question, bands[place], status, place))
    return tuple(out)
