"""The plan pages as plain data: the client's plan, an item's page, the results page's plan
card and follow-through, the dashboard's due items and proposed rounds.

Element titles, KPI texts and role labels come from the questionnaire of the round that
committed each item, in the viewer's language.  A client's guest sees the same plan without
e-mail addresses and only for items whose first round is closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assessment.core import plans as core
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.roadmap import SHARE_RESULTS
from assessment.db.models import Assessment, AssessmentStatus, Client
from assessment.services import plans as svc
from assessment.services import rhythm as rhythm_svc
from assessment.web.i18n import shown_model


def today() -> dt.date:
    """The day the plan pages count due dates from (UTC)."""
    return dt.datetime.now(dt.UTC).date()


def status_labels() -> dict[str, str]:
    """Each status in words."""
    return {
        core.Status.PLANNED: _("Planned"),
        core.Status.IN_PROGRESS: _("In progress"),
        core.Status.DONE: _("Done"),
        core.Status.DROPPED: _("Dropped"),
    }


def phase_labels() -> dict[int, str]:
    """Each phase in words."""
    return {
        0: _("Days 1–30"),
        1: _("Days 31–60"),
        2: _("Days 61–90"),
        core.LATER: _("After 90 days"),
    }


def cadence_labels() -> dict[int, str]:
    """Each re-assessment cadence in words."""
    return {3: _("Quarterly"), 6: _("Every six months"), 12: _("Yearly")}


def source_label(source: str | None) -> str:
    """Where a KPI value comes from, in words."""
    return {
        "crm": _("CRM data"),
        "fact": _("organization fact"),
        "answers": _("median of the answers"),
    }.get(source or "", "")


@dataclass(frozen=True)
class Round:
    """An assessment of the client as the plan pages read it."""

    id: int
    title: str
    closed: bool
    q: Questionnaire


def rounds_of(session: Session, client_id: int, lang: str) -> dict[int, Round]:
    """The client's assessments with their questionnaires in ``lang`` (one query)."""
    rows = session.scalars(
        select(Assessment)
        .options(selectinload(Assessment.questionnaire_version))
        .where(Assessment.client_id == client_id)
    )
    return {
        a.id: Round(
            a.id,
            a.title,
            a.status is AssessmentStatus.CLOSED,
            shown_model(a.questionnaire_version, lang),
        )
        for a in rows
    }


@dataclass(frozen=True)
class Measure:
    """The KPI (or practice score) to watch, worded."""

    label: str
    unit: str
    baseline: float | None
    target: float | None


@dataclass(frozen=True)
class ItemView:
    """One item as the plan page shows it."""

    id: int
    title: str
    round_title: str
    element: str
    owner: str
    """The owner's name, or the proposed role in words ("" when neither)."""
    owner_proposed: bool
    """``owner`` is the roadmap's proposed role, not a named person."""
    email: str
    """The owner's address (members' pages only; "" for guests)."""
    due: dt.date | None
    timing: str
    """``overdue``, ``this_week`` or ""."""
    status: str
    status_label: str
    drop_reason: str
    measure: Measure | None
    notes: tuple[core.Note, ...]
    carried: bool


def measure_of(item: core.PlanItem, q: Questionnaire | None) -> Measure | None:
    """The item's measure to watch in words (None when it has none)."""
    if item.baseline is None and item.target is None and not item.kpi:
        return None
    if item.kpi:
        question = q.questions().get(item.kpi) if q is not None else None
        label = question.text if question is not None else item.kpi
        return Measure(label, core.unit_of(item, q), item.baseline, item.target)
    element = next((el for el in q.elements if el.id == item.element), None) if q else None
    if item.recommendation == SHARE_RESULTS:  # the roadmap watches the perception gap
        label = _(
            "Leadership–frontline gap on %(element)s", element=element.title if element else ""
        )
    elif element is not None:
        label = _("Practice score of %(element)s", element=element.title)
    else:
        label = _("Practice score")
    return Measure(label, "", item.baseline, item.target)


