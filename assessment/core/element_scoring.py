"""The figures of one element (method 2): practice, KPI and element scores, groups, gap.

Every figure is taken over the element's *published* roles: all roles except those the
differencing protection leaves out (:mod:`assessment.core.protection`).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from assessment.core.intervals import KpiSample
from assessment.core.kpi import SOURCE_ANSWERS, KpiFact, is_kpi, is_practice, kpi_value
from assessment.core.model import Element, Question, Questionnaire
from assessment.core.results import (
    FLAG_LARGE_GAP,
    FLAG_LOW_AGREEMENT,
    FLAG_LOW_COVERAGE,
    ElementResult,
    GroupScore,
    KpiValue,
    Protection,
    QuestionExplanation,
)
from assessment.core.stats import cronbach_alpha, welch_p
from assessment.core.tally import Acc, Tally

LOW_COVERAGE = 0.6
LOW_AGREEMENT = 0.5
LARGE_GAP = 15.0
GAP_SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class ElementInputs:
    """What :func:`score_element` needs: the tally, the protection and the answer matrix."""

    q: Questionnaire
    index: int
    element: Element
    tally: Tally
    mgs: int
    protection: Protection
    weight: float
    target: float
    columns: npt.NDArray[np.intp]
    """Rows of ``x`` holding this element's practice items, in questionnaire order."""
    x: npt.NDArray[np.float32]
    answered: npt.NDArray[np.float32]
    role_of_row: npt.NDArray[np.object_]
    facts: Mapping[str, KpiFact]
    crm: Mapping[str, KpiFact]


@dataclass(frozen=True)
class ElementWork:
    """An element's result (without intervals) and its KPI items for the bootstrap."""

    result: ElementResult
    samples: tuple[KpiSample, ...]


def practice_score(
    questions: Iterable[Question], accs: Mapping[str, Mapping[str, Acc]], group: Sequence[str]
) -> float | None:
    """``100 · Σ w_q·m_q / Σ w_q`` over the questions with an answer from ``group``."""
    num = den = 0.0
    answered_any = False
    for question in questions:
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


def combine(practice: float | None, kpi: float | None, kappa: float) -> float | None:
    """``E = (1 − κ)·P + κ·K``; the other one when one is null; null when both are."""
    if practice is None:
        return kpi
    if kpi is None:
        return practice
    return (1.0 - kappa) * practice + kappa * kpi


def score_element(i: ElementInputs) -> ElementWork:
    """Every figure of one element except its intervals."""
    el, t, q = i.element, i.tally, i.q
    published = tuple(r for r in q.role_ids if r not in i.protection.left_out_roles)
    practice_items = [qu for qu in el.questions if is_practice(qu)]
    kpis, samples = _kpis(i, published)
    by_question = {k.question: k for k in kpis}
    practice = practice_score(practice_items, t.accs, published)
    kpi = _kpi_score(el, kpis)
    element_score = combine(practice, kpi, q.kpi_share)
    lvl = q.level_for(element_score)
    roles = {r: _role(i, r) for r in q.role_ids}
    comparable = _comparable(i, practice_items, published)
    lead, lead_sup = _group(i, q.leadership_roles, comparable, published)
    front, front_sup = _group(i, q.frontline_roles, comparable, published)
    gap = lead - front if lead is not None and front is not None else None
    gap_p = _gap_p(i, comparable, published) if gap is not None else None
    questions = _with_contributions(
        tuple(_explain(qu, t, published, by_question.get(qu.id)) for qu in el.questions),
        by_question,
        practice is not None and kpi is not None,
        q.kpi_share,
    )
    coverage, agreement = _coverage(el, t, published), _agreement_of(questions)
    flags: list[str] = []
    if coverage is not None and coverage < LOW_COVERAGE:
        flags.append(FLAG_LOW_COVERAGE)
    if agreement is not None and agreement < LOW_AGREEMENT:
        flags.append(FLAG_LOW_AGREEMENT)
    if gap is not None and abs(gap) >= LARGE_GAP and gap_p is not None and gap_p < GAP_SIGNIFICANCE:
        flags.append(FLAG_LARGE_GAP)
    result = ElementResult(
        id=el.id,
        title=el.title,
        score=element_score,
        weight=i.weight,
        target=i.target,
        level=lvl.level if lvl else None,
        level_name=lvl.name if lvl else None,
        coverage=coverage,
        agreement=agreement,
        leadership=lead,
        frontline=front,
        gap=gap,
        leadership_suppressed=lead_sup,
        frontline_suppressed=front_sup,
        flags=tuple(flags),
        roles=roles,
        questions=questions,
        comments=tuple(t.comments[i.index]),
        practice=practice,
        kpi=kpi,
        alpha=_alpha(i),
        gap_items=len(comparable),
        gap_p=gap_p,
        kpis=tuple(kpis),
        protection=i.protection,
    )
    return ElementWork(result, tuple(samples))


