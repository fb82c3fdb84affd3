"""Action plans: a client's plan items, made from an assessment's results, changed by editors.

An item belongs to a client and to the round (assessment) that committed it.  Editors add
items from a recommendation, seed the plan from the 30/60/90-day roadmap in one click
(:func:`seed_from_roadmap`; repeated, it adds only what is missing), write their own,
change owner, date, status and measure, and add dated notes; every change is one write
transaction with its audit entry.  Any member reads the plan; so does the client's guest
(read-only, through :mod:`assessment.web.guest`).  Rules of the plan itself (statuses,
phases, carrying over, closing the loop) are in :mod:`assessment.core.plans`.

Texts the seeding writes (the titles, the share-the-results step) are in the assessment's
language, the language the client works in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased, joinedload, raiseload, selectinload

from assessment.catalogues import translations_for
from assessment.core import plans as core
from assessment.core.kpi import is_kpi
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.roadmap import DEFAULT_PER_PHASE, Roadmap, build_roadmap, watch_for
from assessment.core.trends import TrendSource, compute_trend
from assessment.db import write_transaction
from assessment.db.models import Assessment, Client, Membership, PlanItem, PlanNote, User
from assessment.db.tenancy import unscoped
from assessment.messages import Message
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.assessments import compute_results, get_assessment, questionnaire_of
from assessment.services.errors import Invalid, NotFound
from assessment.services.respondents import email_problem
from assessment.services.trends import mapping_index

STATUSES = tuple(s.value for s in core.Status)
MAX_NAME = 200
MAX_REASON = 2000
MAX_NOTE = 2000
DUE_LIST = 10
"""Overdue and due-this-week items the dashboard lists at most."""
_LATER = aliased(PlanItem, name="later")
"""A copy carried into a later round (its original is no longer due)."""


@dataclass(frozen=True)
class ItemData:
    """The editable fields of a plan item (no ids of anything but the owner)."""

    title: str
    phase: int = 0
    element: str = ""
    owner_user_id: int | None = None
    """A member of the workspace; wins over ``owner_name``."""
    owner_name: str = ""
    """A named person at the client."""
    owner_email: str = ""
    due: dt.date | None = None
    status: str = core.Status.PLANNED.value
    drop_reason: str = ""
    kpi_question: str = ""
    baseline: float | None = None
    target: float | None = None

    def validate(self, q: Questionnaire) -> None:
        """Raise Invalid naming the first field that breaks a rule (``q``: the round's
        questionnaire, for the element and the KPI)."""
        if not self.title.strip():
            raise Invalid("plan.title_required", field="title")
        if len(self.title.strip()) > core.MAX_TITLE:
            raise Invalid("plan.too_long", field="title", max=core.MAX_TITLE)
        if self.phase not in core.PHASES:
            raise Invalid("plan.phase", field="phase")
        if self.element and self.element not in {el.id for el in q.elements}:
            raise Invalid("plan.element", field="element")
        if self.status not in STATUSES:
            raise Invalid("plan.status", field="status")
        if self.status == core.Status.DROPPED and not self.drop_reason.strip():
            raise Invalid("plan.drop_reason", field="drop_reason")
        if len(self.drop_reason) > MAX_REASON:
            raise Invalid("plan.too_long", field="drop_reason", max=MAX_REASON)
        if len(self.owner_name.strip()) > MAX_NAME:
            raise Invalid("plan.too_long", field="owner_name", max=MAX_NAME)
        if self.owner_user_id is None and self.owner_email.strip() and not self.owner_name.strip():
            raise Invalid("plan.owner_name", field="owner_name")
        problem = email_problem(self.owner_email.strip())
        if problem is not None:
            raise Invalid("form.detail", field="owner_email", detail=problem)
        if self.kpi_question:
            question = q.questions().get(self.kpi_question)
            if question is None or not is_kpi(question):
                raise Invalid("plan.kpi", field="kpi_question")


# -- reading --------------------------------------------------------------------------------


def get_item(session: Session, item_id: int) -> PlanItem:
    """A plan item of the current workspace, or NotFound."""
    found = session.scalar(
        select(PlanItem).options(joinedload(PlanItem.owner_user)).where(PlanItem.id == item_id)
    )
    if found is None:
        raise NotFound("plan.not_found")
    return found


def client_rows(session: Session, client_id: int, *, notes: bool = True) -> list[PlanItem]:
    """Every plan item of a client (all rounds, carried originals included), owners and
    (``notes``) notes loaded: two or three queries whatever the size of the plan."""
    options = [joinedload(PlanItem.owner_user)]
    options.append(selectinload(PlanItem.notes) if notes else raiseload(PlanItem.notes))
    return list(
        session.scalars(
            select(PlanItem)
            .options(*options)
            .where(PlanItem.client_id == client_id)
            .order_by(PlanItem.id)
        ).unique()
    )


def owner_label(row: PlanItem) -> str:
    """The owner's name: the member's, else the named person's ("" when nobody is named)."""
    if row.owner_user_id is not None and row.owner_user is not None:
        return row.owner_user.name
    return row.owner_name


