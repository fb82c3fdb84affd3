"""CRM evidence pages: upload an opportunity export for an assessment and see its KPIs.

The assessment and results pages show a summary through partials
(``web/assessments/_crm.html``, ``web/results/_crm_evidence.html``) that call the helpers of
the context processor below, so no other blueprint's views need to know about evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from assessment.core.crm import current_metrics
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.db.models import Assessment
from assessment.extensions import current_session
from assessment.services import crm_evidence as svc
from assessment.services.assessments import get_assessment, questionnaire_of
from assessment.services.errors import Invalid
from assessment.web.evidence import bp
from assessment.web.evidence.forms import EvidenceForm
from assessment.web.i18n import select_locale
from assessment.web.messages import localize
from assessment.web.tenancy import actor


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


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _period(texts: tuple[str, str] | None) -> tuple[date, date] | None:
    if texts is None:
        return None
    start, end = _day(texts[0]), _day(texts[1])
    return (start, end) if start and end else None


def _coverage_unit(assessment: Assessment) -> str:
    q = questionnaire_of(assessment, select_locale())
    linked = (x for x in q.questions().values() if x.evidence == "crm.pipeline_coverage")
    return next((x.unit for x in linked if x.unit), "")


def _view(assessment: Assessment) -> EvidenceView | None:
    assessment_id = assessment.id
    evidence = svc.current_evidence(current_session(), assessment_id)
    if evidence is None:
        return None
    kpis = dict(evidence.kpis or {})
    periods = svc.period_texts(kpis)
    return EvidenceView(
        url=url_for("evidence.crm", assessment_id=assessment_id),
        filename=evidence.filename,
        created_at=evidence.created_at,
        row_count=evidence.row_count,
        quota=evidence.quota,
        settings=dict(evidence.settings or {}),
        kpis=kpis,
        as_of=_day(kpis.get("as_of")),
        win_period=_period(periods.get("crm.win_rate")),
        quota_period=_period(periods.get("crm.pipeline_coverage")),
        coverage_unit=_coverage_unit(assessment),
    )


def _rows(assessment: Assessment, results: Results, q: Questionnaire) -> list[EvidenceRow]:
    evidence = svc.current_evidence(current_session(), assessment.id)
    kpis = evidence.kpis if evidence else None
    metrics = current_metrics(kpis)
    periods = svc.period_texts(kpis)
    explained = {qx.id: qx for el in results.elements for qx in el.questions}
    kept = svc.crm_answer_counts(current_session(), assessment.id) if evidence else {}
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
    return rows


@bp.app_context_processor
def crm_helpers() -> dict[str, Callable[..., Any]]:
    """Helpers for the evidence partials on the assessment and results pages."""
    return {
        "crm_evidence_for": _view,
        "crm_evidence_rows": _rows,
        "crm_evidence_url": lambda assessment: url_for("evidence.crm", assessment_id=assessment.id),
    }


@bp.route("/assessments/<int:assessment_id>/evidence", methods=["GET", "POST"])
@login_required
def crm(assessment_id: int) -> str | Response | tuple[str, int]:
    """Show the assessment's CRM evidence; editors upload a new export."""
    assessment = get_assessment(current_session(), assessment_id)
    q = questionnaire_of(assessment)
    form = EvidenceForm()
    problems: list[str] = []
    if request.method == "GET":
        current = svc.current_evidence(current_session(), assessment_id)
        stages = (current.settings or {}).get("stages") if current else None
        form.stages.data = (
            "\n".join(f"{k}: {v:g}" for k, v in stages.items())
            if stages
            else svc.default_stage_lines()
        )
        if current is not None and current.quota:
            form.quota.data = f"{current.quota:g}"
        # The date the figures in use were computed for, so a re-upload keeps it.
        form.as_of.data = (_day((current.kpis or {}).get("as_of")) if current else None) or (
            date.today()
        )
    if request.method == "POST":
        actor().require_editor()
        if form.validate_on_submit():
            try:
                upload = _upload(form)
                svc.import_evidence(current_session(), actor(), assessment_id, upload)
            except svc.EvidenceFileError as exc:
                problems = exc.problems
                getattr(form, exc.field or "export").errors = [
                    _("The file has problems; nothing was saved.")
                ]
            except Invalid as exc:
                getattr(form, exc.field or "export", form.export).errors = [localize(exc)]
            else:
                flash(_("CRM evidence saved."), "success")
                return redirect(url_for("evidence.crm", assessment_id=assessment_id))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "web/evidence/crm.html",
            assessment=assessment,
            q=q,
            form=form,
            problems=problems,
            evidence=_view(assessment),
            history=svc.evidence_history(current_session(), assessment_id),
            linked=[qq for qq in q.questions().values() if qq.evidence],
            can_edit=current_user.can_edit,
        ),
        status,
    )


def _upload(form: EvidenceForm) -> svc.EvidenceUpload:
    export = request.files["export"]
    mapping = request.files.get("mapping")
    mapping_data = mapping.read() if mapping and mapping.filename else None
    return svc.EvidenceUpload(
        filename=export.filename or "export.csv",
        data=export.read(),
        mapping=mapping_data,
        mapping_filename=(mapping.filename or "MAP.yaml") if mapping else "MAP.yaml",
        quota=svc.parse_quota(form.quota.data or ""),
        quota_currency=(form.quota_currency.data or "").upper() or None,
        stage_percentages=svc.parse_stage_lines(form.stages.data or ""),
        as_of=form.as_of.data or None,
    )
