"""CRM evidence of an assessment: import an opportunity export, store its KPIs, read them back.

The newest :class:`~assessment.db.models.CrmEvidence` row of an assessment is the evidence in
use.  Its ``kpis`` are the ``crm-kpis --json`` shape; the values of linked metrics
(``kpis["metrics"]``) pre-fill the questions that name them (``evidence:`` in the
questionnaire) and appear next to the respondents' answers in the results and the report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from assessment.core.crm import (
    DEFAULT_STAGE_PROBABILITIES,
    CrmInputError,
    StageTable,
    compute_kpis,
    metric_value,
    normalize_stage,
)
from assessment.core.forecast_methods import (
    ForecastOptions,
    MonthAccuracy,
    compare_forecasts,
    forecast_methods,
)
from assessment.core.kpi import KpiFact
from assessment.core.model import Question, Questionnaire
from assessment.db import write_transaction
from assessment.db.models import Answer, Assessment, AssessmentStatus, CrmEvidence, Respondent
from assessment.io.opportunities import (
    ColumnMapping,
    OpportunitiesFileError,
    parse_amount,
    parse_mapping,
    read_opportunities_bytes,
)
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment
from assessment.services.errors import Invalid


class EvidenceFileError(Invalid):
    """An export or mapping that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[str], field: str = "export") -> None:
        if problems:
            super().__init__("form.detail", field=field, detail=problems[0])
        else:
            super().__init__("crm.invalid_file", field=field)
        self.problems = list(problems)


@dataclass(frozen=True)
class EvidenceUpload:
    """What an editor submits: the export, an optional mapping, quota and stage settings."""

    filename: str
    data: bytes
    mapping: bytes | None = None
    mapping_filename: str = "MAP.yaml"
    quota: float | None = None
    quota_currency: str | None = None
    stage_percentages: Mapping[str, float] | None = None
    """Stage name → probability in percent; a mapping file's ``stages`` win over these."""
    as_of: date | None = None
    forecast: ForecastOptions | None = None
    """What the run-rate forecast assumes (growth, new reps); None: neither."""


FORECAST_FIELDS: Mapping[str, str] = {
    "forecast.growth": "growth",
    "forecast.new_reps": "new_reps",
    "forecast.new_reps_needed": "new_reps",
    "forecast.new_rep_deals": "new_rep_deals",
    "forecast.new_rep_deals_needed": "new_rep_deals",
    "forecast.new_rep_deal_size": "new_rep_deal_size",
    "forecast.deal_size_unknown": "new_rep_deal_size",
    "forecast.currency_code": "new_rep_currency",
    "forecast.new_rep_currency": "new_rep_currency",
    "forecast.new_rep_currency_needed": "new_rep_currency",
}
"""The upload form's field each forecast-option problem is about."""


def parse_forecast_options(
    growth: str = "",
    new_reps: str = "",
    new_rep_deals: str = "",
    new_rep_deal_size: str = "",
    new_rep_currency: str = "",
) -> ForecastOptions:
    """The run-rate assumptions typed in the upload form; Invalid names the field."""
    try:
        return ForecastOptions.build(
            growth, new_reps, new_rep_deals, new_rep_deal_size, new_rep_currency or None
        )
    except CrmInputError as exc:
        raise _forecast_invalid(exc) from exc


def _forecast_invalid(exc: CrmInputError) -> Invalid:
    return Invalid("form.detail", field=FORECAST_FIELDS.get(exc.code, "growth"), detail=exc.message)


@dataclass(frozen=True)
class LinkedValue:
    """A CRM figure for a question that names it as its evidence."""

    question: Question
    metric: str
    value: float

    @property
    def text(self) -> str:
        """The value as an answer would be typed (no trailing zeros)."""
        return f"{self.value:g}"


def default_stage_lines() -> str:
    """The default stage probabilities as editable ``stage: percent`` lines."""
    return "\n".join(f"{k}: {100 * v:g}" for k, v in DEFAULT_STAGE_PROBABILITIES.items())


