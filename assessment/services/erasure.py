"""Deleting clients and assessments, erasing one respondent, anonymizing an assessment.

Each operation is one write transaction: it happens completely or not at all.  Rows are
deleted explicitly, children before parents, by walking the foreign keys of the schema
(:func:`_walk`): a table that references a deleted row with ``ondelete="CASCADE"`` loses the
referencing rows too, one with ``ondelete="SET NULL"`` has the reference cleared, and one
with neither makes the database refuse (the whole operation rolls back).  Nothing relies
on the database cascading by itself, which SQLite does only with ``PRAGMA foreign_keys``;
a table added later is covered without touching this module.  Every statement is limited to
the actor's workspace.

Results are computed from the answers when they are shown, so they and their suppression
of small groups follow an erasure at once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, delete, func, or_, select, update
from sqlalchemy.orm import Session

from assessment.db import write_transaction
from assessment.db.base import Base
from assessment.db.models import (
    Assessment,
    AssessmentStatus,
    Client,
    PlanItem,
    ReportJob,
    Respondent,
)
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment
from assessment.services.clients import get_client
from assessment.services.errors import Conflict, Invalid
from assessment.services.respondents import get_respondent


@dataclass(frozen=True)
class Removal:
    """Rows an operation removes (or would remove), by table name, and rows it changes."""

    deleted: dict[str, int]
    changed: dict[str, int]

    @property
    def total(self) -> int:
        """How many rows go altogether."""
        return sum(self.deleted.values())


def _references(table: Table) -> list[tuple[Table, Any, str]]:
    """(child table, referencing column, ondelete) for every foreign key onto ``table``."""
    out = []
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table:
                out.append((child, fk.parent, (fk.ondelete or "").upper()))
    return out


def _pk(table: Table) -> Any:
    (column,) = table.primary_key.columns
    return column


def _in_workspace(table: Table, workspace_id: int) -> ColumnElement[bool]:
    return table.c.workspace_id == workspace_id


def _walk(
    session: Session,
    table: Table,
    ids: Select[Any],
    workspace_id: int,
    removal: Removal,
    *,
    apply: bool,
    seen: dict[str, set[Any]],
) -> None:
    """Delete (or count) the rows of ``table`` whose key is in ``ids`` and all their
    dependents, children first.

    A row can be reached on two paths (a plan item through its client and through its
    assessment): deleted on the first, it is gone on the second; when only counting,
    ``seen`` holds the keys counted so far, so it is counted once either way.
    """
    for child, column, ondelete in _references(table):
        if ondelete == "SET NULL":
            if apply:
                result = session.execute(
                    update(child)
                    .where(column.in_(ids), _in_workspace(child, workspace_id))
                    .values({column.name: None})
                )
                removal.changed[child.name] = removal.changed.get(child.name, 0) + result.rowcount  # type: ignore[attr-defined]
            continue
        if ondelete != "CASCADE":
            continue  # the database refuses the parent's deletion: all of it rolls back
        child_ids = select(_pk(child)).where(column.in_(ids), _in_workspace(child, workspace_id))
        _walk(session, child, child_ids, workspace_id, removal, apply=apply, seen=seen)
    where = (_pk(table).in_(ids), _in_workspace(table, workspace_id))
    if apply:
        count = session.execute(delete(table).where(*where)).rowcount  # type: ignore[attr-defined]
    else:
        counted = seen.setdefault(table.name, set())
        new = set(session.scalars(select(_pk(table)).where(*where))) - counted
        counted |= new
        count = len(new)
    if count:
        removal.deleted[table.name] = removal.deleted.get(table.name, 0) + count


def _remove(
    session: Session, model: type[Base], ids: Select[Any], workspace_id: int, *, apply: bool
) -> Removal:
    removal = Removal(deleted={}, changed={})
    _walk(session, model.__table__, ids, workspace_id, removal, apply=apply, seen={})  # type: ignore[arg-type]
    # Deleted rows must not come back from the identity map as if they still existed.
    if apply:
        session.expire_all()
    return removal


def _matches(typed: str, expected: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(expected.split()).casefold()


def _record(session: Session, actor: Actor, action: str, target: str, removal: Removal) -> None:
    """Record the deletion or erasure in the audit trail, in the caller's transaction.

    Every deletion and erasure of this module passes through here.  The entry names the
    target by id and counts rows per table: no name or e-mail of what was erased.
    """
    audit.record(
        session,
        actor.user_id,
        action,
        target,
        {"deleted": removal.deleted, "changed": removal.changed},
        workspace_id=actor.workspace_id,
    )


# -- clients -------------------------------------------------------------------------------


def _client_ids(client_id: int) -> Select[Any]:
    return select(Client.id).where(Client.id == client_id)


def preview_client_deletion(session: Session, actor: Actor, client_id: int) -> Removal:
    """What deleting the client would remove (nothing is changed)."""
    client = get_client(session, client_id)
    actor.require_owner()
    return _remove(session, Client, _client_ids(client.id), actor.workspace_id, apply=False)


def delete_client(session: Session, actor: Actor, client_id: int, confirm_name: str) -> Removal:
    """Delete a client with all its assessments, respondents, answers, comments, reports
    and CRM evidence.  Owners only; ``confirm_name`` must repeat the client's name."""
    client = get_client(session, client_id)
    actor.require_owner()
    if not _matches(confirm_name, client.name):
        raise Invalid("erase.confirm_client", field="confirm")
    with write_transaction(session):
        removal = _remove(session, Client, _client_ids(client_id), actor.workspace_id, apply=True)
        _record(session, actor, "client.delete", f"client:{client_id}", removal)
    return removal


