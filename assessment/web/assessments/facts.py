"""The organization facts form: one KPI value, with its source and a note, per KPI question.

Scoring takes a KPI's value from the CRM evidence, else from the fact entered here, else
from the median of the answers (method 2, ``docs/scoring.md``).  Editors save all rows at
once (the service checks every row before writing any); a row left without a value clears
its fact.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Form, FormField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.fields import FieldList
from wtforms.validators import Length, Optional

from assessment.core.model import Question
from assessment.extensions import current_session
from assessment.services import assessments as svc
from assessment.services import facts as facts_svc
from assessment.services.errors import Invalid
from assessment.web.assessments import bp
from assessment.web.assessments.summary import AssessmentHeader
from assessment.web.i18n import select_locale
from assessment.web.messages import localize
from assessment.web.tenancy import actor


class FactEntry(Form):
    """One KPI question's fact (no CSRF of its own: the enclosing form carries it)."""

    question = HiddenField()
    value = StringField(_l("Value"), validators=[Optional(), Length(max=50)])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=facts_svc.MAX_SOURCE)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=facts_svc.MAX_NOTE)])


class FactsForm(FlaskForm):
    """All KPI questions of an assessment."""

    rows = FieldList(FormField(FactEntry))
    submit = SubmitField(_l("Save facts"))


@dataclass(frozen=True)
class FactLine:
    """One row of the page: the question, its sub-form and any CRM value that wins."""

    question: Question
    entry: FormField
    crm_value: float | None


@dataclass(frozen=True)
class FactsPage:
    """Everything the facts page shows."""

    assessment: AssessmentHeader
    lines: list[FactLine]
    problem: str
    """Why the last save was refused, in the user's language ("" when it was not)."""


def _changes(form: FactsForm, known: set[str]) -> dict[str, facts_svc.FactInput | None]:
    changes: dict[str, facts_svc.FactInput | None] = {}
    for entry in form.rows:
        data = entry.form
        qid = data.question.data or ""
        if qid not in known:
            continue  # a question that is no longer in the form: ignore, never trust ids
        value = (data.value.data or "").strip()
        changes[qid] = (
            facts_svc.FactInput(value, data.source.data or "", data.note.data or "")
            if value
            else None
        )
    return changes


@bp.route("/<int:assessment_id>/facts", methods=["GET", "POST"])
@login_required
def facts(assessment_id: int) -> str | Response:
    """Enter, change or clear the organization facts of an assessment (editors only)."""
    actor().require_editor()
    session = current_session()
    assessment = svc.get_assessment(session, assessment_id)
    rows = facts_svc.fact_rows(session, assessment_id, select_locale())
    form = FactsForm()
    problem = ""
    if not form.is_submitted():
        for row in rows:
            fact = row.fact
            form.rows.append_entry(
                {
                    "question": row.question.id,
                    "value": "" if fact is None else f"{fact.value:g}",
                    "source": "" if fact is None else fact.source,
                    "note": "" if fact is None else fact.note,
                }
            )
    elif form.validate():
        try:
            facts_svc.set_facts(
                session, actor(), assessment_id, _changes(form, {r.question.id for r in rows})
            )
        except Invalid as exc:
            problem = localize(exc)
        else:
            flash(_("Organization facts saved."), "success")
            return redirect(url_for("assessments.facts", assessment_id=assessment_id))
    by_id = {entry.form.question.data: entry for entry in form.rows}
    page = FactsPage(
        assessment=AssessmentHeader.of(assessment),
        lines=[
            FactLine(row.question, by_id[row.question.id], row.crm_value)
            for row in rows
            if row.question.id in by_id
        ],
        problem=problem,
    )
    return render_template("web/assessments/facts.html", page=page, form=form)
