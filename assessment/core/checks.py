"""Semantic checks on a structurally valid questionnaire.

Pydantic checks shapes and types; these checks look across the document: unique ids,
references between parts, question types with the fields they need, bands that do not
overlap, levels described for every element and conditions that name real things.
Each problem is returned with its location so the loader can name file and path.
"""

from __future__ import annotations

from collections.abc import Iterator

from assessment.core.conditions import (
    ELEMENT_METRICS,
    PROFILE_METRICS,
    BoolOp,
    Compare,
    Condition,
    Member,
    Not,
    metrics_of,
)
from assessment.core.crm import METRICS
from assessment.core.model import BandSource, Element, Question, Questionnaire
from assessment.core.placeholders import evidence_problems
from assessment.core.profile import condition_problem
from assessment.core.qtypes import Kind

Loc = tuple[int | str, ...]


SOURCES_FROM_MAJOR = 2
"""From this major version on, every ``number`` question with bands names their source."""


def semantic_problems(q: Questionnaire, *, stored: bool = False) -> list[tuple[Loc, str]]:
    """Every cross-reference problem of the questionnaire, in document order.

    ``stored``: the document was validated when it was published, so rules added since
    (every band sourced from version 2 on) do not stop it from loading again.
    """
    problems: list[tuple[Loc, str]] = []
    if q.grows_into is not None and not q.is_quick_check:
        problems.append((("grows_into",), "only a quick check (kind: quick_check) grows into"))
    if q.grows_into == q.id:
        problems.append((("grows_into",), "a questionnaire cannot grow into itself"))
    problems.extend(_roles(q))
    problems.extend(_levels(q))
    if not any(el.weight > 0 for el in q.elements):
        problems.append((("elements",), "at least one element needs a weight above 0"))
    seen_ids: dict[str, str] = {}
    for ei, el in enumerate(q.elements):
        base: Loc = ("elements", ei)
        problems.extend(_unique(seen_ids, el.id, "element", (*base, "id")))
        missing = sorted({lvl.level for lvl in q.levels} - set(el.levels))
        if missing:
            problems.append(((*base, "levels"), f"no description for maturity level(s) {missing}"))
        extra = sorted(set(el.levels) - {lvl.level for lvl in q.levels})
        if extra:
            problems.append(((*base, "levels"), f"unknown maturity level(s) {extra}"))
        if not el.scored_questions:
            problems.append(((*base, "questions"), "an element needs at least one scored question"))
        for qi, question in enumerate(el.questions):
            qloc: Loc = (*base, "questions", qi)
            problems.extend(_unique(seen_ids, question.id, "question", (*qloc, "id")))
            if not question.id.startswith(el.id + "."):
                problems.append(
                    ((*qloc, "id"), f"question id {question.id!r} must start with '{el.id}.'")
                )
            problems.extend(_question(q, question, qloc))
            if not stored:
                problems.extend(_band_source(q, question, qloc))
        for ri, rec in enumerate(el.recommendations):
            rloc: Loc = (*base, "recommendations", ri)
            problems.extend(_unique(seen_ids, rec.id, "recommendation", (*rloc, "id")))
            if not rec.id.startswith(el.id + "."):
                problems.append(
                    ((*rloc, "id"), f"recommendation id {rec.id!r} must start with '{el.id}.'")
                )
            if rec.evidence:
                problems.extend(
                    ((*rloc, "evidence"), m) for m in evidence_problems(q, rec.evidence)
                )
    for ei, el in enumerate(q.elements):
        for ri, rec in enumerate(el.recommendations):
            loc: Loc = ("elements", ei, "recommendations", ri, "when")
            problems.extend((loc, msg) for msg in _condition_refs(q, el, rec.condition))
    problems.extend(_recommendation_links(q))
    return problems


