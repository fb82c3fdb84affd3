"""Workspace isolation in one place.

Every model that holds workspace data inherits :class:`WorkspaceScoped`.  A session is
bound to one workspace with :func:`bind_workspace`; from then on every ORM ``SELECT`` it
runs gets ``workspace_id = :current`` added to each scoped entity (``with_loader_criteria``),
and every new scoped object is stamped with that workspace when flushed.  A scoped query
on a session bound to no workspace raises, so forgetting to bind can never leak data;
the few code paths that must look across workspaces (first-run setup, login, resolving a
respondent's link) say so explicitly with :func:`unscoped`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

_KEY = "saleshealth.workspace_id"
_UNSCOPED = "saleshealth.unscoped"


class TenancyError(RuntimeError):
    """Workspace data was queried without a bound workspace."""


class WorkspaceScoped:
    """Mixin for models whose rows belong to one workspace."""

    @declared_attr
    def workspace_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), index=True)


def bind_workspace(session: Session, workspace_id: int | None) -> None:
    """Scope every following query of ``session`` to ``workspace_id`` (None: unbind)."""
    if workspace_id is None:
        session.info.pop(_KEY, None)
    else:
        session.info[_KEY] = workspace_id


def current_workspace(session: Session) -> int | None:
    """The workspace the session is bound to, if any."""
    value = session.info.get(_KEY)
    return int(value) if value is not None else None


@contextmanager
def unscoped(session: Session) -> Iterator[Session]:
    """Run queries across workspaces (setup, login, link resolution) inside this block."""
    depth = session.info.get(_UNSCOPED, 0)
    session.info[_UNSCOPED] = depth + 1
    try:
        yield session
    finally:
        session.info[_UNSCOPED] = depth


def _touches_scoped(state: ORMExecuteState) -> bool:
    return any(issubclass(mapper.class_, WorkspaceScoped) for mapper in state.all_mappers)


@event.listens_for(Session, "do_orm_execute")
def _scope_queries(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # lazy loads follow from an already-scoped parent
    session = state.session
    if session.info.get(_UNSCOPED):
        return
    workspace_id = session.info.get(_KEY)
    if workspace_id is None:
        if _touches_scoped(state):
            raise TenancyError("workspace data queried without a bound workspace")
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            WorkspaceScoped,
            lambda cls: cls.workspace_id == workspace_id,
            include_aliases=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, flush_context: Any, instances: Any) -> None:
    workspace_id = session.info.get(_KEY)
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, WorkspaceScoped):
            continue
        current = getattr(obj, "workspace_id", None)
        if current is None:
            if workspace_id is None:
                raise TenancyError(f"new {type(obj).__name__} has no workspace")
            obj.workspace_id = workspace_id
        elif (
            workspace_id is not None and current != workspace_id and not session.info.get(_UNSCOPED)
        ):
            raise TenancyError(f"{type(obj).__name__} belongs to another workspace")
