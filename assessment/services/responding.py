"""A respondent answering: pages, autosave, resume and an idempotent submit.

All functions take the respondent's id (from the session the link was exchanged for) and
re-read the respondent inside their transaction, locking its row on PostgreSQL, so that
concurrent requests of one respondent are applied one at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.core.answers import MAX_TEXT, AnswerError, AnswerKind, parse_answer
from assessment.core.answers import Answer as CoreAnswer
from assessment.core.model import Element, Question, Questionnaire
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Answer, Assessment, AssessmentStatus, ElementComment, Respondent
from assessment.messages import Message
from assessment.services import audit
from assessment.services.assessments import answer_from_row, apply_status, questionnaire_of
from assessment.services.crm_evidence import prefill_values
from assessment.services.errors import Conflict, Invalid, NotFound
from assessment.services.summaries import refresh_quietly

MAX_COMMENT = 5000
SOURCE_RESPONDENT = "respondent"
SOURCE_CRM = "crm"
SHOWN_TYPED = 40
"""Characters of a refused value quoted back to the respondent."""


@dataclass(frozen=True)
class Page:
    """One page of the respondent flow: an element and the questions this role sees."""

    number: int
    element: Element
    questions: tuple[Question, ...]


def pages_for(q: Questionnaire, role: str) -> list[Page]:
    """The pages a role answers: one per element that has questions for it."""
    pages: list[Page] = []
    for el in q.elements:
        visible = tuple(question for question in el.questions if role in question.roles)
        if visible:
            pages.append(Page(len(pages) + 1, el, visible))
    return pages


def load_respondent(session: Session, respondent_id: int, *, lock: bool = False) -> Respondent:
    """The respondent (row-locked on PostgreSQL when ``lock``), or NotFound."""
    stmt = select(Respondent).where(Respondent.id == respondent_id)
    if lock:
        stmt = stmt.with_for_update()
    respondent = session.scalar(stmt)
    if respondent is None:
        raise NotFound("respondent.not_found")
    return respondent


def saved_answers(session: Session, respondent_id: int) -> dict[str, CoreAnswer]:
    """The respondent's saved answers by question id."""
    rows = session.execute(
        select(Answer.question_id, Answer.kind, Answer.value_text, Answer.value_number).where(
            Answer.respondent_id == respondent_id
        )
    )
    return {qid: answer_from_row(kind, text, number) for qid, kind, text, number in rows}


def saved_comments(session: Session, respondent_id: int) -> dict[str, str]:
    """The respondent's comments by element id."""
    rows = session.execute(
        select(ElementComment.element_id, ElementComment.text).where(
            ElementComment.respondent_id == respondent_id
        )
    )
    return {element_id: text for element_id, text in rows}


def saved_sources(session: Session, respondent_id: int) -> dict[str, str]:
    """Where each saved answer came from (``respondent`` or ``crm``) by question id."""
    rows = session.execute(
        select(Answer.question_id, Answer.source).where(Answer.respondent_id == respondent_id)
    )
    return {qid: source for qid, source in rows}


def crm_prefill(session: Session, respondent: Respondent, q: Questionnaire) -> dict[str, str]:
    """CRM values (as typed) for the linked KPI questions this respondent is asked.

    The export shows the whole team's pipeline; frontline respondents (reps) answer KPI
    questions for their own deals, so the team figure is offered to the other roles only.
    """
    if respondent.role in q.frontline_roles:
        return {}
    values = prefill_values(session, respondent.assessment, q)
    return {
        qid: text for qid, text in values.items() if respondent.role in q.questions()[qid].roles
    }


def _source(
    question: Question,
    answer: CoreAnswer | None,
    from_prefill: Collection[str],
    prefill: Mapping[str, str],
) -> str:
    """``crm`` when the answer is the CRM value the page offered, unchanged."""
    if (
        question.id in from_prefill
        and question.id in prefill
        and answer is not None
        and answer.kind is AnswerKind.NUMBER
        and isinstance(answer.value, float)
        and answer.value == float(prefill[question.id])
    ):
        return SOURCE_CRM
    return SOURCE_RESPONDENT


def first_open_page(pages: list[Page], answers: Mapping[str, CoreAnswer]) -> int:
    """Number of the first page with an unanswered question (review page when none)."""
    for page in pages:
        if any(q.id not in answers for q in page.questions if q.scored):
            return page.number
    return len(pages) + 1