# -- assessments ---------------------------------------------------------------------------


def _assessment_ids(assessment_id: int) -> Select[Any]:
    return select(Assessment.id).where(Assessment.id == assessment_id)


def preview_assessment_deletion(session: Session, actor: Actor, assessment_id: int) -> Removal:
    """What deleting the assessment would remove (nothing is changed)."""
    assessment = get_assessment(session, assessment_id)
    actor.require_editor()
    return _remove(
        session, Assessment, _assessment_ids(assessment.id), actor.workspace_id, apply=False
    )


def delete_assessment(
    session: Session, actor: Actor, assessment_id: int, confirm_title: str
) -> Removal:
    """Delete an assessment with its respondents, answers, comments, reports and CRM
    evidence; a follow-up of it stays and loses the link.  ``confirm_title`` must repeat
    the assessment's title."""
    assessment = get_assessment(session, assessment_id)
    actor.require_editor()
    if not _matches(confirm_title, assessment.title):
        raise Invalid("erase.confirm_assessment", field="confirm")
    with write_transaction(session):
        removal = _remove(
            session, Assessment, _assessment_ids(assessment_id), actor.workspace_id, apply=True
        )
        _record(session, actor, "assessment.delete", f"assessment:{assessment_id}", removal)
    return removal


# -- one respondent ------------------------------------------------------------------------


def _respondent_ids(respondent_id: int) -> Select[Any]:
    return select(Respondent.id).where(Respondent.id == respondent_id)


def _report_ids(assessment_id: int) -> Select[Any]:
    return select(ReportJob.id).where(ReportJob.assessment_id == assessment_id)


def preview_respondent_erasure(
    session: Session, actor: Actor, assessment_id: int, respondent_id: int
) -> Removal:
    """What erasing the respondent would remove (nothing is changed)."""
    get_assessment(session, assessment_id)
    respondent = get_respondent(session, assessment_id, respondent_id)
    actor.require_editor()
    person = _remove(
        session, Respondent, _respondent_ids(respondent.id), actor.workspace_id, apply=False
    )
    reports = _remove(
        session, ReportJob, _report_ids(assessment_id), actor.workspace_id, apply=False
    )
    return Removal(deleted=dict(Counter(person.deleted) + Counter(reports.deleted)), changed={})


def erase_respondent(
    session: Session, actor: Actor, assessment_id: int, respondent_id: int, *, confirmed: bool
) -> Removal:
    """Erase one respondent: answers, comments, name, e-mail and link.

    The assessment's generated PDF reports go too: they were computed with this person's
    answers and may quote their comments.  Results are recomputed from the remaining
    answers when next shown, so a group may now fall under the minimum size and be
    suppressed.
    """
    get_assessment(session, assessment_id)
    get_respondent(session, assessment_id, respondent_id)
    actor.require_editor()
    if not confirmed:
        raise Invalid("erase.confirm_erasure", field="confirm")
    with write_transaction(session):
        person = _remove(
            session, Respondent, _respondent_ids(respondent_id), actor.workspace_id, apply=True
        )
        reports = _remove(
            session, ReportJob, _report_ids(assessment_id), actor.workspace_id, apply=True
        )
        removal = Removal(
            deleted=dict(Counter(person.deleted) + Counter(reports.deleted)), changed={}
        )
        _record(session, actor, "respondent.erase", f"respondent:{respondent_id}", removal)
    return removal


# -- anonymizing a closed assessment --------------------------------------------------------


_TRACES = (
    "token_encrypted",
    "token_issued_at",
    "invited_at",
    "reminded_at",
    "last_active_at",
    "page_reached",
)
"""Nullable respondent columns that anonymizing clears besides name, e-mail and the link's
fingerprint: the link's encrypted copy and issue time, and the traces of contacting the
person and of their progress (invited, reminded, last active, page reached)."""


def _traced() -> ColumnElement[bool]:
    """Respondents who still carry a name, e-mail, link or trace (what anonymizing clears;
    ``reminder_count`` is a trace too)."""
    return or_(
        Respondent.name != "",
        Respondent.email != "",
        Respondent.token_hash.is_not(None),
        *(getattr(Respondent, column).is_not(None) for column in _TRACES),
        Respondent.reminder_count != 0,
    )


def _has_traces(r: Respondent) -> bool:
    """Whether one respondent row still matches :func:`_traced`."""
    return bool(
        r.name
        or r.email
        or r.token_hash is not None
        or any(getattr(r, column) is not None for column in _TRACES)
        or r.reminder_count
    )


