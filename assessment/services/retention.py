"""Retention: each workspace says how long identities, generated files and audit entries
are kept (``Workspace.retain_*_days``; null keeps them as long as the workspace).

:func:`plan_retention` lists what is due and changes nothing (``saleshealth retention
--dry-run``); :func:`apply_retention` removes exactly what that list names for the same
moment, one write transaction per workspace, and records each run in the workspace's audit
trail (``retention.applied``).  The worker and the command line are the callers; nothing
here runs by itself.  Saving the periods is recorded too (``settings.retention``).

Each kind of data is one :class:`RetentionStep` in :data:`STEPS`:

* ``identities`` — closed assessments whose ``closed_at`` is older than the workspace's
  ``retain_identities_days`` are anonymized as by hand
  (:func:`~assessment.services.erasure.anonymize_in_transaction`): their respondents lose
  names, e-mails and links (answers stay under codes), listed as ``identities``; the plan
  items they committed lose the names and e-mails of owners at the client, listed as
  ``plan_owners``, and the PDF reports that may show those owners go, listed as
  ``reports``.  An item carried into a later round is that round's row and waits for
  that round's own period;
* ``reports`` — finished PDF report jobs older than ``retain_files_days`` are deleted (the
  PDF is stored on the job row; exports are streamed to the browser and never stored).  A
  report the identities step already lists is not listed again;
* ``audit`` — see :class:`ExpiredRows` and :func:`register_step`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.models import Assessment, AssessmentStatus, AuditEntry, ReportJob, Workspace
from assessment.db.tenancy import bind_workspace, current_workspace, unscoped
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.branding import load_workspace
from assessment.services.erasure import (
    anonymize_in_transaction,
    identified_count,
    named_owner_count,
    plan_report_ids,
)
from assessment.services.errors import Invalid

FINISHED = ("done", "failed")
SETTINGS = ("retain_identities_days", "retain_files_days", "retain_audit_days")
"""The ``Workspace`` columns holding the periods, as named in audit entries."""


@dataclass(frozen=True)
class RetentionItem:
    """One thing that is due: ``kind`` of data, the object (or None for a batch), rows."""

    workspace_id: int
    kind: str
    target_id: int | None
    rows: int
    description: str


class RetentionStep(Protocol):
    """One kind of data with a retention period on the workspace."""

    kind: str
    setting: str
    """The ``Workspace`` column holding the number of days (null: keep)."""

    def due(self, session: Session, workspace_id: int, cutoff: datetime) -> list[RetentionItem]:
        """What is older than ``cutoff`` in the bound workspace."""

    def apply(self, session: Session, items: list[RetentionItem], cutoff: datetime) -> None:
        """Remove the items (in the caller's write transaction)."""


class Identities:
    """Names, e-mails and links of closed assessments' respondents, and names and e-mails
    of the plan owners they committed, ``retain_identities_days`` after closing."""

    kind = "identities"
    setting = "retain_identities_days"
    plan_owners = "plan_owners"

    def due(self, session: Session, workspace_id: int, cutoff: datetime) -> list[RetentionItem]:
        """Closed assessments closed before ``cutoff`` that still identify someone: their
        respondents, their plan owners and the reports that may show those owners."""
        items = []
        closed = session.execute(
            select(Assessment.id, Assessment.title)
            .where(
                Assessment.status == AssessmentStatus.CLOSED,
                Assessment.closed_at.is_not(None),
                Assessment.closed_at <= cutoff,
            )
            .order_by(Assessment.id)
        ).all()
        for assessment_id, title in closed:
            n = identified_count(session, assessment_id)
            if n:
                items.append(RetentionItem(workspace_id, self.kind, assessment_id, n, title))
            owners = named_owner_count(session, assessment_id)
            if owners:
                items.append(
                    RetentionItem(workspace_id, self.plan_owners, assessment_id, owners, title)
                )
                items.extend(_report_items(session, workspace_id, plan_report_ids(assessment_id)))
        return items

    def apply(self, session: Session, items: list[RetentionItem], cutoff: datetime) -> None:
        """Anonymize each listed assessment (which deletes the listed reports)."""
        targets = [i.target_id for i in items if i.kind in (self.kind, self.plan_owners)]
        for target in dict.fromkeys(targets):
            assessment = session.get(Assessment, target)
            if assessment is not None:
                anonymize_in_transaction(session, assessment)


def _report_items(session: Session, workspace_id: int, ids: Select[Any]) -> list[RetentionItem]:
    """One ``reports`` item per report job whose id is in ``ids``."""
    rows = session.execute(
        select(ReportJob.id, ReportJob.assessment_id, ReportJob.language)
        .where(ReportJob.id.in_(ids))
        .order_by(ReportJob.id)
    ).all()
    return [
        RetentionItem(
            workspace_id, "reports", job_id, 1, f"assessment {assessment_id} ({language})"
        )
        for job_id, assessment_id, language in rows
    ]


class ReportFiles:
    """Generated PDF reports, ``retain_files_days`` after they were made."""

    kind = "reports"
    setting = "retain_files_days"

    def due(self, session: Session, workspace_id: int, cutoff: datetime) -> list[RetentionItem]:
        """Finished report jobs made before ``cutoff``."""
        old = select(ReportJob.id).where(
            ReportJob.status.in_(FINISHED),
            func.coalesce(ReportJob.finished_at, ReportJob.created_at) <= cutoff,
        )
        return _report_items(session, workspace_id, old)

    def apply(self, session: Session, items: list[RetentionItem], cutoff: datetime) -> None:
        """Delete the listed jobs with their PDFs."""
        ids = [item.target_id for item in items]
        if ids:
            session.execute(
                delete(ReportJob)
                .where(ReportJob.id.in_(ids))
                .execution_options(synchronize_session=False)
            )


class ExpiredRows:
    """Rows of any workspace-scoped model older than a period: the audit trail's step.

    ``model`` needs a ``workspace_id`` and the timestamp column ``timestamp``.  To wire
    the audit trail once its model exists::

        register_step(ExpiredRows(AuditEntry, "created_at", "audit", "retain_audit_days"))
    """

    def __init__(self, model: Any, timestamp: str, kind: str, setting: str) -> None:
        self.model = model
        self.column = getattr(model, timestamp)
        self.kind = kind
        self.setting = setting

    def due(self, session: Session, workspace_id: int, cutoff: datetime) -> list[RetentionItem]:
        """One batch item counting the rows older than ``cutoff``."""
        n = session.scalar(
            select(func.count()).select_from(self.model).where(self.column <= cutoff)
        )
        if not n:
            return []
        return [RetentionItem(workspace_id, self.kind, None, n, f"before {cutoff:%Y-%m-%d}")]

    def apply(self, session: Session, items: list[RetentionItem], cutoff: datetime) -> None:
        """Delete the rows older than ``cutoff`` (new rows are never older)."""
        if items:
            session.execute(
                delete(self.model)
                .where(self.column <= cutoff)
                .execution_options(synchronize_session=False)
            )


class AuditEntries(ExpiredRows):
    """The audit trail: entries older than ``retain_audit_days`` go, through the one path
    the append-only guard lets past (:func:`assessment.services.audit.purge_in_transaction`)."""

    def __init__(self) -> None:
        super().__init__(AuditEntry, "created_at", "audit", "retain_audit_days")

    def due(self, session: Session, workspace_id: int, cutoff: datetime) -> list[RetentionItem]:
        """One batch item counting the entries older than ``cutoff``."""
        n = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.created_at < cutoff)
        )
        if not n:
            return []
        return [RetentionItem(workspace_id, self.kind, None, n, f"before {cutoff:%Y-%m-%d}")]

    def apply(self, session: Session, items: list[RetentionItem], cutoff: datetime) -> None:
        """Delete the entries older than ``cutoff``."""
        if items:
            audit.purge_in_transaction(session, cutoff)


