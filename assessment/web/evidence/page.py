"""What the CRM evidence feature shows, as plain data built by the view.

The evidence page, the assessment page and the results page show the current import; the
results page also compares each linked KPI question with the CRM figure.  The builders run
their queries when the view calls them; the templates only read the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_skeleton
from flask import url_for
from flask_babel import get_locale
from sqlalchemy.orm import Session

from assessment.core.crm import metric_value
from assessment.core.forecast_methods import MonthAccuracy, message_of, month_bounds
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.db.models import Assessment, CrmEvidence
from assessment.messages import Message
from assessment.services import crm_evidence as svc
from assessment.web.i18n import shown_questionnaire
from assessment.web.messages import localize


@dataclass(frozen=True)
class ForecastRow:
    """One forecasting method: its name, figure and what it assumes, in the reader's language."""

    method: str
    label: str
    value: float | None
    assumes: str
    absent: str
    """Why the method has no figure ("" when it has one)."""


@dataclass(frozen=True)
class ForecastBlock:
    """The methods side by side for the deals in one currency."""

    currency: str
    rows: tuple[ForecastRow, ...]


@dataclass(frozen=True)
class AccuracyRow:
    """One method's earlier forecast for a closed month and how close it came."""

    label: str
    forecast: float
    accuracy: float | None


@dataclass(frozen=True)
class AccuracyBlock:
    """An earlier upload's forecasts of a month that has closed, against what was won."""

    month_label: str
    currency: str
    actual: float
    source: str
    forecast_as_of: date | None
    rows: tuple[AccuracyRow, ...]


@dataclass(frozen=True)
class ForecastPanel:
    """The forecasting methods of an import and the accuracy of earlier forecasts."""

    month_label: str
    month_end: date | None
    blocks: tuple[ForecastBlock, ...]
    notes: tuple[str, ...]
    accuracy: tuple[AccuracyBlock, ...]


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
    forecast: ForecastPanel | None = None
    """Next month forecast four ways (None: stored before the methods were computed)."""


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


def month_label(month: str) -> str:
    """A ``YYYY-MM`` month in the reader's language ("August 2024", "2024年8月")."""
    bounds = month_bounds(month)
    if bounds is None:
        return month
    return str(format_skeleton("yMMMM", bounds[0], locale=get_locale() or "en"))


def _method_label(method: str) -> str:
    return localize(Message(f"forecast.method.{method}"))


def _text(stored: Any) -> str:
    message = message_of(stored)
    return localize(message) if message is not None else ""


def forecast_panel(
    fm: dict[str, Any] | None, accuracy: tuple[MonthAccuracy, ...]
) -> ForecastPanel | None:
    """The stored ``forecast_methods`` of an import, translated (None when absent)."""
    if not fm:
        return None
    blocks = tuple(
        ForecastBlock(
            str(c.get("currency") or ""),
            tuple(
                ForecastRow(
                    method=str(m.get("method")),
                    label=_method_label(str(m.get("method"))),
                    value=float(m["value"]) if isinstance(m.get("value"), int | float) else None,
                    assumes=_text(m.get("assumes")),
                    absent=_text(m.get("absent")),
                )
                for m in c.get("methods") or []
            ),
        )
        for c in fm.get("currencies") or []
    )
    return ForecastPanel(
        month_label=month_label(str(fm.get("month") or "")),
        month_end=day(fm.get("end")),
        blocks=blocks,
        notes=tuple(_text(n) for n in fm.get("notes") or []),
        accuracy=tuple(
            AccuracyBlock(
                month_label=month_label(a.month),
                currency=a.currency,
                actual=a.actual,
                source=str(a.source),
                forecast_as_of=day(a.forecast_as_of),
                rows=tuple(
                    AccuracyRow(_method_label(m.method), m.forecast, m.accuracy) for m in a.methods
                ),
            )
            for a in accuracy
        ),
    )


def _view(
    session: Session, assessment: Assessment, evidence: CrmEvidence, lang: str
) -> EvidenceView:
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
        forecast=forecast_panel(
            kpis.get("forecast_methods"), svc.forecast_accuracy(session, evidence)
        ),
    )


def evidence_view(session: Session, assessment: Assessment, lang: str) -> EvidenceView | None:
    """The import in use for the assessment (None: nothing uploaded)."""
    evidence = svc.current_evidence(session, assessment.id)
    return None if evidence is None else _view(session, assessment, evidence, lang)


def _rows(
    session: Session,
    assessment: Assessment,
    evidence: CrmEvidence,
    results: Results,
    q: Questionnaire,
) -> tuple[EvidenceRow, ...]:
    kpis = evidence.kpis
    periods = svc.period_texts(kpis)
    explained = {qx.id: qx for el in results.elements for qx in el.questions}
    kept = svc.crm_answer_counts(session, assessment.id)
    rows = []
    for question in q.questions().values():
        if question.evidence is None:
            continue
        qx = explained.get(question.id)
        band = question.band_for(qx.median) if qx and qx.median is not None else None
        value = metric_value(kpis, question.evidence, question.unit)
        rows.append(
            EvidenceRow(
                question_id=question.id,
                metric=question.evidence,
                text=question.text,
                unit=question.unit,
                crm_value=value,
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
        current=_view(session, assessment, evidence, lang),
        rows=_rows(session, assessment, evidence, results, q),
    )