def _identified(assessment_id: int) -> Select[Any]:
    """Respondents of the assessment who still carry a name, e-mail, link or trace."""
    return select(Respondent).where(Respondent.assessment_id == assessment_id, _traced())


def _named_owners(assessment_id: int) -> Select[Any]:
    """Plan items the assessment committed whose owner is a named person at the client.

    A copy carried into a later round is a row of that round: it keeps its owner until
    that round is anonymized.  A member as owner (``owner_user_id``) is an account of the
    workspace, not client staff, and stays.
    """
    return select(PlanItem).where(
        PlanItem.assessment_id == assessment_id,
        (PlanItem.owner_name != "") | (PlanItem.owner_email != ""),
    )


def plan_report_ids(assessment_id: int) -> Select[Any]:
    """Report jobs whose PDF may show the owners of the plan items the assessment
    committed: its own (the plan) and its follow-ups' (what the previous round committed)."""
    followups = select(Assessment.id).where(Assessment.previous_id == assessment_id)
    return select(ReportJob.id).where(
        (ReportJob.assessment_id == assessment_id) | ReportJob.assessment_id.in_(followups)
    )


def _generated_code(code: str) -> bool:
    return code[:1] == "R" and code[1:].isdigit()


def _count(session: Session, stmt: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def identified_count(session: Session, assessment_id: int) -> int:
    """How many respondents of the assessment still carry a name, e-mail, link or trace
    (what anonymizing clears)."""
    return _count(session, _identified(assessment_id))


def named_owner_count(session: Session, assessment_id: int) -> int:
    """How many plan items the assessment committed still name an owner at the client."""
    return _count(session, _named_owners(assessment_id))


def require_closed(assessment: Assessment) -> None:
    """Raise Conflict unless the assessment is closed (only closed ones are anonymized)."""
    if assessment.status is not AssessmentStatus.CLOSED:
        raise Conflict("erase.close_first")


def preview_anonymization(session: Session, actor: Actor, assessment_id: int) -> Removal:
    """What anonymizing the assessment would change and remove (nothing is changed)."""
    assessment = get_assessment(session, assessment_id)
    actor.require_editor()
    owners = named_owner_count(session, assessment.id)
    reports = Removal(deleted={}, changed={})
    if owners:
        reports = _remove(
            session, ReportJob, plan_report_ids(assessment.id), actor.workspace_id, apply=False
        )
    return Removal(
        deleted=reports.deleted,
        changed={"respondent": identified_count(session, assessment.id), "plan_item": owners},
    )


def anonymize_in_transaction(session: Session, assessment: Assessment) -> Removal:
    """Drop the names, e-mails and links of a closed assessment's respondents, and the
    names and e-mails of the plan owners it committed, in the caller's write transaction;
    returns how many respondents and plan items changed and which rows went.

    A respondent's link goes whole: its fingerprint, its encrypted copy and when it was
    issued.  So do the traces of contacting the person and of their progress (invited and
    reminded when, how many automatic reminders, last active, page reached).  The start
    and submission times stay: they say which answers count.

    Answers and comments stay, under the respondents' codes.  An imported code that is not
    one of ours (``R0001``…) may be a person's identifier, so it is replaced by a new one.
    Plan items keep their title, status, dates, measures, proposed role and member owner.
    When an owner's name goes, so do the PDF reports that may show it
    (:func:`plan_report_ids`); the next request renders them again.
    """
    require_closed(assessment)
    respondents = list(
        session.scalars(select(Respondent).where(Respondent.assessment_id == assessment.id))
    )
    numbers = [int(r.code[1:]) for r in respondents if _generated_code(r.code)]
    next_number = max(numbers, default=0) + 1
    changed = 0
    for r in respondents:
        foreign_code = not _generated_code(r.code)
        if not (_has_traces(r) or foreign_code):
            continue
        r.name = ""
        r.email = ""
        r.token_hash = None
        for column in _TRACES:
            setattr(r, column, None)
        r.reminder_count = 0
        if foreign_code:
            r.code = f"R{next_number:04d}"
            next_number += 1
        changed += 1
    owners = list(session.scalars(_named_owners(assessment.id)))
    for item in owners:
        item.owner_name = ""
        item.owner_email = ""
    session.flush()
    reports = Removal(deleted={}, changed={})
    if owners:
        reports = _remove(
            session, ReportJob, plan_report_ids(assessment.id), assessment.workspace_id, apply=True
        )
    return Removal(
        deleted=reports.deleted, changed={"respondent": changed, "plan_item": len(owners)}
    )


def anonymize_assessment(
    session: Session, actor: Actor, assessment_id: int, *, confirmed: bool
) -> int:
    """Anonymize a closed assessment (see :func:`anonymize_in_transaction`); returns how
    many respondents changed."""
    assessment = get_assessment(session, assessment_id)
    actor.require_editor()
    if not confirmed:
        raise Invalid("erase.confirm_box", field="confirm")
    with write_transaction(session):
        removal = anonymize_in_transaction(session, assessment)
        _record(session, actor, "assessment.anonymize", f"assessment:{assessment_id}", removal)
    return removal.changed["respondent"]
