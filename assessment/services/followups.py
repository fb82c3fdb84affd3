"""Follow-up assessments: the same client asked again after a closed assessment.

A follow-up is a new draft assessment with ``previous_id`` pointing at the closed one.  It
copies the respondent list (with new personal links issued the way
:mod:`assessment.services.respondents` issues them: only hashes are stored) and the
settings that still apply to the chosen questionnaire version.  Answers are never copied.
The previous round's unfinished action-plan items are carried over into the follow-up in
the same transaction (:func:`assessment.services.plans.carry_over_in_transaction`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import Assessment, AssessmentStatus, QuestionnaireVersion, Respondent
from assessment.services.actor import Actor
from assessment.services.assessments import AssessmentSettings, get_assessment, validate_settings
from assessment.services.errors import Conflict, Invalid
from assessment.services.plans import carry_over_in_transaction
from assessment.services.questionnaires import available_versions, languages_of, model_of
from assessment.services.respondents import IssuedLink, hash_token, new_token


@dataclass(frozen=True)
class FollowUp:
    """The new assessment and the links issued to its respondents (shown once)."""

    assessment: Assessment
    issued: list[IssuedLink]
    dropped_overrides: tuple[str, ...]
    """Element overrides not copied because the element is not in the new version."""


@dataclass(frozen=True)
class ChainLink:
    """Another assessment of the same follow-up chain (plain data for templates)."""

    id: int
    title: str
    status: str


@dataclass(frozen=True)
class Chain:
    """The assessment before and the follow-ups after one assessment."""

    previous: ChainLink | None
    following: tuple[ChainLink, ...]


def followup_versions(session: Session, assessment: Assessment) -> list[QuestionnaireVersion]:
    """Versions a follow-up may use: the same questionnaire id, newest first."""
    qid = assessment.questionnaire_version.qid
    return [v for v in available_versions(session) if v.qid == qid]


def default_version(session: Session, assessment: Assessment) -> QuestionnaireVersion:
    """The newest published version of the assessment's questionnaire available here."""
    versions = followup_versions(session, assessment)
    return versions[0] if versions else assessment.questionnaire_version


def existing_followup(session: Session, assessment_id: int) -> Assessment | None:
    """The follow-up already started from this assessment, if any."""
    return session.scalar(
        select(Assessment).where(Assessment.previous_id == assessment_id).order_by(Assessment.id)
    )


def start_followup(
    session: Session,
    actor: Actor,
    assessment_id: int,
    title: str,
    version_id: int | None = None,
) -> FollowUp:
    """Create a follow-up of a closed assessment with copied respondents and fresh links.

    All or nothing: the assessment and every respondent are written in one transaction.
    The "already followed up" check is repeated inside that transaction with the previous
    assessment's row locked, so concurrent submits create exactly one follow-up.
    """
    actor.require_editor()
    previous = get_assessment(session, assessment_id)
    if previous.status is not AssessmentStatus.CLOSED:
        raise Conflict("followup.not_closed")
    already = existing_followup(session, previous.id)
    if already is not None:
        raise Conflict("followup.exists", title=already.title)
    if version_id is None:
        version = default_version(session, previous)
    else:
        found = next((v for v in available_versions(session) if v.id == version_id), None)
        if found is None:
            raise Invalid("form.questionnaire", field="questionnaire")
        version = found
    q = model_of(version)
    languages = languages_of(version)
    element_ids = {el.id for el in q.elements}
    overrides = {k: v for k, v in (previous.overrides or {}).items() if k in element_ids}
    dropped = tuple(sorted(set(previous.overrides or {}) - element_ids))
    settings = AssessmentSettings(
        title=title,
        language=previous.language if previous.language in languages else languages[0],
        min_group_size=previous.min_group_size,
        overrides=overrides,
    )
    try:
        validate_settings(settings, q, languages)
    except Invalid as exc:
        if exc.field != "overrides":
            raise
        # The old overrides would leave no weighted element in the new version.
        settings = AssessmentSettings(settings.title, settings.language, settings.min_group_size)
        dropped = tuple(sorted(previous.overrides or {}))
    people = list(
        session.scalars(
            select(Respondent)
            .where(Respondent.assessment_id == previous.id)
            .order_by(Respondent.id)
        )
    )
    roles = set(q.role_ids)
    unknown = [f"{p.code} ({p.role})" for p in people if p.role not in roles]
    if unknown:
        raise Invalid(
            "followup.roles",
            field="questionnaire",
            roles=unknown,
        )
    issued: list[IssuedLink] = []
    with write_transaction(session):
        # Again inside the transaction: a double submit may have passed the check above.
        # Locking the previous row serialises followers on PostgreSQL; on SQLite the
        # BEGIN IMMEDIATE of write_transaction already serialises writers (no-op there).
        locked = session.scalar(
            select(Assessment)
            .where(Assessment.id == previous.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if locked is None or locked.status is not AssessmentStatus.CLOSED:
            raise Conflict("followup.not_closed")
        already = existing_followup(session, previous.id)
        if already is not None:
            raise Conflict("followup.exists", title=already.title)
        followup = Assessment(
            client_id=previous.client_id,
            questionnaire_version_id=version.id,
            title=settings.title.strip(),
            language=settings.language,
            min_group_size=settings.min_group_size,
            overrides=settings.overrides,
            is_self_assessment=previous.is_self_assessment,
            is_demo=previous.is_demo,
            previous_id=previous.id,
        )
        session.add(followup)
        session.flush()
        for number, person in enumerate(people, start=1):
            token = new_token()
            respondent = Respondent(
                assessment_id=followup.id,
                code=person.code or f"R{number:04d}",
                name=person.name,
                email=person.email,
                role=person.role,
                team=person.team,
                region=person.region,
                segment=person.segment,
                language=person.language,
                token_hash=hash_token(token),
                token_issued_at=utcnow(),
            )
            session.add(respondent)
            issued.append(IssuedLink(respondent, token))
        carry_over_in_transaction(session, previous, followup.id)
    return FollowUp(followup, issued, dropped)


def chain_of(session: Session, assessment: Assessment) -> Chain:
    """The assessment this one follows up, and the follow-ups started from it."""
    previous = None
    if assessment.previous_id is not None:
        found = session.scalar(select(Assessment).where(Assessment.id == assessment.previous_id))
        if found is not None:
            previous = ChainLink(found.id, found.title, found.status.value)
    following = tuple(
        ChainLink(a.id, a.title, a.status.value)
        for a in session.scalars(
            select(Assessment)
            .where(Assessment.previous_id == assessment.id)
            .order_by(Assessment.id)
        )
    )
    return Chain(previous, following)
