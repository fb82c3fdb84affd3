"""Trends: element and overall scores across a client's assessments, across versions.

Pure: takes each assessment's questionnaire model and results, plus the version mappings
the workspace stored, and says for every element (and the overall score) what it scored in
each assessment, how much it changed against the assessment before, and whether that change
may be read as a change at all.

Matching rules (see ``docs/trends.md``):

* Between two assessments on the *same* questionnaire content everything is comparable.
* Otherwise elements and questions are matched by their stable id.  An explicit
  :class:`VersionMap` for the pair of versions overrides that: ``old: new`` renames,
  ``old: null`` removes.  An id with no counterpart is *not comparable*; so is a target
  that two old ids map onto (a merge).
* A matched element is comparable only when at least :data:`MIN_SHARED` of its scored
  question weight has a counterpart on both sides; otherwise its question set changed
  substantially and the change is flagged, not computed.
* The overall score is comparable when every weighted element is comparable and the
  effective element weights are the same.
* A matched element that fails the :data:`MIN_SHARED` rule (a quick check followed by the
  full questionnaire) gets its *shared items* compared one by one instead
  (:attr:`TrendCell.items`): every scored question with a counterpart in the other
  element (same id or mapped id, never one listed as not comparable), its 0-100 score
  before and after and the change.  The results hold no interval per question, so an item
  change is never called significant; answers withheld from the results pages (a practice
  question fewer people answered than the minimum group size) stay withheld here.

Nothing is dropped silently: every element or scored question without a counterpart is
listed in :attr:`Trend.not_comparable` with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from assessment.core.disclosure import withhold_small_questions
from assessment.core.model import Element, Questionnaire
from assessment.core.results import ElementResult, Interval, Results

MIN_SHARED = 0.75
"""Share of an element's scored question weight that must have a counterpart (both ways)."""

# Reasons an item is not comparable (codes; the web and the report translate them).
REMOVED = "removed"
"""The mapping file says the item no longer exists."""
UNMAPPED = "unmapped"
"""The id does not exist in the later version and no mapping names a counterpart."""
NEW = "new"
"""The item exists only in the later version."""
MERGED = "merged"
"""Several earlier items map onto this one, so no single earlier score compares."""
QUESTIONS_CHANGED = "questions_changed"
"""The element's question set changed substantially (below :data:`MIN_SHARED`)."""
NO_SCORE = "no_score"
"""One of the two assessments has no score for the item (no answers)."""
ELEMENTS_CHANGED = "elements_changed"
"""Overall: the set of weighted elements is not comparable."""
WEIGHTS_CHANGED = "weights_changed"
"""Overall: the element weights differ between the assessments."""