def owner_email(row: PlanItem) -> str:
    """Where the owner's reminders go ("" when nowhere)."""
    if row.owner_user_id is not None and row.owner_user is not None:
        return row.owner_user.email
    return row.owner_email


def to_core(row: PlanItem, *, notes: bool = True) -> core.PlanItem:
    """A stored item as plain data (no e-mail address)."""
    return core.PlanItem(
        id=row.id,
        assessment_id=row.assessment_id,
        title=row.title,
        phase=row.phase,
        element=row.element_id,
        recommendation=row.recommendation_id,
        owner=owner_label(row),
        owner_role=row.owner_role,
        due=row.due_date,
        status=core.Status(row.status),
        drop_reason=row.drop_reason,
        kpi=row.kpi_question,
        unit=row.kpi_unit,
        baseline=row.baseline,
        target=row.target,
        notes=tuple(core.Note(n.created_at, n.text, n.author_label) for n in row.notes)
        if notes
        else (),
        carried_from=row.carried_from_id,
    )


def client_plan(session: Session, client_id: int) -> list[core.PlanItem]:
    """A client's plan as plain data: every item, carried originals included."""
    return [to_core(r) for r in client_rows(session, client_id)]


def round_plan(session: Session, assessment: Assessment) -> tuple[core.PlanItem, ...]:
    """The items a round committed that are still its own (not carried into a later round),
    for the report's plan view; empty when there is no plan yet."""
    rows = client_rows(session, assessment.client_id, notes=False)
    items = core.live(to_core(r, notes=False) for r in rows)
    return tuple(i for i in items if i.assessment_id == assessment.id)


def planned_recommendations(session: Session, assessment_id: int) -> set[str]:
    """Ids of the recommendations of this round already in the plan."""
    return set(
        session.scalars(
            select(PlanItem.recommendation_id).where(
                PlanItem.assessment_id == assessment_id, PlanItem.recommendation_id != ""
            )
        )
    )


def has_plan(session: Session, client_id: int) -> bool:
    """Whether the client has any plan item."""
    return bool(session.scalar(select(exists().where(PlanItem.client_id == client_id))))


# -- writing --------------------------------------------------------------------------------


def _check_owner(session: Session, actor: Actor, user_id: int | None) -> None:
    if user_id is None:
        return
    with unscoped(session):
        member = session.scalar(
            select(Membership.id).where(
                Membership.user_id == user_id, Membership.workspace_id == actor.workspace_id
            )
        )
    if member is None:
        raise Invalid("plan.owner", field="owner")


