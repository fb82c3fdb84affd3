"""Stored results summaries: overall and element scores of an assessment without scoring it.

Scoring an assessment reads every answer and takes tens of milliseconds; a list of assessments
or the portfolio benchmark would pay that for each one on every view.  Instead each
assessment has one ``results_summary`` row, written when its answers change in bulk (an
import), when it closes or its settings change, and lazily whenever a reader finds it stale
(an autosave only marks it stale: scoring on every keystroke of every respondent would cost
more than scoring when someone looks):

- ``settings_key`` covers what scoring depends on besides the answers: the questionnaire
  content, the element overrides and the minimum group size;
- ``answers_key`` is read from the assessment's respondents — how many there are, the
  newest one, and the last time any of them had an answer or comment written
  (``respondent.answered_at``, stamped on every ORM write of an answer or comment, see
  ``db/models.py``) — with one grouped query for many assessments at once, never touching
  the answers themselves.  Answers leave only with their respondent (the count changes);
- a *closed* assessment's answers are frozen (answering and imports refuse it; reopening
  clears ``closed_at``), so its row is current when it was computed after the closing,
  without looking at the answers at all — the benchmark checks hundreds of peers this way.

The answers key is read before the answers are scored, so an answer saved in between makes
the stored key older than the scores: the row looks stale and is computed again, never the
other way round.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session, selectinload

from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import (
    Assessment,
    AssessmentStatus,
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


def settings_key(assessment: Assessment) -> str:
    """A digest of what scoring depends on besides the answers."""
    raw = json.dumps(
        [
            assessment.questionnaire_version.content_hash,
            assessment.overrides or {},
            assessment.min_group_size,
        ],
        sort_keys=True,
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def answers_keys(session: Session, assessment_ids: Iterable[int]) -> dict[int, str]:
    """Each assessment's ``respondents:newest respondent:last answer change``, in one query.

    It reads respondents only (an index range per assessment), never the answers.
    """
    ids = sorted(set(assessment_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(
            Respondent.assessment_id,
            func.count(Respondent.id),
            func.max(Respondent.id),
            func.max(Respondent.answered_at),
        )
        .where(Respondent.assessment_id.in_(ids))
        .group_by(Respondent.assessment_id)
    )
    keys = {aid: _key(0, None, None) for aid in ids}
    for aid, count, newest_id, changed in rows:
        keys[aid] = _key(count, newest_id, changed)
    return keys


def _key(count: int, newest_id: int | None, changed: datetime | str | None) -> str:
    if isinstance(changed, datetime):
        changed = changed.isoformat()
    return f"{count}:{newest_id or 0}:{changed or '-'}"


def _is_closed_after(assessment: Assessment, row: ResultsSummary) -> bool:
    closed = assessment.closed_at
    return (
        assessment.status is AssessmentStatus.CLOSED
        and closed is not None
        and row.computed_at >= closed
    )


def _summary(row: ResultsSummary, current: bool = True) -> Summary:
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


def refresh_quietly(session: Session, assessment_id: int) -> None:
    """Refresh after a change that already committed; a failure only leaves the row stale.

    The summary is derived data: the next reader finds it stale and computes it again, so
    the change that triggered the refresh must not fail because of it.
    """
    try:
        assessment = session.scalar(select(Assessment).where(Assessment.id == assessment_id))
        if assessment is not None:
            refresh(session, assessment)
    except Exception:  # derived data: logged, and recomputed by the next reader
        session.rollback()
        log.exception("results summary of assessment %s not refreshed", assessment_id)


def _stored(
    session: Session, assessments: Sequence[Assessment]
) -> tuple[dict[int, ResultsSummary], list[Assessment]]:
    """The stored rows of ``assessments`` (two queries), and those whose row is not current."""
    ids = [a.id for a in assessments]
    rows = {
        row.assessment_id: row
        for row in session.scalars(
            select(ResultsSummary).where(ResultsSummary.assessment_id.in_(ids))
        )
    }
    # Closed after the row was computed: current without looking at the respondents.
    live = [a.id for a in assessments if not (a.id in rows and _is_closed_after(a, rows[a.id]))]
    keys = answers_keys(session, live)
    stale = []
    for a in assessments:
        row = rows.get(a.id)
        if (
            row is None
            or row.settings_key != settings_key(a)
            or (a.id in keys and row.answers_key != keys[a.id])
        ):
            stale.append(a)
    return rows, stale


def summaries_of(
    session: Session, assessments: Sequence[Assessment], *, max_refresh: int | None = None
) -> dict[int, Summary]:
    """Current summaries of ``assessments``, recomputing stale or missing ones.

    Costs two queries when every row is current (one for the rows, one grouped query over
    the respondents of the assessments that are not closed).  At most ``max_refresh`` stale
    rows are recomputed (None: all); the others are returned as stored with
    ``current=False``, or left out when there is no row yet.
    """
    if not assessments:
        return {}
    rows, stale = _stored(session, assessments)
    stale_ids = {a.id for a in stale}
    out = {aid: _summary(row) for aid, row in rows.items() if aid not in stale_ids}
    budget = len(stale) if max_refresh is None else max_refresh
    for a in stale:
        if budget > 0:
            budget -= 1
            out[a.id] = refresh(session, a)
        elif a.id in rows:
            out[a.id] = _summary(rows[a.id], current=False)
    return out


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
            _rows, stale = _stored(session, assessments)
            for a in stale:
                refresh(session, a)
                done += 1
    finally:
        bind_workspace(session, bound)
    return done
