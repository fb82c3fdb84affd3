"""E-mail invitations and reminders: who gets one, and recording that they were sent.

Sending the mail is the mailer's job (:mod:`assessment.services.mailer`) and writing it in
the user's language the web's; this module holds the rules around it.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Respondent
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment
from assessment.services.respondents import list_respondents


def invitation_targets(session: Session, assessment_id: int) -> list[int]:
    """Respondents to e-mail: everyone with an address who has not submitted, in order."""
    return [
        r.id for r in list_respondents(session, assessment_id) if r.email and not r.submitted_at
    ]


def record_invitations(
    session: Session, actor: Actor, assessment_id: int, respondent_ids: Collection[int]
) -> None:
    """Note that these respondents were e-mailed now: a first mail is the invitation, any
    later one a reminder (one transaction)."""
    actor.require_editor()
    get_assessment(session, assessment_id)
    if not respondent_ids:
        return
    with write_transaction(session):
        now = utcnow()
        for respondent in session.scalars(
            select(Respondent).where(
                Respondent.assessment_id == assessment_id,
                Respondent.id.in_(list(respondent_ids)),
            )
        ):
            if respondent.invited_at is None:
                respondent.invited_at = now
            else:
                respondent.reminded_at = now
