"""Self-assessments: a leader assesses their own organization in one sitting.

Starting one is one use case in one write transaction: the client (found by name or
created), the shipped questionnaire version (stored if new), the assessment (opened at
once) and the leader as its only respondent are all written, or none is.  The leader picks
one of the shipped questionnaires, quick checks first (:func:`choices`).

A quick check (``kind: quick_check``) *grows into* a full questionnaire (``grows_into``):
once the leader has submitted it, :func:`grow_into_full` creates a draft team assessment
of that questionnaire for the same client, with the leader already listed as a respondent
(their quick-check answers are not copied) and the quick check as the assessment it
follows up, so the trend compares the two where items are shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.core.loader import questionnaire_ids
from assessment.db import write_transaction
from assessment.db.models import Assessment, AssessmentStatus, Client, Respondent
from assessment.services.actor import Actor
from assessment.services.assessments import (
    AssessmentSettings,
    add_assessment,
    apply_status,
    get_assessment,
    validate_settings,
)
from assessment.services.clients import ClientData, add_client
from assessment.services.errors import Conflict, Invalid
from assessment.services.questionnaires import (
    STANDARD_ID,
    ShippedQuestionnaire,
    languages_of,
    model_of,
    shipped_questionnaires,
    stage_shipped,
)
from assessment.services.respondents import (
    IssuedLink,
    RespondentData,
    issue_links,
    validate_people,
)


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
    questionnaire: str = STANDARD_ID
    """The id of the shipped questionnaire to answer (:func:`choices`)."""


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
    if request.questionnaire not in questionnaire_ids():
        raise Invalid("self.questionnaire", field="questionnaire", qid=request.questionnaire)
    with write_transaction(session):
        client = session.scalar(select(Client).where(Client.name == request.organization))
        if client is None:
            client = add_client(session, client_data)
        version = stage_shipped(session, request.questionnaire)
        q = model_of(version)
        validate_settings(settings, q, languages_of(version))
        validate_people(people, list(q.role_ids))
        session.flush()  # ids for the rows below
        assessment = add_assessment(session, client.id, version.id, settings, self_assessment=True)
        apply_status(assessment, AssessmentStatus.OPEN)
        session.flush()
        (link,) = issue_links(session, assessment.id, people)
    return SelfAssessmentStarted(assessment, link.respondent)


def choices(lang: str | None = None) -> list[ShippedQuestionnaire]:
    """The questionnaires a leader can assess their organization with: quick checks first."""
    return shipped_questionnaires(lang)


@dataclass(frozen=True)
class Grown:
    """The draft team assessment a quick check grew into, and the leader's new link."""

    assessment: Assessment
    leader: IssuedLink | None
    """None when the assessment already existed (a repeated request)."""


def growth_target(assessment: Assessment) -> str | None:
    """The questionnaire id a (self-assessed) quick check grows into, or None."""
    q = model_of(assessment.questionnaire_version)
    return q.grows_into if q.is_quick_check else None


def grown_from(session: Session, assessment_id: int) -> Assessment | None:
    """The team assessment this quick check already grew into, if any."""
    return session.scalar(
        select(Assessment).where(Assessment.previous_id == assessment_id).order_by(Assessment.id)
    )


def _leader(session: Session, assessment_id: int) -> Respondent | None:
    return session.scalar(
        select(Respondent)
        .where(Respondent.assessment_id == assessment_id, Respondent.submitted_at.is_not(None))
        .order_by(Respondent.id)
    )


def can_grow(session: Session, assessment: Assessment) -> bool:
    """Whether the results page offers to grow this assessment into a team assessment: a
    quick check whose leader has submitted and that has not grown yet."""
    return (
        growth_target(assessment) is not None
        and _leader(session, assessment.id) is not None
        and grown_from(session, assessment.id) is None
    )


def grow_into_full(session: Session, actor: Actor, assessment_id: int, title: str) -> Grown:
    """A draft assessment of the questionnaire a submitted quick check grows into.

    Same client, the quick check's language where the full questionnaire has it, the
    leader (who submitted the quick check) listed as a respondent with a new link; no
    answer is copied.  The new assessment follows up the quick check.  A repeated request
    returns the assessment made by the first (checked again inside the transaction, with
    the quick check's row locked).
    """
    actor.require_editor()
    quick = get_assessment(session, assessment_id)
    target = growth_target(quick)
    if target is None:
        raise Conflict("grow.not_quick_check")
    already = grown_from(session, quick.id)
    if already is not None:
        return Grown(already, None)
    leader = _leader(session, quick.id)
    if leader is None:
        raise Conflict("grow.not_submitted")
    with write_transaction(session):
        session.scalar(
            select(Assessment)
            .where(Assessment.id == quick.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        already = grown_from(session, quick.id)
        if already is not None:
            return Grown(already, None)
        try:
            version = stage_shipped(session, target)
        except LookupError:
            raise Conflict("grow.no_questionnaire", qid=target) from None
        q = model_of(version)
        languages = languages_of(version)
        settings = AssessmentSettings(
            title=title,
            language=quick.language if quick.language in languages else languages[0],
            min_group_size=q.min_group_size,
        )
        validate_settings(settings, q, languages)
        people = [RespondentData(role=leader.role, name=leader.name, email=leader.email)]
        validate_people(people, list(q.role_ids))
        session.flush()
        grown = add_assessment(session, quick.client_id, version.id, settings)
        grown.previous_id = quick.id
        session.flush()
        (link,) = issue_links(session, grown.id, people)
        link.respondent.language = leader.language
    return Grown(grown, link)
