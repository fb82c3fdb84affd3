"""Action plans: items with owners and dates, seeded from the roadmap, measured by the next round.

Pure: plain records in, plain records out.  The services store items and read them back as
:class:`PlanItem`; the web page, the calendar export, the reminders and the report only
word what is decided here (``docs/plans.md``):

**Items.**  An item comes from a recommendation of one assessment (the *round* that committed
it) or is written by the consultant.  It has an owner (a member of the workspace, a named
person at the client, or, until someone is named, the role the roadmap proposed), a due
date, a status (planned → in progress → done, or dropped with a reason), dated notes and the
KPI to watch with its baseline and target.

**Seeding.**  :func:`seeds_from_roadmap` turns the 30/60/90-day roadmap
(:func:`assessment.core.roadmap.build_roadmap`) into items: the first action is the title,
the owner role and the measure to watch are the roadmap's, and the due date is day 30, 60 or
90 from the day the plan is made.

**Carrying over.**  When the next round starts, every unfinished item of the previous round
is copied into it (``carried_from`` points back), so that the round after measures it too;
the original stays as the record of what the previous round committed.  The *current*
version of an item is the end of that chain (:func:`latest_versions`).

**Closing the loop.**  :func:`follow_through` lists what the previous round committed with
the current status of each item, its element's change between the rounds (significant only
when the two rounds' 90 % intervals do not overlap, :mod:`assessment.core.trends`) and its
KPI's value in both rounds with where each value comes from.

**Rhythm.**  A client may be re-assessed every 3, 6 or 12 months; the next round is due that
many months after the last round closed (:func:`next_round_due`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from assessment.core.model import Questionnaire
from assessment.core.results import KpiValue, Results
from assessment.core.roadmap import SHARE_RESULTS, Roadmap
from assessment.core.trends import Trend, TrendCell


class Status(StrEnum):
    """Where an item stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


OPEN = (Status.PLANNED, Status.IN_PROGRESS)
"""Statuses of an item that still has to be done (due dates, reminders, carrying over)."""

PHASE_DAYS = (30, 60, 90)
"""A roadmap phase's items are due this many days after the plan is made."""
LATER = 3
"""The phase of an item planned beyond 90 days (phases 0–2 are the roadmap's)."""
PHASES = (0, 1, 2, LATER)
WEEK = 7
"""Items due within this many days (today included) are "due this week"."""
CADENCES = (3, 6, 12)
"""Re-assessment cadences in months: quarterly, half-yearly, yearly."""
PROPOSE_BEFORE_DAYS = 14
"""The next round is proposed this many days before it is due."""
MAX_TITLE = 300
MAX_TEXT = 2000

EVIDENCE_SOURCES = ("crm", "fact")
"""KPI sources that are evidence rather than the respondents' own figures."""


@dataclass(frozen=True, slots=True)
class Note:
    """A dated note on an item."""

    when: dt.datetime
    text: str
    author: str = ""


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One item of a client's action plan (plain data: no e-mail addresses)."""

    id: int
    assessment_id: int
    """The round that committed the item."""
    title: str
    phase: int = 0
    element: str = ""
    """The element the item improves ("" for none)."""
    recommendation: str = ""
    """The recommendation it came from ("" when the consultant wrote it); may be
    :data:`~assessment.core.roadmap.SHARE_RESULTS`."""
    owner: str = ""
    """The owner's name: a member of the workspace or a named person at the client."""
    owner_role: str = ""
    """The role the roadmap proposed as owner (a questionnaire role id), until one is named."""
    due: dt.date | None = None
    status: Status = Status.PLANNED
    drop_reason: str = ""
    kpi: str = ""
    """The KPI question watched; "" when the element's practice score is watched."""
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    notes: tuple[Note, ...] = ()
    carried_from: int | None = None
    """The item of an earlier round this one continues."""

    @property
    def is_open(self) -> bool:
        """Planned or in progress."""
        return self.status in OPEN


def unit_of(item: PlanItem, q: Questionnaire | None) -> str:
    """The watched KPI's unit as ``q`` words it (the reader's language), else as stored."""
    question = q.questions().get(item.kpi) if q is not None and item.kpi else None
    return (getattr(question, "unit", "") or item.unit) if question is not None else item.unit


# -- due dates ------------------------------------------------------------------------------


class Timing(StrEnum):
    """How an open item's due date stands against today."""

    OVERDUE = "overdue"
    THIS_WEEK = "this_week"


def timing(item: PlanItem, today: dt.date) -> Timing | None:
    """Overdue (due before today), due this week (today and the next six days), else None;
    None for items that are done or dropped or have no due date."""
    if not item.is_open or item.due is None:
        return None
    if item.due < today:
        return Timing.OVERDUE
    if item.due < today + dt.timedelta(days=WEEK):
        return Timing.THIS_WEEK
    return None


def due_for_phase(phase: int, today: dt.date) -> dt.date:
    """Day 30, 60 or 90 from ``today`` for roadmap phases 0, 1, 2 (phase :data:`LATER`: 90)."""
    return today + dt.timedelta(days=PHASE_DAYS[min(phase, len(PHASE_DAYS) - 1)])