def parse_stage_lines(text: str) -> dict[str, float]:
    """``stage: percent`` lines (``#`` comments allowed) → mapping; Invalid names the line."""
    out: dict[str, float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, value = line.rpartition(":")
        pct = _percent(value) if sep else None
        if not name.strip() or pct is None:
            raise Invalid("crm.stage_line", field="stages", line=number, text=line)
        out[name.strip()] = pct
    return out


def _percent(text: str) -> float | None:
    cleaned = re.sub(r"\s|%", "", text).replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None


def parse_quota(text: str) -> float | None:
    """A quota typed in a form (``1 200 000``, ``1.200.000,00``); None when empty."""
    if not text.strip():
        return None
    try:
        value = parse_amount(text)
    except ValueError:
        raise Invalid("crm.quota_amount", field="quota") from None
    if value <= 0:
        raise Invalid("crm.quota_positive", field="quota")
    return value


def period_texts(kpis: Mapping[str, Any] | None) -> dict[str, tuple[str, str]]:
    """Metric id → (first day, last day) of the period its stored value covers (ISO dates).

    ``crm.win_rate`` and ``crm.win_rate_value`` cover deals closed in the win-rate period,
    ``crm.pipeline_coverage`` the deals closing in the quota period.  Empty for KPIs stored
    under an older definition.
    """
    k = kpis or {}
    out: dict[str, tuple[str, str]] = {}
    win = k.get("win_rate_period") or {}
    if win.get("start") and win.get("end"):
        for key in ("crm.win_rate", "crm.win_rate_value"):
            out[key] = (str(win["start"]), str(win["end"]))
    quota = k.get("quota_period") or {}
    if k.get("quota") and quota.get("start") and quota.get("end"):
        out["crm.pipeline_coverage"] = (str(quota["start"]), str(quota["end"]))
    return out


def import_evidence(
    session: Session, actor: Actor, assessment_id: int, upload: EvidenceUpload
) -> CrmEvidence:
    """Validate an export, compute its KPIs and store them as the assessment's evidence.

    Nothing is stored when the file, the mapping or the settings have any problem.
    """
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    mapping = ColumnMapping()
    if upload.mapping:
        try:
            mapping = parse_mapping(upload.mapping, upload.mapping_filename)
        except OpportunitiesFileError as exc:
            raise EvidenceFileError(exc.located(), field="mapping") from exc
    try:
        export = read_opportunities_bytes(upload.data, upload.filename, mapping)
    except OpportunitiesFileError as exc:
        raise EvidenceFileError(exc.located()) from exc
    percentages: dict[str, float] = {}
    for source in (upload.stage_percentages or {}, mapping.stages):  # the file is more specific
        for name, pct in source.items():
            percentages[normalize_stage(name)] = pct
    try:
        stages = StageTable.build({k: v / 100 for k, v in percentages.items()})
        kpis = compute_kpis(
            export.opportunities,
            as_of=upload.as_of or datetime.now(UTC).date(),
            stages=stages,
            quota=upload.quota,
            quota_currency=upload.quota_currency or None,
        )
    except CrmInputError as exc:
        raise Invalid("form.detail", field="quota", detail=exc.message) from exc
    except ValueError as exc:
        raise Invalid(
            "form.detail", field="stages", detail=getattr(exc, "message", str(exc))
        ) from exc
    options = upload.forecast or ForecastOptions()
    try:
        methods = forecast_methods(export.opportunities, kpis, stages=stages, options=options)
    except CrmInputError as exc:
        raise _forecast_invalid(exc) from exc
    settings = {
        "columns": {k: list(v) for k, v in export.columns.items()},
        "stages": percentages,
        "date_format": mapping.date_format,
        "decimal": mapping.decimal,
        "default_currency": mapping.default_currency,
        "quota_currency": kpis.quota_currency,
        "forecast": options.to_dict(),
    }
    with write_transaction(session):
        evidence = CrmEvidence(
            assessment_id=assessment.id,
            filename=upload.filename[:255],
            row_count=len(export.opportunities),
            quota=upload.quota,
            settings=settings,
            kpis={**kpis.to_dict(), "forecast_methods": methods.to_dict()},
        )
        session.add(evidence)
    return evidence


def current_evidence(session: Session, assessment_id: int) -> CrmEvidence | None:
    """The evidence in use for an assessment (the newest import), if any."""
    return session.scalar(
        select(CrmEvidence)
        .where(CrmEvidence.assessment_id == assessment_id)
        .order_by(CrmEvidence.created_at.desc(), CrmEvidence.id.desc())
        .limit(1)
    )


def evidence_history(session: Session, assessment_id: int) -> list[CrmEvidence]:
    """Every import of an assessment, newest first."""
    return list(
        session.scalars(
            select(CrmEvidence)
            .where(CrmEvidence.assessment_id == assessment_id)
            .order_by(CrmEvidence.created_at.desc(), CrmEvidence.id.desc())
        )
    )


def linked_values(q: Questionnaire, kpis: Mapping[str, Any] | None) -> dict[str, LinkedValue]:
    """CRM values for the questions that name a metric, where the value fits the question.

    A value outside the question's range (e.g. coverage of 25x on a 0-20 scale) is not
    offered as an answer: respondents would have to change it anyway; nor is an amount in
    another currency than the one the question asks in.  Values stored under
    an older metric definition are not offered (see
    :func:`~assessment.core.crm.metric_value`).
    """
    out: dict[str, LinkedValue] = {}
    for question in q.questions().values():
        if question.evidence is None:
            continue
        value = metric_value(kpis, question.evidence, question.unit)
        if value is None:
            continue
        r = question.range
        if r is not None and not r.min <= value <= r.max:
            continue
        out[question.id] = LinkedValue(question, question.evidence, float(value))
    return out


def prefill_values(session: Session, assessment: Assessment, q: Questionnaire) -> dict[str, str]:
    """Question id → CRM value (as typed) for respondents' linked KPI questions."""
    if not any(question.evidence for question in q.questions().values()):
        return {}
    evidence = current_evidence(session, assessment.id)
    if evidence is None:
        return {}
    return {qid: lv.text for qid, lv in linked_values(q, evidence.kpis).items()}


def crm_answer_counts(session: Session, assessment_id: int) -> dict[str, int]:
    """Question id → number of saved answers kept from the CRM pre-fill."""
    rows = session.execute(
        select(Answer.question_id, func.count())
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .where(Respondent.assessment_id == assessment_id, Answer.source == "crm")
        .group_by(Answer.question_id)
    )
    return {qid: int(n) for qid, n in rows}


def crm_values_of(session: Session, assessment: Assessment, q: Questionnaire) -> dict[str, KpiFact]:
    """The current evidence's values linked to questions, as scoring inputs.

    Each is a :class:`KpiFact` whose source is the metric id (``crm.win_rate``) and whose note
    names the export and, where known, the period the figure covers.
    """
    if not any(question.evidence for question in q.questions().values()):
        return {}
    evidence = current_evidence(session, assessment.id)
    if evidence is None:
        return {}
    periods = period_texts(evidence.kpis)
    out: dict[str, KpiFact] = {}
    for qid, lv in linked_values(q, evidence.kpis).items():
        period = periods.get(lv.metric)
        note = evidence.filename + (f", {period[0]}..{period[1]}" if period else "")
        out[qid] = KpiFact(lv.value, lv.metric, note)
    return out


def forecast_accuracy(
    session: Session, evidence: CrmEvidence, *, closed_only: bool = False
) -> tuple[MonthAccuracy, ...]:
    """Earlier forecasts of the client whose month has closed, against ``evidence``'s wins.

    Every other upload of the same assessment or of another assessment of the same client
    is a candidate (``closed_only``: of another assessment only when it is closed, as a
    client's guest sees them); the forecast months that have closed by ``evidence``'s as-of
    date are compared with what its export shows as won in them (see
    :func:`~assessment.core.forecast_methods.compare_forecasts`).  ``source`` is the earlier
    upload's file name, followed by its assessment's title when that is another assessment.
    """
    current = (evidence.kpis or {}).get("forecast_methods")
    if not current:
        return ()
    own = session.get(Assessment, evidence.assessment_id)
    if own is None:
        return ()
    query = (
        select(CrmEvidence, Assessment.title)
        .join(Assessment, Assessment.id == CrmEvidence.assessment_id)
        .where(Assessment.client_id == own.client_id, CrmEvidence.id != evidence.id)
        .order_by(CrmEvidence.created_at, CrmEvidence.id)
    )
    if closed_only:
        query = query.where(
            or_(Assessment.id == own.id, Assessment.status == AssessmentStatus.CLOSED)
        )
    rows = session.execute(query)
    earlier = []
    for row, title in rows:
        fm = (row.kpis or {}).get("forecast_methods")
        if not fm:
            continue
        source = row.filename if row.assessment_id == own.id else f"{row.filename} · {title}"
        earlier.append((source, fm))
    return compare_forecasts(earlier, current)
