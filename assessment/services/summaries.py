"""Stored results summaries: overall and element scores of an assessment without scoring it.

Scoring an assessment reads every answer and takes tens of milliseconds; a list of assessments
or the portfolio benchmark would pay that for each one on every view.  Instead each
assessment has one ``results_summary`` row, written when its answers change in bulk (an
import), when it closes or its settings change, and lazily whenever a reader finds it stale
(an autosave only marks it stale: scoring on every keystroke of every respondent would cost
more than scoring when someone looks):

- ``settings_key`` covers what scoring depends on besides the answers: the questionnaire
  content, the element overrides and the minimum group size;
- ``answers_key`` covers the rest, read with three grouped queries for many assessments at
  once: the assessment's respondents who answered — how many, the newest one, and the last
  time any of them had an answer or comment written (``respondent.answered_at``, stamped on
  every ORM write of an answer or comment and on a change of role, see ``db/models.py``),
  never touching the answers themselves; answers leave only with their respondent (the
  count changes) — and the organization facts and CRM evidence that scoring also uses.

The closing of an assessment is not trusted to freeze its answers (a respondent can be
erased from a closed assessment): every reader compares the answers key, which for the
benchmark's hundreds of peers costs one grouped query of a few milliseconds.

The answers key is read before the answers are scored, so an answer saved in between makes
the stored key older than the scores: the row looks stale and is computed again, never the
other way round.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session, selectinload

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import (
    Assessment,
    CrmEvidence,
    OrganizationFact,
    Respondent,
    ResultsSummary,
    Workspace,
)
from assessment.db.tenancy import bind_workspace, current_workspace, unscoped
from assessment.services.assessments import compute_results

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Summary:
    """The stored headline results of one assessment (plain data)."""

    assessment_id: int
    respondents: int
    overall: float | None
    elements: dict[str, float | None]
    weights: dict[str, float]
    current: bool = True
    """False when the row is known to be stale and was not recomputed (see ``max_refresh``)."""


@dataclass(frozen=True)
class Subject:
    """What deciding whether an assessment's stored summary is current needs of it."""

    id: int
    settings_key: str


@dataclass(frozen=True)
class Stored:
    """A stored summary row as plain values (loaded as an entity or as joined columns)."""

    assessment_id: int
    settings_key: str
    answers_key: str
    computed_at: datetime
    respondents: int
    overall: float | None
    elements: dict[str, Any]
    weights: dict[str, Any]


STORED_COLUMNS = (
    ResultsSummary.assessment_id,
    ResultsSummary.settings_key,
    ResultsSummary.answers_key,
    ResultsSummary.computed_at,
    ResultsSummary.respondents,
    ResultsSummary.overall,
    ResultsSummary.elements,
    ResultsSummary.weights,
)
"""The columns of :class:`Stored`, in its field order (for callers that join them)."""


