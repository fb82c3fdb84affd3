"""What the CRM evidence feature shows, as plain data built by the view.

The evidence page, the assessment page and the results page show the current import; the
results page also compares each linked KPI question with the CRM figure.  The builders run
their queries when the view calls them; the templates only read the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from assessment.core.crm import current_metrics
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.db.models import Assessment, CrmEvidence
from assessment.services import crm_evidence as svc
from assessment.web.i18n import shown_questionnaire


@dataclass(frozen=True)
class EvidenceView:
    """What the pages show of one stored import (plain data, no ORM object)."""

    url: str
    filename: str
    created_at: datetime
    row_count: int
    quota: float | None
    settings: dict[str, Any]
    kpis: dict[str, Any]
    as_of: date | None
    """The date the figures are as of (stale deals, win-rate period, quota quarter)."""
    win_period: tuple[date, date] | None
    """Deals closed in this period count for the win rate (None: stored before periods)."""
    quota_period: tuple[date, date] | None
    """The period the quota is the target of (None without a quota)."""
    coverage_unit: str = ""
    """The unit the questionnaire gives pipeline coverage (e.g. "x target"), so the money
    table writes coverage as the linked question does; empty: no linked question."""


@dataclass(frozen=True)
class EvidenceRow:
    """A linked KPI question: the CRM figure next to what respondents answered."""

    question_id: str
    metric: str
    text: str
    unit: str
    crm_value: float | None
    period: tuple[date, date] | None
    """The period the CRM figure covers (closed deals, or deals closing in the quota period)."""
    answered: int
    median: float | None
    median_band: str
    kept_from_crm: int


@dataclass(frozen=True)
class EvidenceCard:
    """The evidence card of the assessment or results page."""

    url: str
    """The evidence page of the assessment (upload, history, all figures)."""
    current: EvidenceView | None
    """The import in use (None: nothing uploaded yet)."""
    rows: tuple[EvidenceRow, ...] = ()
    """Linked KPI questions with CRM figure and answers (results page only)."""


@dataclass(frozen=True)
class ImportRecord:
    """An earlier import in the evidence page's history."""

    filename: str
    row_count: int
    created_at: datetime
    as_of: str
    """The date the figures were as of, as stored (empty for imports before dates)."""


def history(session: Session, assessment_id: int) -> tuple[ImportRecord, ...]:
    """Every import of the assessment, newest first (the first is the one in use)."""
    return tuple(
        ImportRecord(e.filename, e.row_count, e.created_at, str((e.kpis or {}).get("as_of") or ""))
        for e in svc.evidence_history(session, assessment_id)
    )


def day(value: object) -> date | None:
    """An ISO date stored in the KPIs, or None when it is missing or not a date."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _period(texts: tuple[str, str] | None) -> tuple[date, date] | None:
    if texts is None:
        return None
    start, end = day(texts[0]), day(texts[1])
    return (start, end) if start and end else None


def _coverage_unit(q: Questionnaire) -> str:
    linked = (x for x in q.questions().values() if x.evidence == "crm.pipeline_coverage")
    return next((x.unit for x in linked if x.unit), "")


def _view(assessment: Assessment, evidence: CrmEvidence, lang: str) -> EvidenceView:
    kpis = dict(evidence.kpis or {})
    periods = svc.period_texts(kpis)
    return EvidenceView(
        url=url_for("evidence.crm", assessment_id=assessment.id),
        filename=evidence.filename,
        created_at=evidence.created_at,
        row_count=evidence.row_count,
        quota=evidence.quota,
        settings=dict(evidence.settings or {}),
        kpis=kpis,
        as_of=day(kpis.get("as_of")),
        win_period=_period(periods.get("crm.win_rate")),
        quota_period=_period(periods.get("crm.pipeline_coverage")),
        coverage_unit=_coverage_unit(shown_questionnaire(assessment, lang)),
    )


def evidence_view(session: Session, assessment: Assessment, lang: str) -> EvidenceView | None:
    """The import in use for the assessment (None: nothing uploaded)."""
    evidence = svc.current_evidence(session, assessment.id)
    return None if evidence is None else _view(assessment, evidence, lang)


def _rows(
    session: Session,
    assessment: Assessment,
    evidence: CrmEvidence,
    results: Results,
    q: Questionnaire,
) -> tuple[EvidenceRow, ...]:
    kpis = evidence.kpis
    metrics = current_metrics(kpis)
    periods = svc.period_texts(kpis)
    explained = {qx.id: qx for el in results.elements for qx in el.questions}
    kept = svc.crm_answer_counts(session, assessment.id)
    rows = []
    for question in q.questions().values():
        if question.evidence is None:
            continue
        qx = explained.get(question.id)
        band = question.band_for(qx.median) if qx and qx.median is not None else None
        value = metrics.get(question.evidence)
        rows.append(
            EvidenceRow(
                question_id=question.id,
                metric=question.evidence,
                text=question.text,
                unit=question.unit,
                crm_value=float(value) if isinstance(value, int | float) else None,
                period=_period(periods.get(question.evidence)) if value is not None else None,
                answered=qx.answered if qx else 0,
                median=qx.median if qx else None,
                median_band=band.label if band else "",
                kept_from_crm=kept.get(question.id, 0),
            )
        )
    return tuple(rows)


def assessment_card(session: Session, assessment: Assessment, lang: str) -> EvidenceCard:
    """The assessment page's card: the import in use, or the invitation to upload one."""
    return EvidenceCard(
        url=url_for("evidence.crm", assessment_id=assessment.id),
        current=evidence_view(session, assessment, lang),
    )


def results_card(
    session: Session, assessment: Assessment, results: Results, q: Questionnaire, lang: str
) -> EvidenceCard | None:
    """The results page's card (None: no import); ``results`` as computed once by the page."""
    evidence = svc.current_evidence(session, assessment.id)
    if evidence is None:
        return None
    return EvidenceCard(
        url=url_for("evidence.crm", assessment_id=assessment.id),
        current=_view(assessment, evidence, lang),
        rows=_rows(session, assessment, evidence, results, q),
    )
