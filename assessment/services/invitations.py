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
from assessment.services.link_cipher import LinkCipher
from assessment.services.respondents import (
    IssuedLink,
    current_links,
    list_respondents,
    reissue_links,
)


def invitation_targets(session: Session, assessment_id: int) -> list[int]:
    """Respondents to e-mail: everyone with an address and a working link who has not
    submitted, in order (a revoked link stays revoked)."""
    return [
        r.id
        for r in list_respondents(session, assessment_id)
        if r.email and not r.submitted_at and r.token_hash
    ]


def links_to_send(
    session: Session,
    actor: Actor,
    assessment_id: int,
    respondent_ids: Collection[int],
    cipher: LinkCipher,
) -> list[IssuedLink]:
    """The link to e-mail to each respondent: the one they already have, so an earlier
    invitation keeps working; a new one only where the current link cannot be shown (issued
    before links were kept encrypted)."""
    actor.require_editor()
    current = current_links(session, assessment_id, cipher, list(respondent_ids))
    kept = [IssuedLink(c.respondent, c.token) for c in current if c.token]
    missing = [c.respondent.id for c in current if not c.token]
    renewed = reissue_links(session, actor, assessment_id, missing, cipher) if missing else []
    return sorted([*kept, *renewed], key=lambda link: link.respondent.id)


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