STEPS: list[RetentionStep] = [Identities(), ReportFiles(), AuditEntries()]


def register_step(step: RetentionStep) -> None:
    """Add a kind of data to retention (once per process)."""
    if all(s.kind != step.kind for s in STEPS):
        STEPS.append(step)


def _cutoff(workspace: Workspace, step: RetentionStep, now: datetime) -> datetime | None:
    days = getattr(workspace, step.setting, None)
    return None if days is None else now - timedelta(days=int(days))


def _workspaces(session: Session) -> list[Workspace]:
    with unscoped(session):
        return list(session.scalars(select(Workspace).order_by(Workspace.id)))


@contextmanager
def _bound(session: Session, workspace_id: int) -> Iterator[None]:
    previous = current_workspace(session)
    bind_workspace(session, workspace_id)
    try:
        yield
    finally:
        bind_workspace(session, previous)


def _unlisted(items: list[RetentionItem], listed: set[tuple[str, int]]) -> list[RetentionItem]:
    """The items not listed yet (a report may be due for its age and for the plan owners it
    shows; an earlier step removes it, so it is listed there only), noting them as listed."""
    out = []
    for item in items:
        if item.target_id is not None:
            key = (item.kind, item.target_id)
            if key in listed:
                continue
            listed.add(key)
        out.append(item)
    return out


