"""Weighted scoring and aggregation, exactly as defined in ``docs/scoring.md``.

One pass over the answers accumulates sums per (question, role); every group the results
need (everyone, each role, leadership, frontline) is a union of roles, so its figures are
sums of those accumulators.  That keeps scoring linear in the number of answers.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from assessment.core.answers import AnswerKind, Respondent
from assessment.core.model import Element, Question, Questionnaire
from assessment.core.recommend import MetricTable, rank_recommendations
from assessment.core.results import (
    FLAG_LARGE_GAP,
    FLAG_LOW_AGREEMENT,
    FLAG_LOW_COVERAGE,
    Comment,
    ElementResult,
    GroupScore,
    Overall,
    QuestionExplanation,
    Results,
)

LOW_COVERAGE = 0.6
LOW_AGREEMENT = 0.5
LARGE_GAP = 15.0


class ScoringError(ValueError):
    """Answers that do not fit the questionnaire (unknown role or question)."""


@dataclass(frozen=True, slots=True)
class ElementOverride:
    """An assessment's own weight and/or target for an element."""

    weight: float | None = None
    target: float | None = None


@dataclass(slots=True)
class _Acc:
    """Running sums for one question and one role."""

    total: float = 0.0
    count: int = 0
    pos_sum: float = 0.0
    pos_sq: float = 0.0
    na: int = 0
    dk: int = 0


@dataclass(slots=True)
class _Prepared:
    question: Question
    element: int
    norm: dict[str, float]
    position: dict[str, int]
    lo: float
    span: float
    roles: frozenset[str]


@dataclass(slots=True)
class _Tally:
    accs: dict[str, dict[str, _Acc]] = field(default_factory=dict)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    numbers: dict[str, list[float]] = field(default_factory=dict)
    contributors: list[Counter[str]] = field(default_factory=list)
    by_role: Counter[str] = field(default_factory=Counter)
    comments: list[list[Comment]] = field(default_factory=list)


def _prepare(q: Questionnaire) -> dict[str, _Prepared]:
    prepared: dict[str, _Prepared] = {}
    for ei, el in enumerate(q.elements):
        for question in el.questions:
            lo, hi = question.score_bounds
            span = (hi - lo) or 1.0
            opts = question.options or ()
            prepared[question.id] = _Prepared(
                question=question,
                element=ei,
                norm={o.value: (o.score - lo) / span for o in opts},
                position={o.value: i + 1 for i, o in enumerate(opts)},
                lo=lo,
                span=span,
                roles=frozenset(question.roles),
            )
    return prepared


def _tally(q: Questionnaire, respondents: Iterable[Respondent]) -> _Tally:
    prepared = _prepare(q)
    roles = set(q.role_ids)
    element_index = {el.id: i for i, el in enumerate(q.elements)}
    t = _Tally(
        accs={qid: {r: _Acc() for r in q.role_ids} for qid in prepared},
        counts={qid: Counter() for qid in prepared},
        numbers={qid: [] for qid in prepared},
        contributors=[Counter() for _ in q.elements],
        comments=[[] for _ in q.elements],
    )
    for resp in respondents:
        role = resp.role
        if role not in roles:
            raise ScoringError(f"respondent {resp.id!r}: unknown role {role!r}")
        t.by_role[role] += 1
        touched: set[int] = set()
        for qid, answer in resp.answers.items():
            p = prepared.get(qid)
            if p is None:
                raise ScoringError(f"respondent {resp.id!r}: unknown question {qid!r}")
            if role not in p.roles:
                raise ScoringError(f"respondent {resp.id!r}: question {qid!r} is not for {role}")
            acc = t.accs[qid][role]
            kind = answer.kind
            if kind is AnswerKind.OPTION:
                value = str(answer.value)
                acc.total += p.norm[value]
                acc.count += 1
                pos = p.position[value]
                acc.pos_sum += pos
                acc.pos_sq += pos * pos
                t.counts[qid][value] += 1
                touched.add(p.element)
            elif kind is AnswerKind.NUMBER:
                x = float(answer.value)  # type: ignore[arg-type]
                band = p.question.band_for(x)
                if band is None:
                    raise ScoringError(f"respondent {resp.id!r}: {qid}: {x:g} is in no band")
                acc.total += (band.score - p.lo) / p.span
                acc.count += 1
                t.counts[qid][band.id] += 1
                t.numbers[qid].append(x)
                touched.add(p.element)
            elif kind is AnswerKind.TEXT:
                text = str(answer.value).strip()
                if text:
                    t.comments[p.element].append(Comment(text, resp.language))
            elif kind is AnswerKind.NA:
                acc.na += 1
            elif kind is AnswerKind.DK:
                acc.dk += 1
        for ei in touched:
            t.contributors[ei][role] += 1
        for element_id, text in resp.comments.items():
            ei_comment = element_index.get(element_id)
            if ei_comment is None:
                raise ScoringError(f"respondent {resp.id!r}: unknown element {element_id!r}")
            if text.strip():
                t.comments[ei_comment].append(Comment(text.strip(), resp.language))
    return t


