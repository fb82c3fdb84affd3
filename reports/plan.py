"""The report's plan view and follow-through: plan data → frozen view-model, worded.

Pure (no Flask, no ORM).  Input is what :class:`reports.viewmodel.OptionalSections` carries:
the round's plan items (:class:`assessment.core.plans.PlanItem`) and, in a follow-up, the
follow-through of the previous round's plan (:class:`assessment.core.plans.FollowThrough`).
Output is :class:`PlanView` (``templates/report/_plan.html``) and :class:`LoopView`
(``templates/report/_loop.html``).  Any edition may include them: the board edition and the
deck show the plan instead of the roadmap's owner roles once a plan exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessment.core import plans as core
from assessment.core.model import Questionnaire
from assessment.core.roadmap import SHARE_RESULTS
from reports.i18n import Formatter


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One plan item, worded and formatted."""

    title: str
    element: str
    owner: str
    """The owner's name; the proposed role in words when nobody is named ("" if neither)."""
    owner_is_role: bool
    due: str
    """The due date, long format ("" without one)."""
    status: str
    status_key: str
    """``planned``, ``in_progress``, ``done`` or ``dropped`` (for styling)."""
    measure: str
    """The measure to watch ("" without one)."""
    baseline: str
    target: str
    drop_reason: str = ""