def _due(session: Session, workspace: Workspace, now: datetime) -> list[RetentionItem]:
    items: list[RetentionItem] = []
    listed: set[tuple[str, int]] = set()
    for step in STEPS:
        cutoff = _cutoff(workspace, step, now)
        if cutoff is not None:
            items.extend(_unlisted(step.due(session, workspace.id, cutoff), listed))
    return items


def plan_retention(session: Session, now: datetime) -> list[RetentionItem]:
    """Everything due at ``now`` in every workspace; changes nothing."""
    items: list[RetentionItem] = []
    for workspace in _workspaces(session):
        with _bound(session, workspace.id):
            items.extend(_due(session, workspace, now))
    session.rollback()  # end the read transaction
    return items


def _periods(workspace: Workspace) -> dict[str, int | None]:
    """The workspace's retention periods by setting name (None: kept)."""
    return {name: getattr(workspace, name) for name in SETTINGS}


def _record_run(
    session: Session, workspace: Workspace, items: list[RetentionItem], source: str
) -> None:
    """Record the run in the workspace's audit trail (``retention.applied``).

    Called after the steps have removed their rows, in the same transaction: the entry is
    newer than any cutoff, so the audit step of this run (or a shortened audit period) can
    never remove the record that the run happened, what it removed and under which periods.
    Rows are counted per kind; no name, e-mail or title is recorded.
    """
    removed: dict[str, int] = {}
    for item in items:
        removed[item.kind] = removed.get(item.kind, 0) + item.rows
    details: dict[str, Any] = {"removed": removed, "periods": _periods(workspace)}
    if source:
        details["source"] = source
    audit.record(
        session,
        None,
        "retention.applied",
        f"workspace:{workspace.id}",
        details,
        workspace_id=workspace.id,
    )


def apply_retention(session: Session, now: datetime, *, source: str = "") -> list[RetentionItem]:
    """Remove everything due at ``now``; one transaction per workspace.  Returns what went
    (the same list :func:`plan_retention` gives for the same ``now``).

    Every workspace with at least one period gets a ``retention.applied`` audit entry per
    run, written after the removal in the same transaction, with the rows removed per kind
    (none is a valid answer), the periods applied and ``source`` (``command``, ``worker``).
    """
    done: list[RetentionItem] = []
    for workspace in _workspaces(session):
        if all(days is None for days in _periods(workspace).values()):
            continue
        with _bound(session, workspace.id), write_transaction(session):
            listed: set[tuple[str, int]] = set()
            removed: list[RetentionItem] = []
            for step in STEPS:
                cutoff = _cutoff(workspace, step, now)
                if cutoff is None:
                    continue
                items = _unlisted(step.due(session, workspace.id, cutoff), listed)
                step.apply(session, items, cutoff)
                removed.extend(items)
            _record_run(session, workspace, removed, source)
        done.extend(removed)
    return done


MAX_DAYS = 36_500


@dataclass(frozen=True)
class RetentionSettings:
    """A workspace's retention periods in days; None keeps the data."""

    identities_days: int | None = None
    files_days: int | None = None
    audit_days: int | None = None

    def validate(self) -> None:
        """Raise Invalid naming the field whose period is out of range."""
        for name in ("identities_days", "files_days", "audit_days"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= MAX_DAYS:
                raise Invalid("retention.period", field=name, num=MAX_DAYS)


def retention_settings(session: Session, actor: Actor) -> RetentionSettings:
    """The actor's workspace's retention periods."""
    workspace = load_workspace(session, actor)
    return RetentionSettings(
        workspace.retain_identities_days, workspace.retain_files_days, workspace.retain_audit_days
    )


def save_retention_settings(
    session: Session, actor: Actor, data: RetentionSettings, *, ip: str | None = None
) -> None:
    """Set the workspace's retention periods (owners only); recorded in the audit trail
    (``settings.retention``, the periods before and after) in the same transaction."""
    actor.require_owner()
    data.validate()
    workspace = load_workspace(session, actor)
    with write_transaction(session), unscoped(session):
        old = _periods(workspace)
        workspace.retain_identities_days = data.identities_days
        workspace.retain_files_days = data.files_days
        workspace.retain_audit_days = data.audit_days
        audit.record(
            session,
            actor.user_id,
            "settings.retention",
            f"workspace:{actor.workspace_id}",
            {"old": old, "new": _periods(workspace)},
            ip,
            workspace_id=actor.workspace_id,
        )