def _element_score(
    el: Element, accs: Mapping[str, Mapping[str, _Acc]], group: Sequence[str]
) -> float | None:
    num = den = 0.0
    answered_any = False
    for question in el.scored_questions:
        total = count = 0.0
        for role in group:
            acc = accs[question.id][role]
            total += acc.total
            count += acc.count
        if count:
            answered_any = True
            num += question.weight * (total / count)
            den += question.weight
    if not answered_any or den == 0:
        return None
    return 100.0 * num / den


def _agreement(acc_list: Iterable[_Acc], k: int) -> float | None:
    n = s = sq = 0.0
    for acc in acc_list:
        n += acc.count
        s += acc.pos_sum
        sq += acc.pos_sq
    if n < 2 or k < 2:
        return None
    variance = max(0.0, (sq - s * s / n) / (n - 1))
    expected = (k * k - 1) / 12.0
    return min(1.0, max(0.0, 1.0 - variance / expected))


def score(
    q: Questionnaire,
    respondents: Iterable[Respondent],
    *,
    min_group_size: int | None = None,
    overrides: Mapping[str, ElementOverride] | None = None,
) -> Results:
    """Score respondents' answers against a questionnaire; see ``docs/scoring.md``."""
    mgs = q.min_group_size if min_group_size is None else min_group_size
    if mgs < 1:
        raise ValueError("minimum group size must be at least 1")
    overrides = overrides or {}
    unknown = set(overrides) - {el.id for el in q.elements}
    if unknown:
        raise ValueError(f"overrides for unknown elements: {sorted(unknown)}")
    t = _tally(q, respondents)
    all_roles = q.role_ids
    elements = tuple(
        _element_result(q, ei, el, t, all_roles, mgs, overrides.get(el.id))
        for ei, el in enumerate(q.elements)
    )
    overall_score = _weighted(elements, lambda e: e.score)
    level = q.level_for(overall_score)
    overall = Overall(
        score=overall_score,
        level=level.level if level else None,
        level_name=level.name if level else None,
        leadership=_weighted(elements, lambda e: e.leadership),
        frontline=_weighted(elements, lambda e: e.frontline),
    )
    table = MetricTable.build(elements, t.counts, t.numbers, q)
    recommendations = rank_recommendations(q, elements, table)
    return Results(
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        questionnaire_hash=q.content_hash,
        respondents=sum(t.by_role.values()),
        respondents_by_role={r: t.by_role.get(r, 0) for r in all_roles},
        min_group_size=mgs,
        overall=overall,
        elements=elements,
        recommendations=recommendations,
    )


def _weighted(elements: Sequence[ElementResult], pick: object) -> float | None:
    num = den = 0.0
    for el in elements:
        value = pick(el)  # type: ignore[operator]
        if value is not None and el.weight > 0:
            num += el.weight * value
            den += el.weight
    return num / den if den else None


def _group(
    el: Element, t: _Tally, ei: int, roles: Sequence[str], mgs: int
) -> tuple[GroupScore, bool]:
    n = sum(t.contributors[ei][r] for r in roles)
    suppressed = n < mgs
    value = None if suppressed else _element_score(el, t.accs, roles)
    return GroupScore(n=n, score=value, suppressed=suppressed), suppressed


