"""CRM evidence pages: upload an opportunity export for an assessment and see its KPIs.

The assessment and results pages show a summary too: their views build it with
:mod:`assessment.web.evidence.page` and the partials (``web/assessments/_crm.html``,
``web/results/_crm_evidence.html``) only read it.
"""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from assessment.extensions import current_session
from assessment.services import crm_evidence as svc
from assessment.services.assessments import get_assessment
from assessment.services.errors import Invalid
from assessment.web.assessments.summary import AssessmentHeader
from assessment.web.evidence import bp
from assessment.web.evidence.forms import EvidenceForm
from assessment.web.evidence.page import day, evidence_view, history
from assessment.web.i18n import select_locale, shown_questionnaire
from assessment.web.messages import localize
from assessment.web.tenancy import actor


@bp.route("/assessments/<int:assessment_id>/evidence", methods=["GET", "POST"])
@login_required
def crm(assessment_id: int) -> str | Response | tuple[str, int]:
    """Show the assessment's CRM evidence; editors upload a new export."""
    assessment = get_assessment(current_session(), assessment_id)
    q = shown_questionnaire(assessment)
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
        forecast = (current.settings or {}).get("forecast") if current else None
        if forecast:
            _fill_forecast(form, forecast)
        # The date the figures in use were computed for, so a re-upload keeps it.
        form.as_of.data = (day((current.kpis or {}).get("as_of")) if current else None) or (
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
            assessment=AssessmentHeader.of(assessment),
            form=form,
            problems=problems,
            evidence=evidence_view(current_session(), assessment, select_locale()),
            history=history(current_session(), assessment_id),
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
        forecast=svc.parse_forecast_options(
            growth=form.growth.data or "",
            new_reps=form.new_reps.data or "",
            new_rep_deals=form.new_rep_deals.data or "",
            new_rep_deal_size=form.new_rep_deal_size.data or "",
            new_rep_currency=form.new_rep_currency.data or "",
        ),
    )


def _fill_forecast(form: EvidenceForm, stored: dict[str, object]) -> None:
    """The run-rate assumptions of the figures in use, so a re-upload keeps them."""

    def shown(value: object) -> str:
        return f"{value:g}" if isinstance(value, int | float) and value else ""

    form.growth.data = shown(stored.get("growth_percent"))
    if stored.get("new_reps"):
        form.new_reps.data = shown(stored.get("new_reps"))
        form.new_rep_deals.data = f"{stored.get('new_rep_deals') or 0:g}"
        form.new_rep_deal_size.data = shown(stored.get("new_rep_deal_size"))
        form.new_rep_currency.data = str(stored.get("new_rep_currency") or "")