def item_view(
    item: core.PlanItem,
    rounds: dict[int, Round],
    today: dt.date,
    email: str = "",
) -> ItemView:
    """An item worded for the viewer (``email`` only on members' pages)."""
    rnd = rounds.get(item.assessment_id)
    q = rnd.q if rnd else None
    element = next((el.title for el in q.elements if el.id == item.element), "") if q else ""
    roles = {r.id: r.label for r in q.roles} if q else {}
    owner, proposed = item.owner, False
    if not owner and item.owner_role:
        owner, proposed = roles.get(item.owner_role, item.owner_role), True
    when = core.timing(item, today)
    return ItemView(
        id=item.id,
        title=item.title,
        round_title=rnd.title if rnd else "",
        element=element,
        owner=owner,
        owner_proposed=proposed,
        email=email,
        due=item.due,
        timing=when.value if when else "",
        status=item.status.value,
        status_label=status_labels()[item.status],
        drop_reason=item.drop_reason,
        measure=measure_of(item, q),
        notes=item.notes,
        carried=item.carried_from is not None,
    )


@dataclass(frozen=True)
class Group:
    """A heading and its items."""

    key: str
    title: str
    items: tuple[ItemView, ...]


GROUPINGS = ("phase", "owner", "status")


@dataclass(frozen=True)
class PlanPage:
    """The client's plan, grouped as asked."""

    client_id: int
    client_name: str
    by: str
    groups: tuple[Group, ...]
    total: int
    counts: dict[str, int]
    """Items per status."""
    overdue: int
    this_week: int
    rhythm: rhythm_svc.Rhythm | None
    """The re-assessment cadence (members' page only)."""
    closed_rounds: tuple[tuple[int, str], ...]
    """(id, title) of the client's closed assessments, newest first (where items are made)."""
    today: dt.date


def _group_title(by: str, key: str, rounds: dict[int, Round]) -> str:
    if by == "phase":
        return phase_labels().get(int(key), key)
    if by == "status":
        return status_labels()[core.Status(key)]
    if key.startswith("role:"):
        role = key.removeprefix("role:")
        labels = {r.id: r.label for rnd in rounds.values() for r in rnd.q.roles}
        return _("Not named yet: %(role)s", role=labels.get(role, role))
    return key or _("No owner yet")


def _groups(
    by: str,
    items: Sequence[core.PlanItem],
    rounds: dict[int, Round],
    view: Callable[[core.PlanItem], ItemView],
) -> tuple[Group, ...]:
    grouping = {"phase": core.by_phase, "owner": core.by_owner, "status": core.by_status}[by]
    return tuple(
        Group(g.key, _group_title(by, g.key, rounds), tuple(view(i) for i in g.items))
        for g in grouping(items)
    )


def _first_rounds(items: Iterable[core.PlanItem]) -> dict[int, int]:
    """Each item's first round (following carried copies back)."""
    by_id = {i.id: i for i in items}
    out = {}
    for item in by_id.values():
        current, seen = item, {item.id}
        while current.carried_from in by_id and current.carried_from not in seen:
            current = by_id[current.carried_from]
            seen.add(current.id)
        out[item.id] = current.assessment_id
    return out


def plan_page(
    session: Session,
    client: Client,
    lang: str,
    by: str,
    today: dt.date,
    *,
    guest: bool = False,
) -> PlanPage:
    """The plan page (fixed number of queries whatever the size of the plan)."""
    by = by if by in GROUPINGS else "phase"
    rows = svc.client_rows(session, client.id)
    rounds = rounds_of(session, client.id, lang)
    emails = {} if guest else {r.id: svc.owner_email(r) for r in rows}
    everything = [svc.to_core(r) for r in rows]
    items = core.live(everything)
    if guest:
        first = _first_rounds(everything)
        items = [i for i in items if rounds.get(first[i.id], None) and rounds[first[i.id]].closed]

    def view(item: core.PlanItem) -> ItemView:
        return item_view(item, rounds, today, emails.get(item.id, ""))

    counts = core.counts(items)
    timings = [core.timing(i, today) for i in items]
    closed = sorted((r for r in rounds.values() if r.closed), key=lambda r: r.id, reverse=True)
    return PlanPage(
        client_id=client.id,
        client_name=client.name,
        by=by,
        groups=_groups(by, items, rounds, view),
        total=len(items),
        counts={s.value: n for s, n in counts.items()},
        overdue=sum(1 for t in timings if t is core.Timing.OVERDUE),
        this_week=sum(1 for t in timings if t is core.Timing.THIS_WEEK),
        rhythm=None if guest else rhythm_svc.rhythm_of(session, client, today),
        closed_rounds=tuple((r.id, r.title) for r in closed),
        today=today,
    )


