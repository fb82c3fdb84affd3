"""The key message, the top priorities and the 30/60/90-day roadmap, decided once.

Pure: reads scored :class:`~assessment.core.results.Results` and the questionnaire model and
returns plain records; the web page, the PDF and the deck only word them.  The rules
(``docs/report.md``, "Prioritization and roadmap"):

**Key message.**  The strongest signal in the data, in this order:

1. *Perception gap* — leadership rates the organization significantly more favourably than
   the front line (``large_gap`` flag: |gap| ≥ 15 points with Welch's p < 0.05) on at least
   three elements, or on one or more while the overall gap is at least 10 points.
2. *Focus* — at least two elements are 20 or more points below their target.
3. *Close the distance* — some element is below target.
4. *On target* — every scored element meets its target.

**Top priorities.**  The ranked recommendations (``assessment.core.recommend``), taking at
most one per element, so the board sees three different levers rather than three variants
of one.

**Roadmap.**  Three phases (days 1–30, 31–60, 61–90), at most ``per_phase`` initiatives each.
Recommendations are placed in ranked order, at most one per element per phase; a
recommendation's earliest phase is given by its horizon (30, 60, 90 days) and by the phase of
every recommendation it names in ``after`` (never earlier than what it depends on; when
that one could not be placed, neither is it).  When the key message is the perception gap,
phase one opens with sharing the results with the front line, and the element with the
largest significant gap is represented in the roadmap.  Every initiative carries an owner
role, its first action and the measure to watch with a 90-day target.

**Measure to watch.**  The first KPI (``number``) question among the recommendation's
``addresses`` that has a value and a better band: its value now, and as the 90-day target the
nearest edge of the next better band.  Otherwise the score of the practices it addresses
(``A_r``): the 90-day target closes half the distance to the element's target, at least 5
points, never beyond the target — a planning convention, not a norm.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from assessment.core.model import Questionnaire
from assessment.core.results import FLAG_LARGE_GAP, ElementResult, Results, TriggeredRecommendation

FAR_BELOW_TARGET = 20.0
"""An element this many points under its target counts as far below it."""
GAP_ELEMENTS = 3
"""Elements with a significant large gap that make the perception gap the key message."""
OVERALL_GAP = 10.0
"""An overall leadership − frontline gap this large makes one flagged element enough."""
DEFAULT_PER_PHASE = 3
"""Initiatives per roadmap phase unless the assessment sets another number."""
MAX_PER_PHASE = 6
PHASE_DAYS = ((1, 30), (31, 60), (61, 90))
MIN_STEP = 5.0
"""The smallest 90-day improvement of a practice score worth setting as a target."""
DEFAULT_OWNER = "executive"
SHARE_RESULTS = "share_results"
"""The initiative that opens a roadmap whose key message is the perception gap."""


class MessageKind(StrEnum):
    """Which signal the key message reports."""

    PERCEPTION_GAP = "perception_gap"
    FOCUS = "focus"
    CLOSE = "close"
    ON_TARGET = "on_target"


@dataclass(frozen=True)
class KeyMessage:
    """The key message's kind and the elements and figures it names."""

    kind: MessageKind
    elements: tuple[str, ...] = ()
    """Element ids the message names, most important first."""
    gap: float | None = None
    """For a perception gap: the overall gap, else the largest element gap (points)."""
    far_below: int = 0
    """For focus: how many elements are at least :data:`FAR_BELOW_TARGET` below target."""


@dataclass(frozen=True)
class Watch:
    """The measure an initiative moves, its value now and its 90-day target."""

    element: str
    question: str | None
    """The KPI question watched; None when the practice score is watched."""
    baseline: float | None
    target: float | None
    unit: str = ""
    """The KPI's unit (``""`` for a 0–100 practice score)."""


@dataclass(frozen=True)
class Initiative:
    """One roadmap entry: a recommendation, or the opening share-the-results step."""

    kind: str
    """``recommendation`` or :data:`SHARE_RESULTS`."""
    element: str
    owner_role: str
    first_action: str
    """The recommendation's first action ("" for :data:`SHARE_RESULTS`; the caller words it)."""
    watch: Watch
    effort: str
    phase: int
    """0, 1 or 2: days 1–30, 31–60, 61–90."""
    recommendation: TriggeredRecommendation | None = None

    @property
    def id(self) -> str:
        """The recommendation id, or :data:`SHARE_RESULTS`."""
        return self.recommendation.id if self.recommendation is not None else self.kind