def _kpis(i: ElementInputs, published: Sequence[str]) -> tuple[list[KpiValue], list[KpiSample]]:
    values: list[KpiValue] = []
    samples: list[KpiSample] = []
    for question in i.element.questions:
        if not is_kpi(question):
            continue
        answers = sorted(pair for r in published for pair in i.tally.accs[question.id][r].numbers)
        kv = kpi_value(
            question,
            [x for x, _ in answers],
            crm=i.crm.get(question.id),
            fact=i.facts.get(question.id),
        )
        values.append(kv)
        if kv.source == SOURCE_ANSWERS:
            samples.append(
                KpiSample(
                    element=i.index,
                    weight=question.weight,
                    score=None,
                    question=question,
                    values=np.array([x for x, _ in answers], dtype=np.float64),
                    rows=np.array([row for _, row in answers], dtype=np.intp),
                )
            )
        elif kv.score is not None:
            samples.append(
                KpiSample(
                    element=i.index,
                    weight=question.weight,
                    score=kv.score / 100.0,
                    question=question,
                    values=np.zeros(0),
                    rows=np.zeros(0, dtype=np.intp),
                )
            )
    return values, samples


def _kpi_score(el: Element, kpis: Sequence[KpiValue]) -> float | None:
    weights = {qu.id: qu.weight for qu in el.questions}
    num = den = 0.0
    for k in kpis:
        if k.score is not None:
            num += weights[k.question] * k.score
            den += weights[k.question]
    return num / den if den else None


def _role(i: ElementInputs, role: str) -> GroupScore:
    n = i.tally.contributors[i.index][role]
    if n == 0:
        return GroupScore(n=0, score=None, suppressed=False)
    p = i.protection
    if n < i.mgs or role in p.left_out_roles or role in p.hidden_roles:
        return GroupScore(n=n, score=None, suppressed=True)
    items = [qu for qu in i.element.questions if is_practice(qu)]
    return GroupScore(n=n, score=practice_score(items, i.tally.accs, (role,)), suppressed=False)


def _comparable(
    i: ElementInputs, items: Sequence[Question], published: Sequence[str]
) -> list[Question]:
    """C_e: items asked of a leadership and a frontline role, answered by both groups."""
    lead = [r for r in i.q.leadership_roles if r in published]
    front = [r for r in i.q.frontline_roles if r in published]
    accs = i.tally.accs
    return [
        qu
        for qu in items
        if set(qu.roles) & set(lead)
        and set(qu.roles) & set(front)
        and any(accs[qu.id][r].count for r in lead)
        and any(accs[qu.id][r].count for r in front)
    ]


def _group(
    i: ElementInputs, roles: Sequence[str], comparable: Sequence[Question], published: Sequence[str]
) -> tuple[float | None, bool]:
    n = sum(i.tally.contributors[i.index][r] for r in roles)
    if n < i.mgs:
        return None, n > 0
    members = [r for r in roles if r in published]
    return practice_score(comparable, i.tally.accs, members) if comparable else None, False


def _gap_p(
    i: ElementInputs, comparable: Sequence[Question], published: Sequence[str]
) -> float | None:
    """Welch's test on each respondent's comparable score (their answered items of C_e)."""
    position = {
        qu.id: k for k, qu in enumerate(qu for qu in i.element.questions if is_practice(qu))
    }
    rows = i.columns[[position[qu.id] for qu in comparable]]
    weights = np.array([qu.weight for qu in comparable], dtype=np.float64)
    num = weights @ i.x[rows].astype(np.float64)
    den = weights @ i.answered[rows].astype(np.float64)
    scored = den > 0
    lead = scored & np.isin(i.role_of_row, [r for r in i.q.leadership_roles if r in published])
    front = scored & np.isin(i.role_of_row, [r for r in i.q.frontline_roles if r in published])
    return welch_p(100.0 * num[lead] / den[lead], 100.0 * num[front] / den[front])