def phase_for_due(due: dt.date | None, start: dt.date) -> int:
    """The phase a due date falls in, counted from ``start`` (no date: phase 0)."""
    if due is None:
        return 0
    days = (due - start).days
    for phase, limit in enumerate(PHASE_DAYS):
        if days <= limit:
            return phase
    return LATER


# -- seeding from the roadmap ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seed:
    """An item the roadmap proposes (what the services store when the plan is made)."""

    recommendation: str
    element: str
    title: str
    """The initiative's first action, else the recommendation's title; "" for the
    share-the-results step (the caller words it in the assessment's language)."""
    detail: tuple[str, ...]
    """The recommendation's further actions (kept as the item's first note)."""
    owner_role: str
    phase: int
    due: dt.date
    kpi: str
    unit: str
    baseline: float | None
    target: float | None


def seeds_from_roadmap(roadmap: Roadmap, today: dt.date) -> tuple[Seed, ...]:
    """One seed per roadmap initiative, due at day 30, 60 or 90 from ``today``."""
    out = []
    for initiative in roadmap.initiatives():
        rec = initiative.recommendation
        actions = rec.actions if rec is not None else ()
        title = initiative.first_action or (rec.title if rec is not None else "")
        detail = tuple(actions[1:]) if initiative.first_action else tuple(actions)
        watch = initiative.watch
        out.append(
            Seed(
                recommendation=initiative.id,
                element=initiative.element,
                title=title if initiative.kind != SHARE_RESULTS else "",
                detail=detail,
                owner_role=initiative.owner_role,
                phase=initiative.phase,
                due=due_for_phase(initiative.phase, today),
                kpi=watch.question or "",
                unit=watch.unit,
                baseline=watch.baseline,
                target=watch.target,
            )
        )
    return tuple(out)


# -- chains of carried items ----------------------------------------------------------------


def latest_versions(items: Iterable[PlanItem]) -> dict[int, PlanItem]:
    """Each item's current version: the last copy of its chain of carried items (itself when
    it was never carried over), by item id."""
    items = list(items)
    successor = {i.carried_from: i for i in items if i.carried_from is not None}
    out = {}
    for item in items:
        current, seen = item, {item.id}
        while current.id in successor and successor[current.id].id not in seen:
            current = successor[current.id]
            seen.add(current.id)
        out[item.id] = current
    return out


def live(items: Iterable[PlanItem]) -> list[PlanItem]:
    """The items that are not carried over into a later round (what the plan page shows)."""
    items = list(items)
    carried = {i.carried_from for i in items if i.carried_from is not None}
    return [i for i in items if i.id not in carried]


def to_carry(items: Iterable[PlanItem], previous_round: int) -> list[PlanItem]:
    """The items of ``previous_round`` that a new round carries over: open and not carried
    yet."""
    items = list(items)
    carried = {i.carried_from for i in items if i.carried_from is not None}
    return [
        i for i in items if i.assessment_id == previous_round and i.is_open and i.id not in carried
    ]


# -- grouping -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    """Items under one heading: a phase, an owner or a status."""

    key: str
    items: tuple[PlanItem, ...]


def _order(item: PlanItem) -> tuple[dt.date, int, int]:
    return (item.due or dt.date.max, item.phase, item.id)


def by_phase(items: Iterable[PlanItem]) -> tuple[Group, ...]:
    """Items by phase (``"0"``…``"3"``), each by due date."""
    return _grouped(items, lambda i: str(i.phase), [str(p) for p in PHASES])


def by_status(items: Iterable[PlanItem]) -> tuple[Group, ...]:
    """Items by status in the order planned, in progress, done, dropped."""
    return _grouped(items, lambda i: i.status.value, [s.value for s in Status])


def by_owner(items: Iterable[PlanItem]) -> tuple[Group, ...]:
    """Items by owner name (alphabetically); items without a named owner by proposed role
    (key ``role:<id>``), then those with neither (key ``""``)."""
    items = list(items)

    def key(i: PlanItem) -> str:
        if i.owner:
            return i.owner
        return f"role:{i.owner_role}" if i.owner_role else ""

    names = sorted({key(i) for i in items if i.owner}, key=str.casefold)
    roles = sorted({key(i) for i in items if not i.owner and i.owner_role})
    return _grouped(items, key, [*names, *roles, ""])


def _grouped(
    items: Iterable[PlanItem], key: Callable[[PlanItem], str], order: Sequence[str]
) -> tuple[Group, ...]:
    buckets: dict[str, list[PlanItem]] = {k: [] for k in order}
    for item in items:
        buckets.setdefault(key(item), []).append(item)
    return tuple(Group(k, tuple(sorted(v, key=_order))) for k, v in buckets.items() if v)


# -- closing the loop -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ElementMove:
    """An element's score in the round that committed an item and in the follow-up."""

    before: float | None
    after: float | None
    change: float | None
    """Set only when the two rounds may be compared and both have a score."""
    comparable: bool | None
    reason: str | None
    """Why not comparable (a reason code of :mod:`assessment.core.trends`)."""
    significant: bool | None
    """True only when the rounds' 90 % intervals do not overlap; None without intervals."""