def _unique(seen: dict[str, str], ident: str, kind: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if ident in seen:
        yield (
            loc,
            f"duplicate {kind} id {ident!r}"
            + (f" (already used by a {seen[ident]})" if seen[ident] != kind else ""),
        )
    else:
        seen[ident] = kind


def _roles(q: Questionnaire) -> Iterator[tuple[Loc, str]]:
    ids: set[str] = set()
    for i, role in enumerate(q.roles):
        if role.id in ids:
            yield ("roles", i, "id"), f"duplicate role id {role.id!r}"
        ids.add(role.id)
    for key in ("leadership_roles", "frontline_roles"):
        for i, rid in enumerate(getattr(q, key)):
            if rid not in ids:
                yield (key, i), f"unknown role {rid!r}"
    overlap = set(q.leadership_roles) & set(q.frontline_roles)
    if overlap:
        yield ("frontline_roles",), f"roles both leadership and frontline: {sorted(overlap)}"


def _levels(q: Questionnaire) -> Iterator[tuple[Loc, str]]:
    if not q.levels:
        yield ("levels",), "at least one maturity level is required"
        return
    numbers = [lvl.level for lvl in q.levels]
    if len(set(numbers)) != len(numbers):
        yield ("levels",), "maturity level numbers must be unique"
    for i in range(1, len(q.levels)):
        prev, cur = q.levels[i - 1], q.levels[i]
        if cur.level <= prev.level or cur.min <= prev.min:
            yield (
                ("levels", i, "min"),
                (
                    f"levels must rise in number and threshold (level {cur.level} min {cur.min:g} "
                    f"after level {prev.level} min {prev.min:g})"
                ),
            )
    if q.levels[0].min != 0:
        yield ("levels", 0, "min"), "the lowest maturity level must start at 0"


def _question(q: Questionnaire, question: Question, loc: Loc) -> Iterator[tuple[Loc, str]]:
    role_ids = set(q.role_ids)
    for i, rid in enumerate(question.roles):
        if rid not in role_ids:
            yield (*loc, "roles", i), f"unknown role {rid!r}"
    if question.evidence is not None:
        yield from _evidence(question, loc)
    # What a question of its type must (and must not) define is the type's own check.
    yield from (((*loc, *where), msg) for where, msg in question.qtype.check(question))


def _band_source(q: Questionnaire, question: Question, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """``source: {kind, note}`` belongs to number questions; from version 2 they need it."""
    kpi = question.qtype.kind is Kind.KPI
    if isinstance(question.source, BandSource) and not kpi:
        yield (
            (*loc, "source"),
            f"only number questions name a source of bands; this is {question.type}",
        )
        return
    needed = kpi and question.bands and q.major_version >= SOURCES_FROM_MAJOR
    if needed and not isinstance(question.source, BandSource):
        yield (
            (*loc, "source"),
            "a number question with bands needs their source from version "
            f"{SOURCES_FROM_MAJOR} on: source: {{kind: seed | published | practice, "
            "note: <one sentence>}",
        )


def _evidence(question: Question, loc: Loc) -> Iterator[tuple[Loc, str]]:
    metric = METRICS.get(question.evidence or "")
    if metric is None:
        known = ", ".join(sorted(METRICS))
        yield (*loc, "evidence"), f"unknown CRM metric {question.evidence!r} (known: {known})"
        return
    if question.qtype.kind is not Kind.KPI:
        yield (
            (*loc, "evidence"),
            f"CRM evidence needs a number question; {question.id!r} is {question.type}",
        )
    elif not metric.accepts(question.unit):
        units = ", ".join(repr(u) for u in metric.units)
        if metric.money:
            units += " or a currency code such as 'EUR'"
        yield (
            (*loc, "evidence"),
            f"{metric.id} is measured in {units}; the question's unit is {question.unit!r}",
        )


def _condition_refs(q: Questionnaire, el: Element, cond: Condition) -> Iterator[str]:
    questions = q.questions()
    elements = {e.id for e in q.elements}
    for field, compared in _profile_tests(cond):
        problem = condition_problem(field, compared)
        if problem is not None:
            yield problem
    for metric in metrics_of(cond):
        if metric.name in PROFILE_METRICS:
            continue
        if metric.name in ELEMENT_METRICS:
            if metric.args and metric.args[0] not in elements:
                yield f"unknown element {metric.args[0]!r} in {metric}"
            continue
        qid = metric.args[0]
        question = questions.get(qid)
        if question is None:
            yield f"unknown question {qid!r} in {metric}"
            continue
        if metric.name in ("kpi", "band") and question.qtype.kind is not Kind.KPI:
            yield f"{metric.name}() needs a number question; {qid!r} is {question.type}"
        if metric.name == "question" and not question.scored:
            yield f"question() needs a scored question; {qid!r} is text"
        if metric.name == "share":
            if not question.options:
                yield f"share() needs a question with options; {qid!r} has none"
                continue
            values = {o.value for o in question.options}
            for v in metric.args[1:]:
                if v not in values:
                    yield f"{qid!r} has no option {v!r} (options: {', '.join(sorted(values))})"
    for m in _band_members(cond):
        question = questions.get(m[0])
        if question is not None and question.bands:
            known = {b.id for b in question.bands}
            for v in m[1]:
                if v not in known:
                    yield f"{m[0]!r} has no band {v!r} (bands: {', '.join(sorted(known))})"


def _profile_tests(
    cond: Condition,
) -> Iterator[tuple[str, float | str | tuple[str, ...]]]:
    """(field, the number, name or names it is compared with) of each ``profile()`` test."""
    if isinstance(cond, Member) and cond.metric.name in PROFILE_METRICS:
        yield cond.metric.args[0], cond.values
    elif isinstance(cond, Compare) and cond.metric.name in PROFILE_METRICS:
        yield cond.metric.args[0], cond.value
    elif isinstance(cond, Not):
        yield from _profile_tests(cond.operand)
    elif isinstance(cond, BoolOp):
        for o in cond.operands:
            yield from _profile_tests(o)


def _band_members(cond: Condition) -> Iterator[tuple[str, tuple[str, ...]]]:
    if isinstance(cond, Member) and cond.metric.name == "band":
        yield cond.metric.args[0], cond.values
    elif isinstance(cond, Compare) and cond.metric.name == "band" and isinstance(cond.value, str):
        yield cond.metric.args[0], (cond.value,)
    elif isinstance(cond, Not):
        yield from _band_members(cond.operand)
    elif isinstance(cond, BoolOp):
        for o in cond.operands:
            yield from _band_members(o)


def _recommendation_links(q: Questionnaire) -> Iterator[tuple[Loc, str]]:
    """``addresses`` name scored questions; ``after`` names other recommendations, no cycle."""
    questions = q.questions()
    where: dict[str, Loc] = {}
    after: dict[str, tuple[str, ...]] = {}
    recs = [
        (("elements", ei, "recommendations", ri), rec)
        for ei, el in enumerate(q.elements)
        for ri, rec in enumerate(el.recommendations)
    ]
    for base, rec in recs:
        where[rec.id] = base
        after[rec.id] = rec.after
    for base, rec in recs:
        rec_id = rec.id
        for i, qid in enumerate(rec.addresses):
            question = questions.get(qid)
            if question is None:
                yield (*base, "addresses", i), f"unknown question {qid!r}"
            elif not question.scored:
                yield (*base, "addresses", i), f"{qid!r} is a text question and has no score"
            elif qid in rec.addresses[:i]:
                yield (*base, "addresses", i), f"{qid!r} is listed twice"
        for i, other in enumerate(rec.after):
            if other == rec_id:
                yield (*base, "after", i), "a recommendation cannot come after itself"
            elif other not in where:
                yield (*base, "after", i), f"unknown recommendation {other!r}"
    for cycle in _after_cycles(after):
        yield (
            (*where[cycle[0]], "after"),
            "recommendations wait for each other in a cycle: " + (" -> ".join((*cycle, cycle[0]))),
        )


def _after_cycles(after: dict[str, tuple[str, ...]]) -> Iterator[tuple[str, ...]]:
    """Each cycle of the ``after`` graph once (self-references are reported elsewhere)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    reported: set[frozenset[str]] = set()

    def visit(node: str, path: list[str]) -> Iterator[tuple[str, ...]]:
        state[node] = 1
        path.append(node)
        for nxt in after.get(node, ()):
            if nxt == node or nxt not in after:
                continue
            if state.get(nxt) == 1:
                cycle = tuple(path[path.index(nxt) :])
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    yield cycle
            elif state.get(nxt) is None:
                yield from visit(nxt, path)
        path.pop()
        state[node] = 2

    for node in after:
        if node not in state:
            yield from visit(node, [])
