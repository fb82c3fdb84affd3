"""One value per KPI: a fact about the organization, not a vote (method 2).

A KPI (``number``) question gets a single value ``v_q``: the CRM evidence value linked to it
when the assessment has one, else the value a consultant entered as an organization fact,
else the median of the respondents' answers.  Its score is the normalized score of the band
the value falls in.  Callers pass the CRM values and the facts as plain :class:`KpiFact`
mappings (question id → fact); the core never reads them from anywhere itself.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assessment.core.model import Question, Questionnaire
from assessment.core.qtypes import Kind
from assessment.core.results import KpiValue

SOURCE_CRM = "crm"
SOURCE_FACT = "fact"
SOURCE_ANSWERS = "answers"

"""Question types whose answers rate a practice (opinion items)."""


def is_practice(question: Question) -> bool:
    """Whether a question is a practice item (likert, choice, yes/no: its type's kind)."""
    return question.qtype.kind is Kind.PRACTICE


def is_kpi(question: Question) -> bool:
    """Whether a question is a KPI item (``number``): scored by one value, not by votes."""
    return question.qtype.kind is Kind.KPI


@dataclass(frozen=True, slots=True)
class KpiFact:
    """A value for a KPI question that does not come from the respondents.

    ``source`` says where it was taken from (a consultant's "Finance dashboard, Q3", or the
    CRM metric id such as ``crm.win_rate``); ``note`` is an optional remark.
    """

    value: float
    source: str = ""
    note: str = ""


def check_kpi_inputs(
    q: Questionnaire, values: Mapping[str, KpiFact] | None, what: str
) -> dict[str, KpiFact]:
    """The facts (or CRM values) as a dict; ValueError for an unknown or non-KPI question."""
    out: dict[str, KpiFact] = {}
    questions = q.questions()
    for qid, fact in (values or {}).items():
        question = questions.get(qid)
        if question is None:
            raise ValueError(f"{what} for unknown question {qid!r}")
        if not is_kpi(question):
            raise ValueError(f"{what} for {qid!r}, which is not a number (KPI) question")
        if not math.isfinite(fact.value):
            raise ValueError(f"{what} for {qid!r} is not a finite number")
        out[qid] = fact
    return out


def normalized_band_score(question: Question, x: float) -> tuple[str | None, float | None]:
    """(band id, n in [0, 1]) of a value; (None, None) when it falls in no band."""
    band = question.band_for(x)
    if band is None:
        return None, None
    lo, hi = question.score_bounds
    return band.id, (band.score - lo) / ((hi - lo) or 1.0)


def kpi_value(
    question: Question,
    answers: Sequence[float],
    crm: KpiFact | None = None,
    fact: KpiFact | None = None,
) -> KpiValue:
    """``v_q`` of a KPI question: CRM value, else the fact, else the median of ``answers``."""
    if crm is not None:
        value: float | None = crm.value
        source: str | None = SOURCE_CRM
        reference, note = crm.source, crm.note
    elif fact is not None:
        value, source, reference, note = fact.value, SOURCE_FACT, fact.source, fact.note
    elif answers:
        value, source, reference, note = statistics.median(answers), SOURCE_ANSWERS, "", ""
    else:
        value, source, reference, note = None, None, "", ""
    band, n = (None, None) if value is None else normalized_band_score(question, value)
    return KpiValue(
        question=question.id,
        value=value,
        source=source,
        band=band,
        score=None if n is None else 100.0 * n,
        reference=reference,
        note=note,
        answers=len(answers),
    )