def _apply(row: PlanItem, data: ItemData, q: Questionnaire) -> list[str]:
    """Copy ``data`` onto ``row``; the names of the fields that changed."""
    question = q.questions().get(data.kpi_question) if data.kpi_question else None
    values = {
        "title": data.title.strip(),
        "phase": data.phase,
        "element_id": data.element,
        "owner_user_id": data.owner_user_id,
        "owner_name": "" if data.owner_user_id is not None else data.owner_name.strip(),
        "owner_email": "" if data.owner_user_id is not None else data.owner_email.strip(),
        "due_date": data.due,
        "status": data.status,
        "drop_reason": data.drop_reason.strip() if data.status == core.Status.DROPPED else "",
        "kpi_question": data.kpi_question,
        "kpi_unit": (getattr(question, "unit", "") or "") if question is not None else "",
        "baseline": data.baseline,
        "target": data.target,
    }
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for key in changed:
        setattr(row, key, values[key])
    if {"owner_user_id", "owner_name", "owner_email", "due_date"} & set(changed):
        row.reminder_stage, row.reminded_for = 0, None  # the new owner or date: remind again
    return changed


def add_item(session: Session, actor: Actor, assessment_id: int, data: ItemData) -> PlanItem:
    """Add an item the consultant wrote to the plan of the assessment's client."""
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    data.validate(questionnaire_of(assessment))
    _check_owner(session, actor, data.owner_user_id)
    with write_transaction(session):
        row = PlanItem(
            client_id=assessment.client_id,
            assessment_id=assessment.id,
            created_by_id=actor.user_id,
            title="",
        )
        _apply(row, data, questionnaire_of(assessment))
        session.add(row)
        session.flush()
        _record(session, actor, "plan.item_added", row, {"own": True})
    return row


def _record(
    session: Session, actor: Actor | None, event: str, row: PlanItem, extra: dict[str, object]
) -> None:
    details = {"client": row.client_id, "assessment": row.assessment_id, **extra}
    audit.record(session, actor.user_id if actor else None, event, f"plan_item:{row.id}", details)


def update_item(session: Session, actor: Actor, item_id: int, data: ItemData) -> PlanItem:
    """Change an item (owner, date, status, measure…); recorded with the fields changed."""
    actor.require_editor()
    row = get_item(session, item_id)
    assessment = get_assessment(session, row.assessment_id)
    q = questionnaire_of(assessment)
    data.validate(q)
    _check_owner(session, actor, data.owner_user_id)
    before = row.status
    with write_transaction(session):
        changed = _apply(row, data, q)
        if changed:
            details: dict[str, object] = {"fields": changed}
            if "status" in changed:
                details["status"] = [before, row.status]
            _record(session, actor, "plan.item_changed", row, details)
    return row


def add_note(session: Session, actor: Actor, item_id: int, text: str) -> PlanNote:
    """Add a dated note to an item."""
    actor.require_editor()
    text = text.strip()
    if not text:
        raise Invalid("plan.note_required", field="text")
    if len(text) > MAX_NOTE:
        raise Invalid("plan.too_long", field="text", max=MAX_NOTE)
    row = get_item(session, item_id)
    with unscoped(session):
        author = session.get(User, actor.user_id)
    with write_transaction(session):
        note = PlanNote(
            item_id=row.id,
            text=text,
            author_id=actor.user_id,
            author_label=author.name if author is not None else "",
        )
        session.add(note)
        row.updated_at = dt.datetime.now(dt.UTC)  # the report cache reads the item's stamp
        session.flush()
        _record(session, actor, "plan.note_added", row, {"note": note.id})
    return note


def delete_item(session: Session, actor: Actor, item_id: int) -> None:
    """Remove an item and its notes (a copy carried from it keeps its own history)."""
    actor.require_editor()
    row = get_item(session, item_id)
    with write_transaction(session):
        _record(session, actor, "plan.item_deleted", row, {"title": row.title[:100]})
        session.delete(row)


# -- from the results -----------------------------------------------------------------------


def assessment_roadmap(
    results: Results, q: Questionnaire, per_phase: int = DEFAULT_PER_PHASE
) -> Roadmap:
    """The roadmap the plan is seeded from: the report's (one call, same initiatives per
    phase as the assessment's setting, so both agree)."""
    return build_roadmap(results, q, per_phase)


def _text(code: str, lang: str) -> str:
    return Message(code).render(translations_for(lang), lang)


@dataclass(frozen=True)
class SeedReport:
    """What seeding added: items, and the roadmap initiatives already in the plan."""

    added: list[PlanItem] = field(default_factory=list)
    skipped: int = 0


