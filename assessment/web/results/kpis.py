"""The KPI values of each element as the results page shows them: value, source and band.

Scoring gives every KPI (``number``) question one value, from the CRM evidence, an
organization fact or the median of the answers (method 2, ``docs/scoring.md``); this module
puts that value beside the question's text, unit and band label in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from assessment.core.model import Question
from assessment.core.results import KpiValue, Results


def source_label(source: str | None) -> str:
    """Where a KPI value comes from, in words."""
    labels = {
        "crm": _("CRM"),
        "fact": _("organization fact"),
        "answers": _("answers (median)"),
    }
    return labels.get(source or "", _("no value"))


@dataclass(frozen=True)
class KpiRow:
    """One KPI of an element, ready to show."""

    text: str
    value: float | None
    unit: str
    source: str | None
    source_text: str
    reference: str
    band: str
    score: float | None
    note: str
    answers: int


def _band_label(question: Question | None, band: str | None) -> str:
    if question is None or band is None:
        return band or ""
    for b in question.bands or ():
        if b.id == band:
            return b.label or b.id
    return band


def kpi_row(kpi: KpiValue, question: Question | None) -> KpiRow:
    """The row of one KPI value (``question`` None: the id stands in for the text)."""
    return KpiRow(
        text=question.text if question is not None else kpi.question,
        value=kpi.value,
        unit=question.unit if question is not None else "",
        source=kpi.source,
        source_text=source_label(kpi.source),
        reference=kpi.reference,
        band=_band_label(question, kpi.band),
        score=kpi.score,
        note=kpi.note,
        answers=kpi.answers,
    )


def kpi_rows(results: Results, questions: dict[str, Question]) -> dict[str, list[KpiRow]]:
    """The KPI rows of every element that has KPI questions, by element id."""
    return {
        el.id: [kpi_row(k, questions.get(k.question)) for k in el.kpis]
        for el in results.elements
        if el.kpis
    }