def _alpha(i: ElementInputs) -> float | None:
    """Cronbach's alpha of the weighted likert items, over respondents who answered them all."""
    practice = [qu for qu in i.element.questions if is_practice(qu)]
    # Alpha is computed over the agreement scales (likert): the items one scale measures.
    keep = [k for k, qu in enumerate(practice) if qu.qtype.agreement and qu.weight > 0]
    if len(keep) < 2:
        return None
    rows = i.columns[keep]
    complete = i.answered[rows].all(axis=0)
    return cronbach_alpha(i.x[rows][:, complete].T.astype(np.float64))


def _coverage(el: Element, t: Tally, published: Sequence[str]) -> float | None:
    asked = answered = 0
    for question in el.scored_questions:
        visible = sum(t.by_role[r] for r in question.roles if r in published)
        accs = [t.accs[question.id][r] for r in published]
        asked += visible - sum(a.na for a in accs)
        answered += sum(a.count for a in accs)
    return answered / asked if asked else None


def _agreement_of(questions: Sequence[QuestionExplanation]) -> float | None:
    values = [qx.agreement for qx in questions if qx.agreement is not None]
    return sum(values) / len(values) if values else None


def _rwg(acc_list: Iterable[Acc], k: int) -> float | None:
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


def _with_contributions(
    questions: tuple[QuestionExplanation, ...],
    kpis: Mapping[str, KpiValue],
    both: bool,
    kappa: float,
) -> tuple[QuestionExplanation, ...]:
    """Each question's points of the element score; they add up to E_e.

    A practice item carries ``(1 − κ)·100·w·m / Σ w`` (over the practice items), a KPI
    item ``κ·100·w·n(v) / Σ w`` (over the KPI items with a value); without the other part
    the share is the whole (factor 1 instead of 1 − κ or κ).
    """
    counted = ("included", "zero_weight")
    practice_den = sum(qx.weight for qx in questions if qx.id not in kpis and qx.status in counted)
    kpi_den = sum(qx.weight for qx in questions if qx.id in kpis and qx.status in counted)
    out = []
    for qx in questions:
        if qx.status not in counted:
            out.append(qx)
            continue
        if qx.id in kpis:
            share, den = (kappa if both else 1.0), kpi_den
            value = (kpis[qx.id].score or 0.0) / 100.0
        else:
            share, den = (1.0 - kappa if both else 1.0), practice_den
            value = qx.mean or 0.0
        out.append(replace(qx, contribution=share * 100.0 * qx.weight * value / den) if den else qx)
    return tuple(out)


def _explain(
    question: Question, t: Tally, published: Sequence[str], kpi: KpiValue | None
) -> QuestionExplanation:
    accs = [t.accs[question.id][r] for r in published]
    answered = sum(a.count for a in accs)
    total = sum(a.total for a in accs)
    visible = sum(t.by_role[r] for r in question.roles if r in published)
    na = sum(a.na for a in accs)
    dk = sum(a.dk for a in accs)
    mean = total / answered if answered else None
    numbers = [x for a in accs for x, _ in a.numbers]
    counts: Counter[str] = Counter()
    for a in accs:
        counts.update(a.counts)
    if not question.scored:
        status = "not_scored"
    elif (kpi.score is None) if kpi is not None else not answered:
        status = "no_answers"
    elif question.weight == 0:
        status = "zero_weight"
    else:
        status = "included"
    if question.options:
        distribution = {o.value: counts.get(o.value, 0) for o in question.options}
    elif question.bands:
        distribution = {b.id: counts.get(b.id, 0) for b in question.bands}
    else:
        distribution = {}
    median = statistics.median(numbers) if numbers else None
    band = question.band_for(median) if median is not None else None
    agreement = _rwg(accs, len(question.options or ())) if question.qtype.agreement else None
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