def _seed_rows(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    seeds: Sequence[core.Seed],
    lang: str,
    event: str,
) -> SeedReport:
    """Store the seeds not yet in the round's plan, in one write transaction; the check is
    repeated with the assessment row locked, so a double click adds each item once."""
    report = SeedReport()
    with write_transaction(session):
        session.scalar(
            select(Assessment.id).where(Assessment.id == assessment.id).with_for_update()
        )
        present = planned_recommendations(session, assessment.id)
        for seed in seeds:
            if seed.recommendation in present:
                report = SeedReport(report.added, report.skipped + 1)
                continue
            row = PlanItem(
                client_id=assessment.client_id,
                assessment_id=assessment.id,
                created_by_id=actor.user_id,
                phase=seed.phase,
                title=(seed.title or _text("plan.share_results", lang))[: core.MAX_TITLE],
                element_id=seed.element,
                recommendation_id=seed.recommendation,
                owner_role=seed.owner_role,
                due_date=seed.due,
                status=core.Status.PLANNED.value,
                kpi_question=seed.kpi,
                kpi_unit=seed.unit,
                baseline=seed.baseline,
                target=seed.target,
            )
            if seed.detail:
                row.notes.append(
                    PlanNote(
                        text="\n".join(f"• {a}" for a in seed.detail)[:MAX_NOTE],
                        author_id=actor.user_id,
                        author_label="",
                    )
                )
            session.add(row)
            present.add(seed.recommendation)
            report.added.append(row)
        session.flush()
        if report.added:
            audit.record(
                session,
                actor.user_id,
                event,
                f"assessment:{assessment.id}",
                {
                    "client": assessment.client_id,
                    "items": [r.id for r in report.added],
                    "recommendations": [r.recommendation_id for r in report.added],
                },
            )
    return report


def seed_from_roadmap(
    session: Session, actor: Actor, assessment_id: int, today: dt.date
) -> SeedReport:
    """Make the plan from the assessment's 30/60/90-day roadmap: one item per initiative,
    due at day 30, 60 or 90 from ``today``; initiatives already in the plan are skipped."""
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    lang = assessment.language
    q = questionnaire_of(assessment, lang)
    results = compute_results(session, assessment, lang)
    if results.respondents == 0:
        raise Invalid("plan.no_results")
    seeds = core.seeds_from_roadmap(
        assessment_roadmap(results, q, assessment.roadmap_per_phase), today
    )
    return _seed_rows(session, actor, assessment, seeds, lang, "plan.seeded")


def add_recommendation(
    session: Session, actor: Actor, assessment_id: int, rec_id: str, today: dt.date
) -> SeedReport:
    """Add one triggered recommendation to the plan: its first action as the title, its
    measure to watch, due at the end of its horizon (30, 60 or 90 days from ``today``)."""
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    lang = assessment.language
    q = questionnaire_of(assessment, lang)
    results = compute_results(session, assessment, lang)
    rec = next((r for r in results.recommendations if r.id == rec_id), None)
    if rec is None:
        raise Invalid("plan.recommendation", field="recommendation")
    phase = {30: 0, 60: 1}.get(rec.horizon_days, 2)
    roadmap = assessment_roadmap(results, q, assessment.roadmap_per_phase)
    placed = next((i for i in roadmap.initiatives() if i.id == rec.id), None)
    watch = watch_for(rec, results, q)
    seed = core.Seed(
        recommendation=rec.id,
        element=rec.element,
        title=rec.actions[0] if rec.actions else rec.title,
        detail=tuple(rec.actions[1:]),
        owner_role=placed.owner_role if placed is not None else "",
        phase=placed.phase if placed is not None else phase,
        due=core.due_for_phase(placed.phase if placed is not None else phase, today),
        kpi=watch.question or "",
        unit=watch.unit,
        baseline=watch.baseline,
        target=watch.target,
    )
    return _seed_rows(session, actor, assessment, [seed], lang, "plan.item_added")


# -- the next round -------------------------------------------------------------------------