@dataclass(frozen=True, slots=True)
class VersionMap:
    """How ids of one questionnaire version map onto another's (from a mapping file).

    ``elements``/``questions`` map an old id to its new id, or to None when it was removed.
    Ids not listed keep their stable id.
    """

    from_id: str
    from_version: str
    to_id: str
    to_version: str
    elements: Mapping[str, str | None] = field(default_factory=dict)
    questions: Mapping[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """Plain data, as stored in ``VersionMapping.mapping``."""
        return {
            "from": {"questionnaire": self.from_id, "version": self.from_version},
            "to": {"questionnaire": self.to_id, "version": self.to_version},
            "elements": dict(self.elements),
            "questions": dict(self.questions),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> VersionMap:
        """Rebuild from :meth:`to_dict` output (trusted: already validated on upload)."""
        src = data.get("from") or {}
        dst = data.get("to") or {}
        assert isinstance(src, Mapping) and isinstance(dst, Mapping)
        elements = data.get("elements") or {}
        questions = data.get("questions") or {}
        assert isinstance(elements, Mapping) and isinstance(questions, Mapping)
        return cls(
            from_id=str(src.get("questionnaire", "")),
            from_version=str(src.get("version", "")),
            to_id=str(dst.get("questionnaire", "")),
            to_version=str(dst.get("version", "")),
            elements={str(k): (None if v is None else str(v)) for k, v in elements.items()},
            questions={str(k): (None if v is None else str(v)) for k, v in questions.items()},
        )


MappingIndex = Mapping[tuple[str, str], VersionMap]
"""Version maps keyed by (from content hash, to content hash)."""


@dataclass(frozen=True, slots=True)
class TrendSource:
    """One assessment as the trend needs it: its questionnaire and results."""

    key: int
    title: str
    when: dt.date
    questionnaire: Questionnaire
    results: Results
    status: str = "closed"


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """An assessment on the trend's time axis."""

    key: int
    title: str
    when: dt.date
    questionnaire_id: str
    questionnaire_version: str
    respondents: int
    status: str


@dataclass(frozen=True, slots=True)
class Transition:
    """How one assessment relates to the one before it."""

    from_key: int
    to_key: int
    same_version: bool
    mapping_used: bool
    """True when an explicit mapping file was applied (else stable ids only)."""


@dataclass(frozen=True, slots=True)
class ItemChange:
    """A scored item both elements of a step share, compared on its own.

    Scores are 0-100: a practice item's mean normalized answer × 100 (the "Mean" of the
    results page), a KPI item's score of its one value.  ``before``/``after`` are None when
    that assessment has no score for the item or withholds its answers (``withheld_*``).
    There is no significance: the results hold no interval per item.
    """

    before_id: str
    after_id: str
    text: str
    """The item's text in the later assessment, in the language the questionnaire was
    loaded in (the viewer's)."""
    before: float | None
    after: float | None
    change: float | None
    """Whole points, as for elements (:func:`_change`); None unless both scores exist."""
    withheld_before: int = 0
    """When the earlier assessment withholds the item's answers (fewer people answered it
    than its minimum group size): that minimum group size; else 0."""
    withheld_after: int = 0
    """The same for the later assessment."""


@dataclass(frozen=True, slots=True)
class TrendCell:
    """A row's value in one assessment.

    ``present`` is False when the element does not exist in that assessment's version.
    ``comparable`` is None for the first assessment in which the row is present, else
    whether the change against the assessment before may be read; ``change`` is set only
    when it may and both scores exist.
    """

    element_id: str | None
    score: float | None
    present: bool
    comparable: bool | None
    change: float | None
    reason: str | None = None
    """Why not comparable (one of the reason codes), if not."""
    significant: bool | None = None
    """With a change: True when the two rounds' 90 % intervals do not overlap, False when
    they do, None when either round has no interval (too few respondents)."""
    items: tuple[ItemChange, ...] = ()
    """For ``questions_changed``: the shared scored items compared one by one, in the
    later element's order (empty otherwise, and when the element shares no scored item)."""


@dataclass(frozen=True, slots=True)
class TrendRow:
    """One element (or the overall score) across the assessments."""

    key: str
    """The element id in the latest assessment where it exists (``overall`` for overall)."""
    title: str
    cells: tuple[TrendCell, ...]

    @property
    def comparable(self) -> bool:
        """True when every step of the row is comparable."""
        return all(c.present for c in self.cells) and all(
            c.comparable is not False for c in self.cells
        )

    @property
    def latest_change(self) -> float | None:
        """Change in the last assessment against the one before (None if not comparable)."""
        return self.cells[-1].change if self.cells else None


@dataclass(frozen=True, slots=True)
class NotComparable:
    """An element or scored question whose score cannot be compared between two assessments."""

    kind: str
    """``element`` or ``question``."""
    item_id: str
    title: str
    from_key: int
    to_key: int
    reason: str
    shared: float | None = None
    """For ``questions_changed``: the smaller share of question weight that matched."""
    counterpart: str | None = None
    """For ``merged``/``questions_changed``: the id on the other side."""


@dataclass(frozen=True, slots=True)
class Trend:
    """Scores of one client's assessments side by side, oldest first."""

    points: tuple[TrendPoint, ...]
    transitions: tuple[Transition, ...]
    overall: TrendRow
    elements: tuple[TrendRow, ...]
    not_comparable: tuple[NotComparable, ...]

    @property
    def has_version_change(self) -> bool:
        """True when at least one step crosses questionnaire versions."""
        return any(not t.same_version for t in self.transitions)

    @property
    def has_item_changes(self) -> bool:
        """True when some element's shared items are compared one by one."""
        return any(c.items for row in self.elements for c in row.cells)


@dataclass(frozen=True, slots=True)
class _Edge:
    """A matched element between assessment i and i+1."""

    target: str
    comparable: bool
    reason: str | None
    shared: float | None
    pairs: tuple[tuple[str, str], ...] = ()
    """For ``questions_changed``: the scored questions (old id, new id) the two elements
    share, in the new element's order."""


def compute_trend(sources: Sequence[TrendSource], mappings: MappingIndex | None = None) -> Trend:
    """Compare element and overall scores across ``sources`` (already in date order)."""
    mappings = mappings or {}
    points = tuple(
        TrendPoint(
            key=s.key,
            title=s.title,
            when=s.when,
            questionnaire_id=s.questionnaire.id,
            questionnaire_version=s.questionnaire.version,
            respondents=s.results.respondents,
            status=s.status,
        )
        for s in sources
    )
    transitions: list[Transition] = []
    edges: list[dict[str, _Edge]] = []
    starts: list[dict[str, str]] = [{}]
    not_comparable: list[NotComparable] = []
    for a, b in pairwise(sources):
        same = a.questionnaire.content_hash == b.questionnaire.content_hash
        pair = (a.questionnaire.content_hash, b.questionnaire.content_hash)
        vmap = None if same else mappings.get(pair)
        transitions.append(Transition(a.key, b.key, same, vmap is not None))
        step_edges, problems = _match(a, b, vmap, same)
        edges.append(step_edges)
        starts.append(
            {
                p.item_id: p.reason
                for p in problems
                if p.kind == "element" and p.reason in (NEW, MERGED)
            }
        )
        not_comparable.extend(problems)
    rows = _element_rows(sources, edges, starts)
    overall = _overall_row(sources, edges)
    return Trend(points, tuple(transitions), overall, rows, tuple(not_comparable))


def _translate(
    old_ids: Sequence[str], new_ids: Sequence[str], explicit: Mapping[str, str | None]
) -> tuple[dict[str, str], dict[str, str]]:
    """Old id → new id for matched ids, and old id → reason for the others."""
    new_set = set(new_ids)
    proposed: dict[str, str] = {}
    failed: dict[str, str] = {}
    for old in old_ids:
        if old in explicit:
            target = explicit[old]
            if target is None:
                failed[old] = REMOVED
            elif target in new_set:
                proposed[old] = target
            else:
                failed[old] = UNMAPPED
        elif old in new_set:
            proposed[old] = old
        else:
            failed[old] = UNMAPPED
    counts = Counter(proposed.values())
    matched: dict[str, str] = {}
    for old, target in proposed.items():
        if counts[target] > 1:
            failed[old] = MERGED
        else:
            matched[old] = target
    return matched, failed


def _scored_weights(el: Element) -> dict[str, float]:
    return {q.id: q.weight for q in el.scored_questions}


def _shared(old_el: Element, new_el: Element, question_map: Mapping[str, str]) -> float:
    """The smaller of the two sides' shares of scored weight that has a counterpart."""
    old_w = _scored_weights(old_el)
    new_w = _scored_weights(new_el)
    kept = {old: question_map[old] for old in old_w if question_map.get(old) in new_w}
    old_total = sum(old_w.values())
    new_total = sum(new_w.values())
    old_share = sum(old_w[o] for o in kept) / old_total if old_total else 1.0
    new_share = sum(new_w[n] for n in kept.values()) / new_total if new_total else 1.0
    if not old_w and not new_w:
        return 1.0
    return min(old_share, new_share)


def _pairs(
    old_el: Element, new_el: Element, question_map: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """The scored questions the two elements share: (old id, new id), new element's order."""
    back = {
        new: old
        for old, new in question_map.items()
        if old in _scored_weights(old_el) and new in _scored_weights(new_el)
    }
    return tuple((back[q.id], q.id) for q in new_el.scored_questions if q.id in back)


def _match(
    a: TrendSource, b: TrendSource, vmap: VersionMap | None, same: bool
) -> tuple[dict[str, _Edge], list[NotComparable]]:
    qa, qb = a.questionnaire, b.questionnaire
    if same:
        return {el.id: _Edge(el.id, True, None, 1.0) for el in qa.elements}, []
    problems: list[NotComparable] = []
    el_map, el_failed = _translate(
        [el.id for el in qa.elements], [el.id for el in qb.elements], vmap.elements if vmap else {}
    )
    old_questions = [q.id for el in qa.elements for q in el.scored_questions]
    new_questions = [q.id for el in qb.elements for q in el.scored_questions]
    q_map, q_failed = _translate(old_questions, new_questions, vmap.questions if vmap else {})
    titles_a = {el.id: el.title for el in qa.elements}
    titles_b = {el.id: el.title for el in qb.elements}
    for old, reason in el_failed.items():
        problems.append(NotComparable("element", old, titles_a[old], a.key, b.key, reason))
    for new in [el.id for el in qb.elements if el.id not in el_map.values()]:
        merged_from = sorted(
            o for o, r in el_failed.items() if r == MERGED and _target(vmap, o, new)
        )
        reason = MERGED if merged_from else NEW
        problems.append(
            NotComparable(
                "element",
                new,
                titles_b[new],
                a.key,
                b.key,
                reason,
                counterpart=", ".join(merged_from) or None,
            )
        )
    texts_a = {q.id: q.text for el in qa.elements for q in el.scored_questions}
    texts_b = {q.id: q.text for el in qb.elements for q in el.scored_questions}
    for old, reason in q_failed.items():
        problems.append(NotComparable("question", old, texts_a[old], a.key, b.key, reason))
    for new in [q for q in new_questions if q not in q_map.values()]:
        problems.append(NotComparable("question", new, texts_b[new], a.key, b.key, NEW))
    edges: dict[str, _Edge] = {}
    for old, new in el_map.items():
        shared = _shared(qa.element(old), qb.element(new), q_map)
        ok = shared >= MIN_SHARED
        pairs = () if ok else _pairs(qa.element(old), qb.element(new), q_map)
        edges[old] = _Edge(new, ok, None if ok else QUESTIONS_CHANGED, shared, pairs)
        if not ok:
            problems.append(
                NotComparable(
                    "element",
                    new,
                    titles_b[new],
                    a.key,
                    b.key,
                    QUESTIONS_CHANGED,
                    shared=shared,
                    counterpart=old,
                )
            )
    return edges, problems


def _target(vmap: VersionMap | None, old: str, new: str) -> bool:
    if vmap is not None and old in vmap.elements:
        return vmap.elements[old] == new
    return old == new


def _scores(results: Results) -> dict[str, float | None]:
    return {el.id: el.score for el in results.elements}


def _intervals(results: Results) -> dict[str, Interval | None]:
    return {el.id: el.ci for el in results.elements}


def significant(now: Interval | None, before: Interval | None) -> bool | None:
    """Whether a change between two rounds is significant: their 90 % intervals are disjoint.

    A deliberately conservative rule (``docs/trends.md``): two intervals that do not overlap
    mean a difference well beyond the sampling noise of either round.  None when either
    round has no interval.
    """
    if now is None or before is None:
        return None
    return now[0] > before[1] or now[1] < before[0]


def _titles(source: TrendSource) -> dict[str, str]:
    titles = {el.id: el.title for el in source.questionnaire.elements}
    titles.update({el.id: el.title for el in source.results.elements})
    return titles


def _element_rows(
    sources: Sequence[TrendSource],
    edges: Sequence[dict[str, _Edge]],
    starts: Sequence[Mapping[str, str]],
) -> tuple[TrendRow, ...]:
    """Follow each element through the assessments along the matched edges."""
    if not sources:
        return ()
    incoming: list[set[str]] = [set()] + [{e.target for e in step.values()} for step in edges]
    lineages: list[list[tuple[int, str]]] = []
    for i, source in enumerate(sources):
        for el in source.questionnaire.elements:
            if el.id in incoming[i]:
                continue
            chain = [(i, el.id)]
            j, current = i, el.id
            while j < len(edges) and current in edges[j]:
                current = edges[j][current].target
                j += 1
                chain.append((j, current))
            lineages.append(chain)
    last = len(sources) - 1
    shown: dict[int, Results] = {}

    def shown_results(i: int) -> Results:
        """The results as their pages show them (small questions' answers withheld)."""
        if i not in shown:
            shown[i] = withhold_small_questions(sources[i].results)
        return shown[i]

    latest_order = {el.id: n for n, el in enumerate(sources[-1].questionnaire.elements)}

    def order(chain: list[tuple[int, str]]) -> tuple[int, int, int]:
        end_index, end_id = chain[-1]
        if end_index == last:
            return (0, latest_order.get(end_id, 0), 0)
        return (1, -end_index, _position(sources[end_index], end_id))

    rows: list[TrendRow] = []
    for chain in sorted(lineages, key=order):
        by_index = dict(chain)
        cells: list[TrendCell] = []
        for i, source in enumerate(sources):
            element_id = by_index.get(i)
            if element_id is None:
                cells.append(TrendCell(None, None, False, None, None))
                continue
            score = _scores(source.results).get(element_id)
            if i == 0:
                cells.append(TrendCell(element_id, score, True, None, None))
                continue
            if i - 1 not in by_index:
                reason = starts[i].get(element_id, NEW)
                cells.append(TrendCell(element_id, score, True, False, None, reason))
                continue
            edge = edges[i - 1][by_index[i - 1]]
            before = _scores(sources[i - 1].results).get(by_index[i - 1])
            if not edge.comparable:
                items = (
                    _item_changes(
                        shown_results(i - 1),
                        shown_results(i),
                        by_index[i - 1],
                        source.questionnaire.element(element_id),
                        edge.pairs,
                    )
                    if edge.pairs
                    else ()
                )
                cells.append(
                    TrendCell(element_id, score, True, False, None, edge.reason, items=items)
                )
            elif score is None or before is None:
                cells.append(TrendCell(element_id, score, True, True, None, NO_SCORE))
            else:
                sig = significant(
                    _intervals(source.results).get(element_id),
                    _intervals(sources[i - 1].results).get(by_index[i - 1]),
                )
                cells.append(
                    TrendCell(
                        element_id, score, True, True, _change(score, before), significant=sig
                    )
                )
        end_index, end_id = chain[-1]
        rows.append(TrendRow(end_id, _titles(sources[end_index]).get(end_id, end_id), tuple(cells)))
    return tuple(rows)


def _element_result(results: Results, element_id: str) -> ElementResult | None:
    return next((el for el in results.elements if el.id == element_id), None)


def _item_score(el: ElementResult | None, question_id: str) -> tuple[float | None, bool]:
    """An item's 0-100 score in one element's results, and whether its answers are withheld.

    A KPI item scores its one value (the score of its band), a practice item its mean
    normalized answer × 100.
    """
    if el is None:
        return None, False
    kpi = next((k for k in el.kpis if k.question == question_id), None)
    if kpi is not None:
        return kpi.score, False
    qx = next((x for x in el.questions if x.id == question_id), None)
    if qx is None:
        return None, False
    if qx.withheld:
        return None, True
    return (None if qx.mean is None else qx.mean * 100.0), False


def _item_changes(
    before: Results,
    after: Results,
    before_element: str,
    after_element: Element,
    pairs: Sequence[tuple[str, str]],
) -> tuple[ItemChange, ...]:
    """The shared items of a ``questions_changed`` step, compared one by one."""
    old_el = _element_result(before, before_element)
    new_el = _element_result(after, after_element.id)
    texts = {q.id: q.text for q in after_element.scored_questions}
    out: list[ItemChange] = []
    for old_id, new_id in pairs:
        score_before, hidden_before = _item_score(old_el, old_id)
        score_after, hidden_after = _item_score(new_el, new_id)
        change = (
            _change(score_after, score_before)
            if score_before is not None and score_after is not None
            else None
        )
        out.append(
            ItemChange(
                old_id,
                new_id,
                texts.get(new_id, new_id),
                score_before,
                score_after,
                change,
                withheld_before=before.min_group_size if hidden_before else 0,
                withheld_after=after.min_group_size if hidden_after else 0,
            )
        )
    return tuple(out)


def _position(source: TrendSource, element_id: str) -> int:
    for n, el in enumerate(source.questionnaire.elements):
        if el.id == element_id:
            return n
    return 0


def _change(score: float, before: float) -> float:
    """The change in whole points between the scores as they are shown (rounded).

    Scores are shown as whole numbers, so a change computed before rounding (62.4 → 37.6 is
    −24.8, shown "−25") would not match the numbers next to it (62 → 38).
    """
    return float(round(score) - round(before))


def _overall_row(sources: Sequence[TrendSource], edges: Sequence[dict[str, _Edge]]) -> TrendRow:
    cells: list[TrendCell] = []
    for i, source in enumerate(sources):
        score = source.results.overall.score
        if i == 0:
            cells.append(TrendCell("overall", score, True, None, None))
            continue
        before = sources[i - 1].results
        reason = _overall_reason(before, source.results, edges[i - 1])
        if reason is not None:
            cells.append(TrendCell("overall", score, True, False, None, reason))
        elif score is None or before.overall.score is None:
            cells.append(TrendCell("overall", score, True, True, None, NO_SCORE))
        else:
            sig = significant(source.results.overall.ci, before.overall.ci)
            cells.append(
                TrendCell(
                    "overall",
                    score,
                    True,
                    True,
                    _change(score, before.overall.score),
                    significant=sig,
                )
            )
    return TrendRow("overall", "overall", tuple(cells))


def _overall_reason(before: Results, after: Results, step: Mapping[str, _Edge]) -> str | None:
    """Why the overall scores of two consecutive assessments cannot be compared, if so."""
    old_w = {el.id: el.weight for el in before.elements if el.weight > 0}
    new_w = {el.id: el.weight for el in after.elements if el.weight > 0}
    matched = {old: step[old].target for old in old_w if old in step and step[old].comparable}
    if set(matched) != set(old_w) or set(matched.values()) != set(new_w):
        return ELEMENTS_CHANGED
    if any(abs(old_w[o] - new_w[n]) > 1e-9 for o, n in matched.items()):
        return WEIGHTS_CHANGED
    return None
