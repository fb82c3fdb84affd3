"""Organization facts: KPI values a consultant enters for an assessment, with their source.

A fact is the one value of a KPI (``number``) question when no CRM evidence value is linked
to it; otherwise scoring takes the median of the respondents' answers (method 2,
``docs/scoring.md``).  Any member reads facts; owners and consultants set and clear them,
each change in one write transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.core.answers import AnswerError, AnswerKind, parse_answer
from assessment.core.kpi import KpiFact, is_kpi
from assessment.core.model import Question, Questionnaire
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Assessment, OrganizationFact
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment, questionnaire_of
from assessment.services.crm_evidence import crm_values_of
from assessment.services.errors import Invalid

MAX_SOURCE = 300
MAX_NOTE = 2000


@dataclass(frozen=True)
class FactInput:
    """A fact as typed in a form: the value as text (a decimal comma is fine) and its source."""

    value: str | float
    source: str
    note: str = ""


@dataclass(frozen=True)
class FactRow:
    """One KPI question of an assessment with its fact and any CRM value that wins over it."""

    question: Question
    fact: OrganizationFact | None
    crm_value: float | None
    """The linked CRM evidence value, which scoring uses instead of the fact."""


def kpi_questions(q: Questionnaire) -> list[Question]:
    """The questions a fact can be entered for, in questionnaire order."""
    return [question for el in q.elements for question in el.questions if is_kpi(question)]


def list_facts(session: Session, assessment_id: int) -> list[OrganizationFact]:
    """The facts of an assessment of the current workspace, by question id."""
    get_assessment(session, assessment_id)
    return list(
        session.scalars(
            select(OrganizationFact)
            .where(OrganizationFact.assessment_id == assessment_id)
            .order_by(OrganizationFact.question_id)
        )
    )


def kpi_facts_of(
    session: Session, assessment: Assessment, q: Questionnaire | None = None
) -> dict[str, KpiFact]:
    """The facts as scoring inputs (question id → value, source, note)."""
    rows = session.execute(
        select(
            OrganizationFact.question_id,
            OrganizationFact.value,
            OrganizationFact.source,
            OrganizationFact.note,
        ).where(OrganizationFact.assessment_id == assessment.id)
    )
    kpis = {question.id for question in kpi_questions(q or questionnaire_of(assessment))}
    return {qid: KpiFact(value, source, note) for qid, value, source, note in rows if qid in kpis}


def fact_rows(session: Session, assessment_id: int, lang: str | None = None) -> list[FactRow]:
    """Every KPI question with its fact and CRM value: what a facts form shows."""
    assessment = get_assessment(session, assessment_id)
    q = questionnaire_of(assessment, lang)
    facts = {f.question_id: f for f in list_facts(session, assessment_id)}
    crm = crm_values_of(session, assessment, q)
    return [
        FactRow(
            question, facts.get(question.id), crm[question.id].value if question.id in crm else None
        )
        for question in kpi_questions(q)
    ]


def validate_fact(q: Questionnaire, question_id: str, entry: FactInput) -> tuple[float, str, str]:
    """The checked value, source and note; Invalid names the field and the question."""
    question = q.questions().get(question_id)
    if question is None or not is_kpi(question):
        raise Invalid(
            f"{question_id!r} is not a KPI question of this questionnaire", field="question"
        )
    try:
        answer = parse_answer(question, entry.value)
    except AnswerError as exc:
        raise Invalid(str(exc), field="value") from None
    if answer.kind is not AnswerKind.NUMBER or not isinstance(answer.value, float):
        raise Invalid(f"{question_id}: a fact must be a number", field="value")
    source = entry.source.strip()
    if not source:
        raise Invalid(f"{question_id}: say where the figure comes from", field="source")
    if len(source) > MAX_SOURCE:
        raise Invalid(
            f"{question_id}: the source is longer than {MAX_SOURCE} characters", field="source"
        )
    note = entry.note.strip()
    if len(note) > MAX_NOTE:
        raise Invalid(f"{question_id}: the note is longer than {MAX_NOTE} characters", field="note")
    return answer.value, source, note


def set_facts(
    session: Session,
    actor: Actor,
    assessment_id: int,
    changes: Mapping[str, FactInput | None],
) -> list[OrganizationFact]:
    """Set (a FactInput) or clear (None) facts by question id, all or nothing.

    Every entry is validated before anything is written, in one write transaction.
    """
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    q = questionnaire_of(assessment)
    checked: dict[str, tuple[float, str, str] | None] = {}
    for question_id, entry in changes.items():
        if entry is None:
            if question_id not in q.questions():
                raise Invalid(f"unknown question {question_id!r}", field="question")
            checked[question_id] = None
        else:
            checked[question_id] = validate_fact(q, question_id, entry)
    existing = {f.question_id: f for f in list_facts(session, assessment_id)}
    with write_transaction(session):
        for question_id, values in checked.items():
            row = existing.get(question_id)
            if values is None:
                if row is not None:
                    session.delete(row)
                continue
            if row is None:
                row = OrganizationFact(assessment_id=assessment.id, question_id=question_id)
                session.add(row)
            row.value, row.source, row.note = values
            row.entered_by_id = actor.user_id
            row.entered_at = utcnow()
    return list_facts(session, assessment_id)


def set_fact(
    session: Session, actor: Actor, assessment_id: int, question_id: str, entry: FactInput
) -> OrganizationFact:
    """Set one fact (replacing an earlier one for the same question)."""
    facts = set_facts(session, actor, assessment_id, {question_id: entry})
    return next(f for f in facts if f.question_id == question_id)


def clear_fact(session: Session, actor: Actor, assessment_id: int, question_id: str) -> None:
    """Remove the fact of one question (nothing happens when there is none)."""
    set_facts(session, actor, assessment_id, {question_id: None})