def _ensure_can_answer(respondent: Respondent) -> None:
    if respondent.submitted_at is not None:
        raise Conflict("answers.submitted")
    if respondent.assessment.status is not AssessmentStatus.OPEN:
        raise Conflict("assessment.not_open")


def _upsert(
    session: Session,
    respondent: Respondent,
    question: Question,
    answer: CoreAnswer | None,
    source: str = SOURCE_RESPONDENT,
) -> None:
    row = session.scalar(
        select(Answer).where(
            Answer.respondent_id == respondent.id, Answer.question_id == question.id
        )
    )
    if answer is None:
        if row is not None:
            session.delete(row)
        return
    number = (
        float(answer.value)
        if answer.kind is AnswerKind.NUMBER and answer.value is not None
        else None
    )
    text = None if number is not None or answer.value is None else str(answer.value)
    if row is None:
        session.add(
            Answer(
                workspace_id=respondent.workspace_id,
                respondent_id=respondent.id,
                question_id=question.id,
                kind=answer.kind.value,
                value_text=text,
                value_number=number,
                source=source,
            )
        )
    else:
        row.kind = answer.kind.value
        row.value_text = text
        row.value_number = number
        row.source = source


def _upsert_comment(
    session: Session, respondent: Respondent, element_id: str, text: str, language: str
) -> None:
    row = session.scalar(
        select(ElementComment).where(
            ElementComment.respondent_id == respondent.id,
            ElementComment.element_id == element_id,
        )
    )
    if not text.strip():
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            ElementComment(
                workspace_id=respondent.workspace_id,
                respondent_id=respondent.id,
                element_id=element_id,
                text=text.strip(),
                language=language,
            )
        )
    else:
        row.text, row.language = text.strip(), language


def range_text(question: Question, *, unit: bool = True) -> Message | None:
    """The question's range as people write it: ``0–40 hours/month`` (None: no range)."""
    r = question.range
    if r is None:
        return None
    if unit and question.unit:
        return Message("respond.range_unit", min=float(r.min), max=float(r.max), unit=question.unit)
    return Message("respond.range", min=float(r.min), max=float(r.max))


def respondent_problem(question: Question, exc: AnswerError, raw: str) -> Message:
    """What to tell a respondent who typed ``raw``: what to type instead.

    The parser's own message names the problem for whoever fixes an answers file; the
    respondent gets the allowed range, an example, or the length to shorten to.  Values no
    form can send (an unknown option, a refused "don't know") keep the parser's message.
    """
    typed = raw.strip()
    typed = typed if len(typed) <= SHOWN_TYPED else typed[: SHOWN_TYPED - 1] + "…"
    span = range_text(question)
    if exc.code in ("answer.out_of_range", "answer.out_of_range_unit") and span is not None:
        return Message("respond.out_of_range", range=span, value=typed)
    if exc.code in ("answer.not_a_number", "answer.not_finite"):
        return Message("respond.not_a_number", example=2.5, value=typed)
    if exc.code == "answer.ambiguous_number":
        return Message("respond.ambiguous_number", example=12500)
    if exc.code == "answer.text_too_long":
        return Message("respond.text_too_long", num=len(raw), max=MAX_TEXT)
    return exc.message


def _questions_for(respondent: Respondent) -> dict[str, Question]:
    """The questions the respondent is asked, in their language (units are translated)."""
    q = questionnaire_of(respondent.assessment, respondent_language(respondent))
    return {
        question.id: question
        for question in q.questions().values()
        if respondent.role in question.roles
    }


def respondent_language(respondent: Respondent) -> str:
    """The language the respondent answers in: their choice, else the assessment's."""
    return respondent.language or respondent.assessment.language


def _touch(respondent: Respondent, page_number: int | None = None) -> None:
    """Record activity: when the respondent started, was last seen saving, and the highest
    page they saved (shown to the consultant in the respondent table)."""
    now = utcnow()
    respondent.started_at = respondent.started_at or now
    respondent.last_active_at = now
    if page_number is not None:
        respondent.page_reached = max(respondent.page_reached or 0, page_number)


def save_answer(session: Session, respondent_id: int, question_id: str, raw: str) -> None:
    """Autosave one answer (an empty value clears it)."""
    with write_transaction(session):
        respondent = load_respondent(session, respondent_id, lock=True)
        _ensure_can_answer(respondent)
        question = _questions_for(respondent).get(question_id)
        if question is None:
            raise Invalid("answer.unknown_question", field=question_id)
        answer = None
        if raw.strip():
            try:
                answer = parse_answer(question, raw)
            except AnswerError as exc:
                problem = respondent_problem(question, exc, raw)
                raise Invalid(problem.code, field=question_id, **problem.params) from None
        _upsert(session, respondent, question, answer)
        _touch(respondent)