def settings_key_of(content_hash: str, overrides: dict[str, Any] | None, min_group: int) -> str:
    """A digest of what scoring depends on besides the answers."""
    raw = json.dumps([content_hash, overrides or {}, min_group], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def settings_key(assessment: Assessment) -> str:
    """:func:`settings_key_of` an assessment."""
    return settings_key_of(
        assessment.questionnaire_version.content_hash,
        assessment.overrides,
        assessment.min_group_size,
    )


def subject_of(assessment: Assessment) -> Subject:
    """The assessment as a :class:`Subject`."""
    return Subject(assessment.id, settings_key(assessment))


def answers_keys(session: Session, assessment_ids: Iterable[int]) -> dict[int, str]:
    """Each assessment's key of what it is scored from besides its settings (three queries).

    - respondents with answers or comments: how many, the newest, their last change (adding
      people to invite changes no score); an index range per assessment, never the answers;
    - organization facts: how many, the newest, the last entered;
    - CRM evidence (the newest upload is the one in use): how many, the newest.
    """
    ids = sorted(set(assessment_ids))
    if not ids:
        return {}
    people = _grouped(
        session,
        select(
            Respondent.assessment_id,
            func.count(Respondent.id),
            func.max(Respondent.id),
            func.max(Respondent.answered_at),
        )
        .where(Respondent.assessment_id.in_(ids), Respondent.answered_at.is_not(None))
        .group_by(Respondent.assessment_id),
    )
    facts = _grouped(
        session,
        select(
            OrganizationFact.assessment_id,
            func.count(OrganizationFact.id),
            func.max(OrganizationFact.id),
            func.max(OrganizationFact.entered_at),
        )
        .where(OrganizationFact.assessment_id.in_(ids))
        .group_by(OrganizationFact.assessment_id),
    )
    crm = _grouped(
        session,
        select(CrmEvidence.assessment_id, func.count(CrmEvidence.id), func.max(CrmEvidence.id))
        .where(CrmEvidence.assessment_id.in_(ids))
        .group_by(CrmEvidence.assessment_id),
    )
    return {
        aid: f"{people.get(aid, '0')}|facts {facts.get(aid, '0')}|crm {crm.get(aid, '0')}"
        for aid in ids
    }


def _grouped(session: Session, stmt: Executable) -> dict[int, str]:
    """``assessment id → "value:value:..."`` from a query grouped by assessment."""
    out = {}
    for aid, *values in session.execute(stmt):
        out[aid] = ":".join(v.isoformat() if isinstance(v, datetime) else str(v) for v in values)
    return out


def _summary(row: Stored, current: bool = True) -> Summary:
    return Summary(
        row.assessment_id,
        row.respondents,
        row.overall,
        dict(row.elements or {}),
        {k: float(v) for k, v in (row.weights or {}).items()},
        current,
    )


def refresh(session: Session, assessment: Assessment) -> Summary:
    """Score the assessment now and store its summary (its own write transaction)."""
    if isinstance(session, scoped_session):
        session = session()
    read_at = utcnow()
    key = answers_keys(session, [assessment.id])[assessment.id]
    results = compute_results(session, assessment)
    values: dict[str, Any] = {
        "workspace_id": assessment.workspace_id,
        "settings_key": settings_key(assessment),
        "answers_key": key,
        "respondents": results.respondents,
        "overall": results.overall.score,
        "elements": {el.id: el.score for el in results.elements},
        "weights": {el.id: el.weight for el in results.elements},
        "computed_at": read_at,
    }
    # The rows a page already loaded stay as they are: writing the summary changes none of
    # them, and expiring them would cost a query per object when the page reads them again.
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        with write_transaction(session):
            _upsert(session, assessment.id, values)
    finally:
        session.expire_on_commit = keep
    return Summary(
        assessment.id,
        results.respondents,
        results.overall.score,
        values["elements"],
        values["weights"],
    )


def _upsert(session: Session, assessment_id: int, values: dict[str, Any]) -> None:
    """Insert or replace the row (concurrent refreshes of one assessment both succeed)."""
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        stmt = insert(ResultsSummary).values(assessment_id=assessment_id, **values)
        session.execute(stmt.on_conflict_do_update(index_elements=["assessment_id"], set_=values))
        return
    row = session.get(ResultsSummary, assessment_id)  # other databases: plain ORM
    if row is None:
        session.add(ResultsSummary(assessment_id=assessment_id, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def _load(session: Session, assessment_id: int) -> Assessment | None:
    return session.scalar(select(Assessment).where(Assessment.id == assessment_id))


def refresh_quietly(session: Session, assessment_id: int) -> None:
    """Refresh after a change that already committed; a failure only leaves the row stale.

    The summary is derived data: the next reader finds it stale and computes it again, so
    the change that triggered the refresh must not fail because of it.
    """
    try:
        assessment = _load(session, assessment_id)
        if assessment is not None:
            refresh(session, assessment)
    except Exception:  # derived data: logged, and recomputed by the next reader
        session.rollback()
        log.exception("results summary of assessment %s not refreshed", assessment_id)


def _stale(
    session: Session, subjects: Sequence[Subject], stored: Mapping[int, Stored]
) -> list[Subject]:
    """The subjects whose stored row is missing or not current (one grouped query)."""
    keys = answers_keys(session, [x.id for x in subjects])
    return [
        x
        for x in subjects
        if x.id not in stored
        or stored[x.id].settings_key != x.settings_key
        or stored[x.id].answers_key != keys[x.id]
    ]


def _stored_rows(session: Session, ids: Sequence[int]) -> dict[int, Stored]:
    rows = session.execute(select(*STORED_COLUMNS).where(ResultsSummary.assessment_id.in_(ids)))
    return {row[0]: Stored(*row) for row in rows}


def summaries_of(
    session: Session,
    assessments: Sequence[Assessment | Subject],
    *,
    stored: Mapping[int, Stored] | None = None,
    max_refresh: int | None = None,
) -> dict[int, Summary]:
    """Current summaries of ``assessments``, recomputing stale or missing ones.

    Costs two queries when every row is current: one for the stored rows (none when the
    caller passes the ``stored`` rows it joined, see :data:`STORED_COLUMNS`) and one grouped
    query over the respondents of the assessments.  At most ``max_refresh`` stale rows are
    recomputed (None: all); the others are returned as stored with ``current=False``, or
    left out when there is no row yet.
    """
    if not assessments:
        return {}
    subjects = [x if isinstance(x, Subject) else subject_of(x) for x in assessments]
    loaded = {x.id: x for x in assessments if isinstance(x, Assessment)}
    if stored is None:
        stored = _stored_rows(session, [x.id for x in subjects])
    stale = _stale(session, subjects, stored)
    stale_ids = {x.id for x in stale}
    out = {x.id: _summary(stored[x.id]) for x in subjects if x.id not in stale_ids}
    budget = len(stale) if max_refresh is None else max_refresh
    for x in stale:
        assessment = loaded.get(x.id) or (_load(session, x.id) if budget > 0 else None)
        fresh = None
        if budget > 0 and assessment is not None:
            budget -= 1
            fresh = _scored(session, assessment)
        if fresh is not None:
            out[x.id] = fresh
        elif x.id in stored:
            out[x.id] = _summary(stored[x.id], current=False)
    return out


def _scored(session: Session, assessment: Assessment) -> Summary | None:
    """:func:`refresh`, or None when the stored answers do not score (logged).

    Answers that no longer fit the questionnaire (e.g. written by hand) break only this
    assessment's own results page, not every list and benchmark that includes it.
    """
    try:
        return refresh(session, assessment)
    except ValueError as exc:  # ScoringError and the overrides' checks
        log.warning("assessment %s does not score: %s", assessment.id, exc)
        return None


def refresh_stale(session: Session) -> int:
    """Recompute every missing or stale summary in every workspace; returns how many.

    Run after migrating (``db-upgrade``, ``serve``), so the first page views after an
    upgrade find the summaries ready instead of scoring hundreds of assessments.
    """
    with unscoped(session):
        workspace_ids = list(session.scalars(select(Workspace.id).order_by(Workspace.id)))
    bound = current_workspace(session)
    done = 0
    try:
        for workspace_id in workspace_ids:
            bind_workspace(session, workspace_id)
            assessments = list(
                session.scalars(
                    select(Assessment).options(selectinload(Assessment.questionnaire_version))
                )
            )
            subjects = [subject_of(a) for a in assessments]
            stored = _stored_rows(session, [x.id for x in subjects])
            stale = {x.id for x in _stale(session, subjects, stored)}
            for a in assessments:
                if a.id in stale and _scored(session, a) is not None:
                    done += 1
    finally:
        bind_workspace(session, bound)
    return done