@dataclass(frozen=True)
class Roadmap:
    """Three phases of initiatives, and the triggered recommendations left for later."""

    message: KeyMessage
    phases: tuple[tuple[Initiative, ...], tuple[Initiative, ...], tuple[Initiative, ...]]
    deferred: tuple[TriggeredRecommendation, ...]
    per_phase: int

    def initiatives(self) -> tuple[Initiative, ...]:
        """All initiatives, phase by phase."""
        return tuple(i for phase in self.phases for i in phase)

    def phase_of(self, rec_id: str) -> int | None:
        """The phase a recommendation was placed in, or None."""
        for i in self.initiatives():
            if i.id == rec_id:
                return i.phase
        return None


def _scored(results: Results) -> list[ElementResult]:
    return [el for el in results.elements if el.score is not None]


def shortfall(el: ElementResult) -> float:
    """Points below target; 0 at or above it and under half a point (shown as on target)."""
    gap = el.target - (el.score or 0.0)
    return gap if gap >= 0.5 else 0.0


def below_target(results: Results) -> list[ElementResult]:
    """Elements below target, furthest first (weightier first on ties, then id)."""
    ranked = sorted(_scored(results), key=lambda el: (-shortfall(el), -el.weight, el.id))
    return [el for el in ranked if shortfall(el) > 0]


def significant_gaps(results: Results) -> list[ElementResult]:
    """Elements whose leadership view is significantly and largely above the front line's."""
    flagged = [el for el in results.elements if FLAG_LARGE_GAP in el.flags and (el.gap or 0.0) > 0]
    return sorted(flagged, key=lambda el: (-(el.gap or 0.0), el.id))


def key_message(results: Results) -> KeyMessage:
    """The strongest signal in the results (rules in the module docstring)."""
    flagged = significant_gaps(results)
    overall_gap = results.overall.gap
    if flagged and (len(flagged) >= GAP_ELEMENTS or (overall_gap or 0.0) >= OVERALL_GAP):
        return KeyMessage(
            MessageKind.PERCEPTION_GAP,
            tuple(el.id for el in flagged),
            overall_gap if overall_gap is not None else flagged[0].gap,
        )
    below = below_target(results)
    far = [el for el in below if shortfall(el) >= FAR_BELOW_TARGET]
    if len(far) >= 2:
        return KeyMessage(MessageKind.FOCUS, tuple(el.id for el in far), far_below=len(far))
    if below:
        return KeyMessage(MessageKind.CLOSE, (below[0].id,))
    return KeyMessage(MessageKind.ON_TARGET)


def top_priorities(results: Results, k: int = 3) -> tuple[TriggeredRecommendation, ...]:
    """The ``k`` highest-priority recommendations, at most one per element."""
    seen: set[str] = set()
    out: list[TriggeredRecommendation] = []
    for rec in results.recommendations:
        if rec.element in seen or rec.priority <= 0:
            continue
        seen.add(rec.element)
        out.append(rec)
        if len(out) == k:
            break
    return tuple(out)


def _better_band_edge(q: Questionnaire, qid: str, value: float) -> float | None:
    """The nearest edge of the next better band of ``qid`` from ``value`` (None if none)."""
    question = q.questions().get(qid)
    bands = getattr(question, "bands", None) or ()
    current = next((b for b in bands if b.matches(value)), None)
    if current is None:
        return None
    better = [b for b in bands if b.score > current.score]
    if not better:
        return None
    best: float | None = None
    for band in better:
        for edge in (band.min, band.max):
            if edge is None:
                continue
            if best is None or abs(edge - value) < abs(best - value):
                best = edge
    return best


def watch_for(rec: TriggeredRecommendation, results: Results, q: Questionnaire) -> Watch:
    """The measure to watch for ``rec`` and its 90-day target (module docstring)."""
    kpis = {k.question: k for el in results.elements for k in el.kpis}
    for qid in rec.addresses:
        kpi = kpis.get(qid)
        if kpi is None or kpi.value is None:
            continue
        edge = _better_band_edge(q, qid, kpi.value)
        if edge is not None:
            unit = getattr(q.questions().get(qid), "unit", "") or ""
            return Watch(rec.element, qid, kpi.value, edge, unit)
    el = results.element(rec.element)
    baseline = rec.basis if rec.basis is not None else el.score
    if baseline is None:
        return Watch(rec.element, None, None, None)
    if baseline >= el.target:
        return Watch(rec.element, None, baseline, baseline)
    step = max(MIN_STEP, (el.target - baseline) / 2)
    return Watch(rec.element, None, baseline, float(math.ceil(min(el.target, baseline + step))))