@dataclass(frozen=True, slots=True)
class KpiMove:
    """A KPI's value in both rounds and where each comes from (``crm``, ``fact``,
    ``answers``; None without a value)."""

    question: str
    before: float | None
    before_source: str | None
    after: float | None
    after_source: str | None
    target: float | None
    asked: bool
    """False when the follow-up's questionnaire has no such KPI question."""

    @property
    def change(self) -> float | None:
        """After − before, when both rounds have a value."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def evidence(self) -> bool:
        """Both values are evidence (CRM or an organization fact), not median answers."""
        return self.before_source in EVIDENCE_SOURCES and self.after_source in EVIDENCE_SOURCES

    @property
    def reached(self) -> bool | None:
        """Whether the follow-up's value reached the target, in the direction from the
        baseline to the target (None when that cannot be told)."""
        if self.after is None or self.target is None or self.before is None:
            return None
        if self.target >= self.before:
            return self.after >= self.target
        return self.after <= self.target


@dataclass(frozen=True, slots=True)
class LoopRow:
    """One committed item: its status now, and what moved."""

    item: PlanItem
    """The item as the previous round committed it."""
    status: Status
    """The status of its current version (following carried copies)."""
    drop_reason: str
    carried: bool
    """It continues in a later round (it was unfinished when the follow-up started)."""
    element: ElementMove | None
    kpi: KpiMove | None


@dataclass(frozen=True, slots=True)
class FollowThrough:
    """What the previous round committed, what was done, what moved."""

    previous_id: int
    previous_title: str
    rows: tuple[LoopRow, ...]

    def count(self, status: Status) -> int:
        """How many committed items have ``status`` now."""
        return sum(1 for r in self.rows if r.status is status)

    @property
    def moved(self) -> int:
        """Committed items whose element moved significantly (either way)."""
        return sum(1 for r in self.rows if r.element is not None and r.element.significant)


def _kpis(results: Results) -> dict[str, KpiValue]:
    return {k.question: k for el in results.elements for k in el.kpis}


def _element_move(trend: Trend, element: str) -> ElementMove | None:
    for row in trend.elements:
        before, after = row.cells[0], row.cells[-1]
        if before.element_id == element or (not before.present and row.key == element):
            return _move(before, after)
    return None


def _move(before: TrendCell, after: TrendCell) -> ElementMove:
    return ElementMove(
        before=before.score,
        after=after.score,
        change=after.change,
        comparable=after.comparable if after.present else False,
        reason=after.reason,
        significant=after.significant if after.change is not None else None,
    )


def follow_through(
    committed: Sequence[PlanItem],
    every_item: Iterable[PlanItem],
    trend: Trend,
    before: Results,
    after: Results,
    previous_title: str = "",
) -> FollowThrough | None:
    """The loop between two rounds: ``committed`` are the previous round's items,
    ``every_item`` the client's items (to follow carried copies), ``trend`` compares the two
    rounds (:func:`assessment.core.trends.compute_trend` of exactly two sources), ``before``
    and ``after`` are their results.  None when nothing was committed."""
    if not committed or len(trend.points) != 2:
        return None
    latest = latest_versions(every_item)
    kpis_before, kpis_after = _kpis(before), _kpis(after)
    rows = []
    for item in sorted(committed, key=_order):
        current = latest.get(item.id, item)
        kpi = None
        if item.kpi:
            b, a = kpis_before.get(item.kpi), kpis_after.get(item.kpi)
            kpi = KpiMove(
                question=item.kpi,
                before=b.value if b is not None and b.value is not None else item.baseline,
                before_source=b.source if b is not None and b.value is not None else None,
                after=a.value if a is not None else None,
                after_source=a.source if a is not None and a.value is not None else None,
                target=item.target,
                asked=a is not None,
            )
        rows.append(
            LoopRow(
                item=item,
                status=current.status,
                drop_reason=current.drop_reason,
                carried=current.id != item.id,
                element=_element_move(trend, item.element) if item.element else None,
                kpi=kpi,
            )
        )
    return FollowThrough(trend.points[0].key, previous_title or trend.points[0].title, tuple(rows))


# -- rhythm ---------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_round_due(last_closed: dt.date, months: int) -> dt.date:
    """When the next round is due after a round that closed on ``last_closed``."""
    return add_months(last_closed, months)


def round_proposed(last_closed: dt.date, months: int, today: dt.date) -> bool:
    """Whether the dashboard proposes the next round today (from
    :data:`PROPOSE_BEFORE_DAYS` before it is due)."""
    return today >= next_round_due(last_closed, months) - dt.timedelta(days=PROPOSE_BEFORE_DAYS)


def counts(items: Iterable[PlanItem]) -> Mapping[Status, int]:
    """How many items have each status."""
    out = dict.fromkeys(Status, 0)
    for item in items:
        out[item.status] += 1
    return out