def carry_over_in_transaction(session: Session, previous: Assessment, followup_id: int) -> int:
    """Copy the previous round's unfinished items into the follow-up (in the caller's write
    transaction); returns how many.  Notes stay with the original."""
    rows = client_rows(session, previous.client_id, notes=False)
    by_id = {r.id: r for r in rows}
    carried = core.to_carry((to_core(r, notes=False) for r in rows), previous.id)
    for item in carried:
        old = by_id[item.id]
        session.add(
            PlanItem(
                client_id=old.client_id,
                assessment_id=followup_id,
                carried_from_id=old.id,
                created_by_id=old.created_by_id,
                phase=old.phase,
                title=old.title,
                element_id=old.element_id,
                recommendation_id=old.recommendation_id,
                owner_user_id=old.owner_user_id,
                owner_name=old.owner_name,
                owner_email=old.owner_email,
                owner_role=old.owner_role,
                due_date=old.due_date,
                status=old.status,
                kpi_question=old.kpi_question,
                kpi_unit=old.kpi_unit,
                baseline=old.baseline,
                target=old.target,
                reminder_stage=old.reminder_stage,
                reminded_for=old.reminded_for,
                reminded_at=old.reminded_at,
            )
        )
    if carried:
        session.flush()
        audit.record(
            session,
            None,
            "plan.carried",
            f"assessment:{followup_id}",
            {"client": previous.client_id, "from": previous.id, "items": [i.id for i in carried]},
        )
    return len(carried)


# -- closing the loop -----------------------------------------------------------------------


def follow_through(
    session: Session, assessment: Assessment, sources: tuple[TrendSource, TrendSource] | None
) -> core.FollowThrough | None:
    """What the round before ``assessment`` committed, what was done and what moved.

    ``sources`` are the previous round and this one as trend sources (results computed
    once by the caller, :func:`assessment.services.trends.chain_sources`); None when there
    is no previous round with answers.
    """
    if sources is None or assessment.previous_id is None:
        return None
    rows = client_rows(session, assessment.client_id, notes=False)
    items = [to_core(r, notes=False) for r in rows]
    committed = [i for i in items if i.assessment_id == assessment.previous_id]
    if not committed:
        return None
    trend = compute_trend(list(sources), mapping_index(session))
    before, after = sources
    return core.follow_through(committed, items, trend, before.results, after.results, before.title)


# -- the dashboard --------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """An open item that is overdue or due this week, for the dashboard."""

    id: int
    client_id: int
    client_name: str
    title: str
    owner: str
    owner_role: str
    due: dt.date
    timing: core.Timing


def due_items(session: Session, today: dt.date, limit: int = DUE_LIST) -> list[DueItem]:
    """Open items due before the end of this week (overdue first), at most ``limit``: one
    query whatever the size of the workspace."""
    horizon = today + dt.timedelta(days=core.WEEK)
    rows = session.execute(
        select(PlanItem, Client.name)
        .join(Client, Client.id == PlanItem.client_id)
        .options(joinedload(PlanItem.owner_user))
        .where(
            PlanItem.status.in_([s.value for s in core.OPEN]),
            PlanItem.due_date.is_not(None),
            PlanItem.due_date < horizon,
            ~exists().where(_LATER.carried_from_id == PlanItem.id),
        )
        .order_by(PlanItem.due_date, PlanItem.id)
        .limit(limit)
    ).all()
    out = []
    for row, client_name in rows:
        item = to_core(row, notes=False)
        when = core.timing(item, today)
        if when is None or item.due is None:
            continue
        out.append(
            DueItem(
                row.id,
                row.client_id,
                client_name,
                row.title,
                item.owner,
                row.owner_role,
                item.due,
                when,
            )
        )
    return out


def client_ids_with_plans(session: Session, client_ids: Iterable[int]) -> set[int]:
    """Which of these clients have a plan (one query)."""
    ids = list(client_ids)
    if not ids:
        return set()
    return set(
        session.scalars(select(PlanItem.client_id).where(PlanItem.client_id.in_(ids)).distinct())
    )
