"""The audit trail: an append-only record of security-relevant events.

:func:`record` adds one :class:`~assessment.db.models.AuditEntry`.  Inside an open write
transaction the entry joins it, so the change and its record commit (or roll back)
together; outside one it commits in a transaction of its own.

Append-only is enforced twice:

- here, in the ORM: a flush that would change or delete an entry raises
  :class:`AuditImmutable`, and so does a bulk ``UPDATE``/``DELETE`` statement on the table;
- in the database: a trigger refuses every ``UPDATE`` (migration ``c3a9d5e7f1b2``).

Deletes are not refused by the database because two legitimate paths remove entries:
deleting a whole workspace (``ON DELETE CASCADE``) and the retention policy, which goes
through :func:`purge_before`, the one sanctioned exception to the ORM guard.

Services take the client address as plain data (``ip``); they never look at a request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from assessment.db import in_write_transaction, write_transaction
from assessment.db.models import AuditEntry, User
from assessment.db.tenancy import bind_workspace, current_workspace, unscoped

_PURGING = "saleshealth.audit_purge"
MAX_TEXT = 200

# The events the product records; the page filters by them.  Keep the names stable: they
# are stored and exported.
EVENTS = (
    "auth.sign_in",
    "auth.sign_in_failed",
    "auth.mfa_failed",
    "mfa.enrolled",
    "mfa.disabled",
    "mfa.reset",
    "mfa.recovery_used",
    "member.added",
    "member.removed",
    "member.role_changed",
    "member.invited",
    "member.invitation_revoked",
    "member.joined",
    "settings.branding",
    "settings.require_mfa",
    "settings.retention",
    "export.identified",
    "report.downloaded",
    "assessment.status",
    "api_token.created",
    "api_token.used",
    "api_token.revoked",
    "share_link.created",
    "share_link.used",
    "share_link.failed",
    "share_link.revoked",
    "audit.exported",
    "client.delete",
    "assessment.delete",
    "assessment.anonymize",
    "respondent.erase",
    "retention.applied",
    "reminders.sent",
    "plan.item_added",
    "plan.item_changed",
    "plan.item_deleted",
    "plan.note_added",
    "plan.seeded",
    "plan.carried",
    "plan.reminders_sent",
    "client.rhythm",
)


class AuditImmutable(RuntimeError):
    """Something tried to change or delete an audit entry."""


@dataclass(frozen=True)
class EntryView:
    """An audit entry as plain data for pages and exports."""

    id: int
    created_at: datetime
    actor_id: int | None
    actor_label: str
    event: str
    target: str
    details: dict[str, Any]
    ip: str


@dataclass(frozen=True)
class EntryFilter:
    """What the owner asked to see; empty fields do not filter."""

    event: str = ""
    actor_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def _clip(text: str | None, limit: int = MAX_TEXT) -> str:
    return (text or "")[:limit]


def record(
    session: Session,
    actor_id: int | None,
    event_name: str,
    target: str = "",
    details: Mapping[str, Any] | None = None,
    ip: str | None = None,
    *,
    workspace_id: int | None = None,
) -> None:
    """Record one event in the audit trail.

    ``actor_id`` is the acting user (None for the system, an API token or an unknown
    person); ``target`` names the object (``assessment:12``); ``details`` is a small
    JSON-able mapping; ``ip`` is the client address.  ``workspace_id`` defaults to the
    workspace the session is bound to.  Joins the caller's write transaction when one is
    open, else commits on its own.
    """
    workspace = workspace_id if workspace_id is not None else current_workspace(session)
    if workspace is None:
        raise ValueError("an audit entry needs a workspace")
    label = ""
    if actor_id is not None:
        with unscoped(session):
            user = session.get(User, actor_id)
        label = user.email if user is not None else ""
    entry = AuditEntry(
        workspace_id=workspace,
        actor_id=actor_id,
        actor_label=_clip(label, 254),
        event=_clip(event_name, 64),
        target=_clip(target),
        details=dict(details or {}),
        ip=_clip(ip, 45),
    )
    if in_write_transaction(session):
        session.add(entry)
        if current_workspace(session) != workspace:  # e.g. a sign-in: no workspace bound yet
            with unscoped(session):
                session.flush()
        return
    with write_transaction(session), unscoped(session):
        session.add(entry)


def _query(flt: EntryFilter) -> Any:
    query = select(AuditEntry)
    if flt.event:
        query = query.where(AuditEntry.event == flt.event)
    if flt.actor_id is not None:
        query = query.where(AuditEntry.actor_id == flt.actor_id)
    if flt.since is not None:
        query = query.where(AuditEntry.created_at >= flt.since)
    if flt.until is not None:
        query = query.where(AuditEntry.created_at < flt.until)
    return query


def _view(entry: AuditEntry) -> EntryView:
    return EntryView(
        id=entry.id,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        event=entry.event,
        target=entry.target,
        details=dict(entry.details or {}),
        ip=entry.ip,
    )


def list_entries(
    session: Session, flt: EntryFilter, page: int = 1, per_page: int = 50
) -> tuple[list[EntryView], int]:
    """One page of the session workspace's entries, newest first, and the total count."""
    query = _query(flt)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEntry.id.desc()).limit(per_page).offset((max(page, 1) - 1) * per_page)
    )
    return [_view(e) for e in rows], int(total)


def iter_entries(session: Session, flt: EntryFilter) -> Iterator[EntryView]:
    """Every matching entry of the session's workspace, oldest first (for exports)."""
    for entry in session.scalars(_query(flt).order_by(AuditEntry.id)):
        yield _view(entry)


def purge_before(session: Session, workspace_id: int, cutoff: datetime) -> int:
    """Delete a workspace's entries older than ``cutoff`` (the retention policy only).

    Returns how many were deleted.  This is the one path allowed past the ORM guard.
    """
    previous = current_workspace(session)
    try:
        bind_workspace(session, workspace_id)
        with write_transaction(session):
            return purge_in_transaction(session, cutoff)
    finally:
        bind_workspace(session, previous)


def purge_in_transaction(session: Session, cutoff: datetime) -> int:
    """Delete the bound workspace's entries older than ``cutoff`` in the caller's write
    transaction (the retention policy's step); returns how many were deleted."""
    session.info[_PURGING] = True
    try:
        result = session.execute(
            delete(AuditEntry)
            .where(AuditEntry.created_at < cutoff)
            .execution_options(synchronize_session=False)
        )
    finally:
        session.info.pop(_PURGING, None)
    return int(getattr(result, "rowcount", 0) or 0)


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: AuditEntry) -> None:
    raise AuditImmutable("audit entries are append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper: Any, connection: Any, target: AuditEntry) -> None:
    raise AuditImmutable("audit entries are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    if state.session.info.get(_PURGING) and state.is_delete:
        return
    if any(mapper.class_ is AuditEntry for mapper in state.all_mappers):
        raise AuditImmutable("audit entries are append-only")
