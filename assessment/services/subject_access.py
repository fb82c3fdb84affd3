"""A data-access export: everything the workspace holds about one respondent.

The consultant hands it to the person who asked (GDPR art. 15).  It is plain data, built
from that respondent's rows only: identity, link state, timestamps, activity (last active,
page reached, reminders sent), answers with their question texts, and comments.  The link
itself is never in it (its fingerprint and encrypted copy are not the person's data).

Each export is an identified export and is recorded in the audit trail
(``export.identified``, by ids: no name or e-mail).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db.base import utcnow
from assessment.db.models import Answer, ElementComment
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment, questionnaire_of
from assessment.services.respondents import get_respondent

FORMAT = "saleshealth-data-access/1"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def respondent_record(
    session: Session,
    actor: Actor,
    assessment_id: int,
    respondent_id: int,
    *,
    ip: str | None = None,
) -> dict[str, Any]:
    """What we hold about one respondent, as JSON-ready data (owners and consultants:
    it identifies the person).  Recorded as an identified export, from ``ip``."""
    assessment = get_assessment(session, assessment_id)
    r = get_respondent(session, assessment_id, respondent_id)
    actor.require_editor()
    q = questionnaire_of(assessment, assessment.language)
    questions = q.questions()
    titles = {el.id: el.title for el in q.elements}
    answers = session.scalars(
        select(Answer).where(Answer.respondent_id == r.id).order_by(Answer.question_id)
    )
    comments = session.scalars(
        select(ElementComment)
        .where(ElementComment.respondent_id == r.id)
        .order_by(ElementComment.element_id)
    )
    record = {
        "format": FORMAT,
        "generated_at": utcnow().isoformat(),
        "client": assessment.client.name,
        "assessment": {
            "title": assessment.title,
            "status": assessment.status.value,
            "opened_at": _when(assessment.opened_at),
            "closed_at": _when(assessment.closed_at),
            "min_group_size": assessment.min_group_size,
        },
        "person": {
            "code": r.code,
            "name": r.name,
            "email": r.email,
            "role": r.role,
            "team": r.team,
            "region": r.region,
            "segment": r.segment,
            "language": r.language,
            "origin": r.origin,
            "link_active": r.token_hash is not None,
            "link_issued_at": _when(r.token_issued_at),
            "invited_at": _when(r.invited_at),
            "reminded_at": _when(r.reminded_at),
            "reminders_sent": r.reminder_count,
            "started_at": _when(r.started_at),
            "last_active_at": _when(r.last_active_at),
            "page_reached": r.page_reached,
            "answers_changed_at": _when(r.answered_at),
            "submitted_at": _when(r.submitted_at),
            "added_at": _when(r.created_at),
        },
        "answers": [
            {
                "question_id": a.question_id,
                "question": questions[a.question_id].text if a.question_id in questions else "",
                "kind": a.kind,
                "value": a.value_number if a.value_number is not None else a.value_text,
                "source": a.source,
                "saved_at": _when(a.updated_at),
            }
            for a in answers
        ],
        "comments": [
            {
                "element_id": c.element_id,
                "element": titles.get(c.element_id, ""),
                "text": c.text,
                "language": c.language,
                "saved_at": _when(c.updated_at),
            }
            for c in comments
        ],
    }
    audit.record(
        session,
        actor.user_id,
        "export.identified",
        f"respondent:{r.id}",
        {"format": "json", "kind": "data_access", "assessment": assessment.id, "people": 1},
        ip,
        workspace_id=assessment.workspace_id,
    )
    return record