def _with_prerequisites(
    rec: TriggeredRecommendation, recs: Sequence[TriggeredRecommendation]
) -> list[TriggeredRecommendation]:
    """``rec`` preceded by the triggered recommendations it builds on, recursively."""
    by_id = {r.id: r for r in recs}
    out: list[TriggeredRecommendation] = []

    def visit(r: TriggeredRecommendation) -> None:
        for dep in r.after:
            if dep in by_id and by_id[dep] not in out:
                visit(by_id[dep])
        if r not in out:
            out.append(r)

    visit(rec)
    return out


def _earliest(rec: TriggeredRecommendation) -> int:
    return {30: 0, 60: 1}.get(rec.horizon_days, 2)


def build_roadmap(
    results: Results,
    q: Questionnaire,
    per_phase: int = DEFAULT_PER_PHASE,
    owners: Mapping[str, str] | None = None,
) -> Roadmap:
    """Place the ranked recommendations in three phases (rules in the module docstring).

    ``owners`` maps a recommendation id or an element id to the role that owns it (the
    recommendation's own entry wins); :data:`DEFAULT_OWNER` otherwise.
    """
    if not 1 <= per_phase <= MAX_PER_PHASE:
        raise ValueError(f"per_phase must be between 1 and {MAX_PER_PHASE}, got {per_phase}")
    owners = owners or {}
    message = key_message(results)
    phases: list[list[Initiative]] = [[], [], []]
    placed: dict[str, int] = {}
    deferred: list[TriggeredRecommendation] = []
    recs = list(results.recommendations)

    def owner(rec_id: str, element: str) -> str:
        return owners.get(rec_id) or owners.get(element) or DEFAULT_OWNER

    if message.kind is MessageKind.PERCEPTION_GAP:
        gap_el = message.elements[0]
        el = results.element(gap_el)
        phases[0].append(
            Initiative(
                kind=SHARE_RESULTS,
                element=gap_el,
                owner_role=owners.get(SHARE_RESULTS, DEFAULT_OWNER),
                first_action="",
                watch=Watch(gap_el, None, el.gap, None),
                effort="low",
                phase=0,
            )
        )
        # The largest-gap element's best recommendation (after what it builds on) goes
        # first among the rest, so the element is represented.
        first = next((r for r in recs if r.element == gap_el), None)
        if first is not None:
            chain = _with_prerequisites(first, recs)
            recs = chain + [r for r in recs if r not in chain]

    def place(rec: TriggeredRecommendation) -> bool:
        if rec.priority <= 0:
            return False
        lower = _earliest(rec)
        for dep in rec.after:
            if dep in placed:
                lower = max(lower, placed[dep])
            elif any(r.id == dep for r in results.recommendations):
                return False  # what it builds on is triggered but not in the roadmap
        for phase in range(lower, 3):
            bucket = phases[phase]
            if len(bucket) >= per_phase or any(i.element == rec.element for i in bucket):
                continue
            bucket.append(
                Initiative(
                    kind="recommendation",
                    element=rec.element,
                    owner_role=owner(rec.id, rec.element),
                    first_action=rec.actions[0] if rec.actions else "",
                    watch=watch_for(rec, results, q),
                    effort=rec.effort,
                    phase=phase,
                    recommendation=rec,
                )
            )
            placed[rec.id] = phase
            return True
        return False

    for rec in recs:
        if not place(rec):
            deferred.append(rec)
    ordered = [sorted(p, key=lambda i: i.kind != SHARE_RESULTS) for p in phases]
    return Roadmap(
        message=message,
        phases=(tuple(ordered[0]), tuple(ordered[1]), tuple(ordered[2])),
        deferred=tuple(deferred),
        per_phase=per_phase,
    )


def tie_reasons(
    recs: Sequence[TriggeredRecommendation], tolerance: float = 0.05
) -> tuple[str | None, ...]:
    """Why each recommendation comes after the one before it when their priorities tie.

    For each position, None when its priority is clearly lower than the one before (or it is
    first); otherwise the reason the ranking gives: ``after`` (it builds on the one before),
    ``impact`` (the one before has a higher impact), ``effort`` (the same impact at lower
    effort) or ``equal`` (nothing separates them: shown as equal priority).
    """
    impact = {"high": 0, "medium": 1, "low": 2}
    effort = {"low": 0, "medium": 1, "high": 2}
    out: list[str | None] = [None] if recs else []
    for prev, cur in pairwise(recs):
        if prev.priority - cur.priority > tolerance:
            out.append(None)
        elif prev.id in cur.after:
            out.append("after")
        elif impact[prev.impact] < impact[cur.impact]:
            out.append("impact")
        elif effort[prev.effort] < effort[cur.effort]:
            out.append("effort")
        else:
            out.append("equal")
    return tuple(out)
