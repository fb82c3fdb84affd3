"""The KPI values of each element as the results page shows them: value, source and band.

Scoring gives every KPI (``number``) question one value, from the CRM evidence, an
organization fact or the median of the answers (method 2, ``docs/scoring.md``); this module
puts that value beside the question's text, unit and band label in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from assessment.core.model import Question, SourceKind
from assessment.core.results import KpiValue, Results


def source_label(source: str | None) -> str:
    """Where a KPI value comes from, in words."""
    labels = {
        "crm": _("CRM"),
        "fact": _("organization fact"),
        "answers": _("answers (median)"),
    }
    return labels.get(source or "", _("no value"))


def band_source_label(question: Question | None) -> str:
    """Where a KPI's bands come from, in a few words ("" when the question does not say)."""
    if question is None:
        return ""
    source = question.band_source
    if source is None:
        return (
            _("Source of the bands") if isinstance(question.source, str) and question.source else ""
        )
    return {
        SourceKind.SEED: _("Bands from the reference articles"),
        SourceKind.PUBLISHED: _("Bands from a published source"),
        SourceKind.PRACTICE: _("Bands set from practice, not a published norm"),
    }[source.kind]


def band_source_note(question: Question | None) -> str:
    """The note on the bands' source ("" when there is none)."""
    if question is None:
        return ""
    if question.band_source is not None:
        return question.band_source.note
    return question.source if isinstance(question.source, str) else ""


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
    band_source: str = ""
    """Where the bands come from (reference articles, a published source or practice)."""
    band_source_kind: str = ""
    """``seed``, ``published`` or ``practice`` ("" when not given)."""
    band_source_note: str = ""


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
        band_source=band_source_label(question),
        band_source_kind=""
        if question is None or question.band_source is None
        else question.band_source.kind.value,
        band_source_note=band_source_note(question),
    )


def kpi_rows(results: Results, questions: dict[str, Question]) -> dict[str, list[KpiRow]]:
    """The KPI rows of every element that has KPI questions, by element id."""
    return {
        el.id: [kpi_row(k, questions.get(k.question)) for k in el.kpis]
        for el in results.elements
        if el.kpis
    }
