"""Starting a self-assessment: a leader assesses their own organization in one sitting.

One use case, one write transaction: the client (found by name or created), the shipped
questionnaire version (stored if new), the assessment (opened at once) and the leader as its
only respondent are all written, or none is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.models import Assessment, AssessmentStatus, Client, Respondent
from assessment.services.actor import Actor
from assessment.services.assessments import (
    AssessmentSettings,
    add_assessment,
    apply_status,
    validate_settings,
)
from assessment.services.clients import ClientData, add_client
from assessment.services.questionnaires import languages_of, model_of, stage_shipped
from assessment.services.respondents import RespondentData, issue_links, validate_people


@dataclass(frozen=True)
class SelfAssessmentRequest:
    """What the leader asks for."""

    organization: str
    """The client's name: an existing client of that name is reused."""
    title: str
    """The assessment's title (in the leader's language)."""
    language: str
    role: str
    """The leader's role in the questionnaire (e.g. ``executive``)."""
    respondent_name: str


@dataclass(frozen=True)
class SelfAssessmentStarted:
    """The open self-assessment and the leader's respondent record."""

    assessment: Assessment
    respondent: Respondent


def start_self_assessment(
    session: Session, actor: Actor, request: SelfAssessmentRequest
) -> SelfAssessmentStarted:
    """Create and open a self-assessment of ``request.organization`` with the actor's leader
    as its only respondent, all in one write transaction (a failure leaves nothing behind)."""
    actor.require_editor()
    client_data = ClientData(name=request.organization)
    client_data.validate()
    settings = AssessmentSettings(title=request.title, language=request.language)
    people = [RespondentData(role=request.role, name=request.respondent_name)]
    with write_transaction(session):
        client = session.scalar(select(Client).where(Client.name == request.organization))
        if client is None:
            client = add_client(session, client_data)
        version = stage_shipped(session)
        q = model_of(version)
        validate_settings(settings, q, languages_of(version))
        validate_people(people, list(q.role_ids))
        session.flush()  # ids for the rows below
        assessment = add_assessment(session, client.id, version.id, settings, self_assessment=True)
        apply_status(assessment, AssessmentStatus.OPEN)
        session.flush()
        (link,) = issue_links(session, assessment.id, people)
    return SelfAssessmentStarted(assessment, link.respondent)