def save_comment(
    session: Session, respondent_id: int, element_id: str, text: str, language: str
) -> None:
    """Save (or clear) a respondent's comment on an element."""
    if len(text) > MAX_COMMENT:
        raise Invalid(
            "respond.text_too_long", field=f"comment-{element_id}", num=len(text), max=MAX_COMMENT
        )
    with write_transaction(session):
        respondent = load_respondent(session, respondent_id, lock=True)
        _ensure_can_answer(respondent)
        if element_id not in {el.id for el in questionnaire_of(respondent.assessment).elements}:
            raise Invalid("comment.unknown_element", field=f"comment-{element_id}")
        _upsert_comment(session, respondent, element_id, text, language)
        _touch(respondent)


def save_page(
    session: Session,
    respondent_id: int,
    page: Page,
    raw: Mapping[str, str],
    comment: str | None,
    language: str,
    from_prefill: Collection[str] = (),
) -> dict[str, str]:
    """Save every valid answer of a page in one transaction; return errors by question id.

    Invalid values are not saved but reported, so the page can be shown again with what the
    respondent typed; valid answers on the same page are kept.  ``from_prefill`` names the
    questions whose CRM pre-fill was posted back unchanged: if the value still equals the
    current CRM figure, the answer is stored with source ``crm``.
    """
    errors: dict[str, str] = {}
    if comment is not None and len(comment) > MAX_COMMENT:
        errors[f"comment-{page.element.id}"] = Message(
            "respond.text_too_long", num=len(comment), max=MAX_COMMENT
        )
        comment = None
    with write_transaction(session):
        respondent = load_respondent(session, respondent_id, lock=True)
        _ensure_can_answer(respondent)
        prefill = (
            prefill_values(session, respondent.assessment, questionnaire_of(respondent.assessment))
            if from_prefill
            else {}
        )
        for question in page.questions:
            if question.id not in raw:
                continue
            value = raw[question.id]
            try:
                answer = parse_answer(question, value) if value.strip() else None
            except AnswerError as exc:
                errors[question.id] = respondent_problem(question, exc, value)
                continue
            source = _source(question, answer, from_prefill, prefill)
            _upsert(session, respondent, question, answer, source)
        if comment is not None:
            _upsert_comment(session, respondent, page.element.id, comment, language)
        _touch(respondent, page.number)
    return errors


def set_language(session: Session, respondent_id: int, language: str, allowed: list[str]) -> None:
    """Record the language the respondent chose."""
    if language not in allowed:
        raise Invalid("form.language", field="language", languages=allowed)
    with write_transaction(session):
        respondent = load_respondent(session, respondent_id, lock=True)
        respondent.language = language


def submit(session: Session, respondent_id: int) -> bool:
    """Submit once.  Returns True for the submission that counted, False for repeats.

    Double clicks, retries and concurrent posts all end in the same state: exactly one
    submission time is recorded and every caller can show the thank-you page.
    """
    with write_transaction(session):
        respondent = load_respondent(session, respondent_id, lock=True)
        if respondent.submitted_at is not None:
            return False
        assessment = respondent.assessment
        if assessment.status is not AssessmentStatus.OPEN:
            raise Conflict("assessment.not_open")
        now = utcnow()
        respondent.submitted_at = now
        respondent.started_at = respondent.started_at or now
        respondent.last_active_at = now
        completes = assessment.is_self_assessment
        if completes:
            _complete_self_assessment(session, assessment)
    if completes:
        # Scored once now, as when a consultant closes an assessment (services.assessments).
        refresh_quietly(session, assessment.id)
    return True


def _complete_self_assessment(session: Session, assessment: Assessment) -> None:
    """Close a self-assessment when its only respondent submits (in the caller's transaction).

    Nobody else will answer, so it is complete: it reads "closed" on the dashboard and in the
    portfolio instead of waiting open forever.  The audit trail records the system as actor.
    """
    apply_status(assessment, AssessmentStatus.CLOSED)
    audit.record(
        session,
        None,
        "assessment.status",
        f"assessment:{assessment.id}",
        {"from": AssessmentStatus.OPEN.value, "to": AssessmentStatus.CLOSED.value},
        workspace_id=assessment.workspace_id,
    )