def _element_result(
    q: Questionnaire,
    ei: int,
    el: Element,
    t: _Tally,
    all_roles: Sequence[str],
    mgs: int,
    override: ElementOverride | None,
) -> ElementResult:
    weight = el.weight if override is None or override.weight is None else override.weight
    target = el.target if override is None or override.target is None else override.target
    element_score = _element_score(el, t.accs, all_roles)
    lvl = q.level_for(element_score)
    roles = {r: _group(el, t, ei, (r,), mgs)[0] for r in all_roles}
    lead, lead_sup = _group(el, t, ei, q.leadership_roles, mgs)
    front, front_sup = _group(el, t, ei, q.frontline_roles, mgs)
    gap = lead.score - front.score if lead.score is not None and front.score is not None else None
    questions = _with_contributions(
        tuple(_explain(question, t, all_roles) for question in el.questions)
    )
    asked = answered = 0
    agreements: list[float] = []
    for question in el.scored_questions:
        visible = sum(t.by_role[r] for r in question.roles)
        accs = t.accs[question.id].values()
        asked += visible - sum(a.na for a in accs)
        answered += sum(a.count for a in accs)
    for qx in questions:
        if qx.agreement is not None:
            agreements.append(qx.agreement)
    coverage = answered / asked if asked else None
    agreement = sum(agreements) / len(agreements) if agreements else None
    flags: list[str] = []
    if coverage is not None and coverage < LOW_COVERAGE:
        flags.append(FLAG_LOW_COVERAGE)
    if agreement is not None and agreement < LOW_AGREEMENT:
        flags.append(FLAG_LOW_AGREEMENT)
    if gap is not None and abs(gap) >= LARGE_GAP:
        flags.append(FLAG_LARGE_GAP)
    return ElementResult(
        id=el.id,
        title=el.title,
        score=element_score,
        weight=weight,
        target=target,
        level=lvl.level if lvl else None,
        level_name=lvl.name if lvl else None,
        coverage=coverage,
        agreement=agreement,
        leadership=lead.score,
        frontline=front.score,
        gap=gap,
        leadership_suppressed=lead_sup,
        frontline_suppressed=front_sup,
        flags=tuple(flags),
        roles=roles,
        questions=questions,
        comments=tuple(t.comments[ei]),
    )


def _with_contributions(
    questions: tuple[QuestionExplanation, ...],
) -> tuple[QuestionExplanation, ...]:
    den = sum(qx.weight for qx in questions if qx.status in ("included", "zero_weight"))
    if not den:
        return questions
    return tuple(
        replace(qx, contribution=100.0 * qx.weight * qx.mean / den)
        if qx.mean is not None and qx.status in ("included", "zero_weight")
        else qx
        for qx in questions
    )


def _explain(question: Question, t: _Tally, all_roles: Sequence[str]) -> QuestionExplanation:
    accs = [t.accs[question.id][r] for r in all_roles]
    answered = sum(a.count for a in accs)
    total = sum(a.total for a in accs)
    visible = sum(t.by_role[r] for r in question.roles)
    na = sum(a.na for a in accs)
    dk = sum(a.dk for a in accs)
    mean = total / answered if answered else None
    if not question.scored:
        status = "not_scored"
    elif not answered:
        status = "no_answers"
    elif question.weight == 0:
        status = "zero_weight"
    else:
        status = "included"
    counts = t.counts[question.id]
    if question.options:
        distribution = {o.value: counts.get(o.value, 0) for o in question.options}
    elif question.bands:
        distribution = {b.id: counts.get(b.id, 0) for b in question.bands}
    else:
        distribution = {}
    numbers = t.numbers[question.id]
    median = statistics.median(numbers) if numbers else None
    band = question.band_for(median) if median is not None else None
    agreement = _agreement(accs, len(question.options or ())) if question.qtype.agreement else None
    return QuestionExplanation(
        id=question.id,
        type=question.type,
        weight=question.weight,
        asked=visible - na,
        answered=answered,
        na=na,
        dk=dk,
        mean=mean,
        contribution=None,
        status=status,
        distribution=distribution,
        median=median,
        median_band=band.id if band else None,
        agreement=agreement,
    )