# -- the results page -------------------------------------------------------------------


@dataclass(frozen=True)
class PlanCard:
    """On the results page (members): this round's plan and the ways to add to it."""

    client_id: int
    assessment_id: int
    in_plan: int
    """Items this round committed."""
    roadmap_left: bool
    """Some recommendation of the results is not in the plan yet (seeding adds something)."""
    addable: tuple[tuple[str, str], ...]
    """(id, title) of the triggered recommendations not in the plan yet."""
    can_edit: bool


def plan_card(
    session: Session, assessment: Assessment, results: Results, can_edit: bool
) -> PlanCard | None:
    """The results page's plan card (None without answers)."""
    if results.respondents == 0:
        return None
    present = svc.planned_recommendations(session, assessment.id)
    addable = tuple((r.id, r.title) for r in results.recommendations if r.id not in present)
    return PlanCard(
        client_id=assessment.client_id,
        assessment_id=assessment.id,
        in_plan=len(present),
        roadmap_left=bool(addable) or not present,
        addable=addable,
        can_edit=can_edit,
    )


@dataclass(frozen=True)
class LoopRowView:
    """One committed item: status now, element change, KPI change."""

    title: str
    owner: str
    due: dt.date | None
    status: str
    status_label: str
    drop_reason: str
    carried: bool
    element: str
    move: core.ElementMove | None
    kpi_label: str
    kpi: core.KpiMove | None
    unit: str
    before_source: str
    after_source: str


@dataclass(frozen=True)
class LoopCard:
    """What the previous round committed, what was done, what moved."""

    previous_title: str
    rows: tuple[LoopRowView, ...]
    done: int
    in_progress: int
    planned: int
    dropped: int
    moved: int


def loop_card(
    loop: core.FollowThrough | None, before_q: Questionnaire | None, after_q: Questionnaire
) -> LoopCard | None:
    """The follow-through worded for the results page (None when nothing was committed)."""
    if loop is None:
        return None
    q = before_q or after_q
    roles = {r.id: r.label for r in q.roles}
    titles = {el.id: el.title for el in q.elements}
    rows = []
    for row in loop.rows:
        item = row.item
        measure = measure_of(item, q) if row.kpi is not None else None
        rows.append(
            LoopRowView(
                title=item.title,
                owner=item.owner or roles.get(item.owner_role, item.owner_role),
                due=item.due,
                status=row.status.value,
                status_label=status_labels()[row.status],
                drop_reason=row.drop_reason,
                carried=row.carried,
                element=titles.get(item.element, item.element),
                move=row.element,
                kpi_label=measure.label if measure else "",
                kpi=row.kpi,
                unit=core.unit_of(item, q),
                before_source=source_label(row.kpi.before_source) if row.kpi else "",
                after_source=source_label(row.kpi.after_source) if row.kpi else "",
            )
        )
    return LoopCard(
        previous_title=loop.previous_title,
        rows=tuple(rows),
        done=loop.count(core.Status.DONE),
        in_progress=loop.count(core.Status.IN_PROGRESS),
        planned=loop.count(core.Status.PLANNED),
        dropped=loop.count(core.Status.DROPPED),
        moved=loop.moved,
    )


# -- the dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPlans:
    """Overdue and due-this-week plan items, and next rounds that are due."""

    due: tuple[svc.DueItem, ...]
    proposals: tuple[rhythm_svc.Proposal, ...]
    today: dt.date


def dashboard_plans(session: Session, today: dt.date) -> DashboardPlans:
    """Two queries, whatever the size of the workspace."""
    return DashboardPlans(
        tuple(svc.due_items(session, today)), tuple(rhythm_svc.proposals(session, today)), today
    )