@dataclass(frozen=True, slots=True)
class PlanPhaseView:
    """A phase of the plan and its items, by due date."""

    title: str
    rows: tuple[PlanRow, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    """The round's action plan (``_plan.html``)."""

    heading: str
    lead: str
    phases: tuple[PlanPhaseView, ...]
    rows: tuple[PlanRow, ...]
    """Every item by due date (for editions that list it flat, such as a deck)."""
    summary: str


@dataclass(frozen=True, slots=True)
class LoopRowView:
    """One committed item: status now, its element's change, its KPI's change."""

    title: str
    owner: str
    due: str
    status: str
    status_key: str
    drop_reason: str
    carried: bool
    element: str
    element_change: str
    """"54 → 61 (+7)", or "" when the element is not compared."""
    significant: bool
    element_note: str
    """Why no change is shown, or whether it is within the noise ("" when significant)."""
    kpi: str
    kpi_change: str
    """"12 % (CRM data) → 18 % (organization fact)", "" without a KPI."""
    kpi_note: str
    """The target and whether it was reached ("" without a target)."""


@dataclass(frozen=True, slots=True)
class LoopView:
    """What the previous round committed, what was done, what moved (``_loop.html``)."""

    heading: str
    lead: str
    rows: tuple[LoopRowView, ...]


def status_words(fmt: Formatter) -> dict[core.Status, str]:
    """Each status in the report language."""
    _ = fmt._
    return {
        core.Status.PLANNED: _("Planned"),
        core.Status.IN_PROGRESS: _("In progress"),
        core.Status.DONE: _("Done"),
        core.Status.DROPPED: _("Dropped"),
    }


def _phase_titles(fmt: Formatter) -> dict[int, str]:
    _ = fmt._
    return {
        0: _("Days 1–30"),
        1: _("Days 31–60"),
        2: _("Days 61–90"),
        core.LATER: _("After 90 days"),
    }


def _value(fmt: Formatter, value: float | None, unit: str) -> str:
    """A KPI value with its unit (one decimal at most); a 0–100 score (no unit) whole."""
    if value is None:
        return "–"
    return fmt.measure(value, unit) if unit else fmt.number(value)


def _measure(fmt: Formatter, item: core.PlanItem, q: Questionnaire) -> str:
    if item.kpi:
        question = q.questions().get(item.kpi)
        return question.text if question is not None else item.kpi
    if item.baseline is None and item.target is None:
        return ""
    element = next((el.title for el in q.elements if el.id == item.element), "")
    if item.recommendation == SHARE_RESULTS:  # the roadmap watches the perception gap
        return fmt._("Leadership–frontline gap on %(element)s", element=element)
    if element:
        return fmt._("Practice score of %(element)s", element=element)
    return fmt._("Practice score")


def _row(fmt: Formatter, item: core.PlanItem, q: Questionnaire) -> PlanRow:
    roles = {r.id: r.label for r in q.roles}
    owner, is_role = item.owner, False
    if not owner and item.owner_role:
        owner, is_role = roles.get(item.owner_role, item.owner_role), True
    return PlanRow(
        title=item.title,
        element=next((el.title for el in q.elements if el.id == item.element), ""),
        owner=owner,
        owner_is_role=is_role,
        due=fmt.date(item.due) if item.due else "",
        status=status_words(fmt)[item.status],
        status_key=item.status.value,
        measure=_measure(fmt, item, q),
        baseline=_value(fmt, item.baseline, core.unit_of(item, q)),
        target=_value(fmt, item.target, core.unit_of(item, q)),
        drop_reason=item.drop_reason,
    )


def build_plan_view(
    items: Sequence[core.PlanItem], q: Questionnaire, fmt: Formatter
) -> PlanView | None:
    """The plan view of a round's items, or None when the round has no plan."""
    if not items:
        return None
    _ = fmt._
    titles = _phase_titles(fmt)
    phases = tuple(
        PlanPhaseView(titles.get(int(g.key), g.key), tuple(_row(fmt, i, q) for i in g.items))
        for g in core.by_phase(items)
    )
    ordered = sorted(items, key=lambda i: (i.due is None, i.due, i.id))
    counts = core.counts(items)
    named = sum(1 for i in items if i.owner)
    return PlanView(
        heading=_("Action plan"),
        lead=_(
            "What the organization has committed to after this assessment: each item with "
            "its owner, due date and the measure that shows whether it worked."
        ),
        phases=phases,
        rows=tuple(_row(fmt, i, q) for i in ordered),
        summary=_(
            "%(items)s items, %(named)s with a named owner; %(done)s done, %(doing)s in progress.",
            items=fmt.integer(len(items)),
            named=fmt.integer(named),
            done=fmt.integer(counts[core.Status.DONE]),
            doing=fmt.integer(counts[core.Status.IN_PROGRESS]),
        ),
    )


def _source(fmt: Formatter, source: str | None) -> str:
    _ = fmt._
    return {
        "crm": _("CRM data"),
        "fact": _("organization fact"),
        "answers": _("median of the answers"),
    }.get(source or "", "")


def _with_source(fmt: Formatter, value: float | None, unit: str, source: str | None) -> str:
    text = _value(fmt, value, unit)
    label = _source(fmt, source)
    return f"{text} ({label})" if value is not None and label else text


def _loop_row(fmt: Formatter, row: core.LoopRow, q: Questionnaire) -> LoopRowView:
    _ = fmt._
    item = row.item
    roles = {r.id: r.label for r in q.roles}
    move = row.element
    change, note, significant = "", "", False
    if move is not None:
        if move.change is not None:
            change = _(
                "%(before)s → %(after)s (%(change)s)",
                before=fmt.number(move.before),
                after=fmt.number(move.after),
                change=fmt.signed(move.change),
            )
            significant = bool(move.significant)
            if move.significant is False:
                note = _("within the noise")
            elif move.significant is None:
                note = _("no intervals to compare")
        else:
            note = _("not comparable")
    kpi, kpi_change, kpi_note = "", "", ""
    if row.kpi is not None:
        k = row.kpi
        unit = core.unit_of(item, q)
        kpi = _measure(fmt, item, q)
        if k.asked:
            kpi_change = _(
                "%(before)s → %(after)s",
                before=_with_source(fmt, k.before, unit, k.before_source),
                after=_with_source(fmt, k.after, unit, k.after_source),
            )
        else:
            kpi_change = _("not asked in this round")
        if k.target is not None:
            target = _("target %(value)s", value=_value(fmt, k.target, unit))
            if k.reached is None:
                kpi_note = target
            else:
                reached = _("reached") if k.reached else _("not reached yet")
                kpi_note = f"{target}, {reached}"
    return LoopRowView(
        title=item.title,
        owner=item.owner or roles.get(item.owner_role, item.owner_role),
        due=fmt.date(item.due) if item.due else "",
        status=status_words(fmt)[row.status],
        status_key=row.status.value,
        drop_reason=row.drop_reason,
        carried=row.carried,
        element=next((el.title for el in q.elements if el.id == item.element), item.element),
        element_change=change,
        significant=significant,
        element_note=note,
        kpi=kpi,
        kpi_change=kpi_change,
        kpi_note=kpi_note,
    )


def build_loop_view(
    loop: core.FollowThrough | None, q: Questionnaire, fmt: Formatter
) -> LoopView | None:
    """The follow-through of the previous round's plan, or None when it made none."""
    if loop is None or not loop.rows:
        return None
    _ = fmt._
    return LoopView(
        heading=_("What we committed, what was done, what moved"),
        lead=_(
            "After %(title)s the organization committed to %(items)s items: %(done)s are done, "
            "%(doing)s in progress, %(planned)s not started and %(dropped)s dropped. The "
            "elements of %(moved)s of them moved significantly.",
            title=loop.previous_title,
            items=fmt.integer(len(loop.rows)),
            done=fmt.integer(loop.count(core.Status.DONE)),
            doing=fmt.integer(loop.count(core.Status.IN_PROGRESS)),
            planned=fmt.integer(loop.count(core.Status.PLANNED)),
            dropped=fmt.integer(loop.count(core.Status.DROPPED)),
            moved=fmt.integer(loop.moved),
        ),
        rows=tuple(_loop_row(fmt, r, q) for r in loop.rows),
    )


def owner_line(row: PlanRow, f: Formatter) -> str:
    """The owner (a proposed role is marked as such) and the due date, in one line."""
    _ = f._
    if row.owner:
        owner = f"{row.owner} ({_('proposed role')})" if row.owner_is_role else row.owner
    else:
        owner = _("Nobody named yet")
    return f"{owner} · {row.due}" if row.due else owner


def planned_owner(
    plan: Sequence[core.PlanItem], recommendation: str, q: Questionnaire, f: Formatter
) -> str:
    """The owner and due date the plan gives a recommendation ("" when it is not in the
    plan): what a priority shows instead of the roadmap's owner role once a plan exists."""
    item = next((i for i in plan if i.recommendation == recommendation), None)
    if item is None:
        return ""
    view = build_plan_view((item,), q, f)
    return owner_line(view.rows[0], f) if view is not None else ""
