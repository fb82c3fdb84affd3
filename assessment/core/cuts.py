"""Team figures of method 2, exactly as defined in ``docs/scoring.md`` ("Team cuts").

Given the respondents and the organization's results (:func:`assessment.core.scoring.score`,
whose role protection decides who each element leaves out), :func:`team_cuts` computes for
every team and element the team's practice score, the rest of the organization's, the
difference with a t-test on the respondents' element scores (Benjamini–Hochberg over all
cells), and the team's own leadership–frontline gap.  What an element shows by team is
decided first, from counts alone, by :func:`assessment.core.cut_protection.plan_cut`.

Everything is computed from one practice-answers matrix with numpy: one matrix product per
element gives every group's item sums.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from assessment.core.answers import AnswerKind, Respondent
from assessment.core.cut_protection import (
    REASON_SMALL,
    CutLayout,
    plan_cut,
    role_columns,
    role_sides,
)
from assessment.core.cut_results import PooledCell, TeamCell, TeamCuts, TeamResult
from assessment.core.element_scoring import LARGE_GAP
from assessment.core.kpi import is_practice
from assessment.core.model import Question, Questionnaire
from assessment.core.results import ElementResult, Results

Floats = npt.NDArray[np.float64]

FDR = 0.05
"""False discovery rate of the team-versus-rest and team-gap flags (Benjamini–Hochberg)."""
CUT_FIELDS = ("team",)
"""Respondent fields the results are cut by (region and segment are stored, not cut: see
``docs/scoring.md``)."""


@dataclass(frozen=True)
class _Answers:
    x: Floats
    answered: Floats
    column_element: npt.NDArray[np.intp]
    weight: Floats
    questions: tuple[Question, ...]
    roles: npt.NDArray[np.object_]
    keys: npt.NDArray[np.object_]


def team_cuts(
    q: Questionnaire,
    respondents: Iterable[Respondent],
    results: Results,
    *,
    by: str = "team",
    fdr: float = FDR,
) -> TeamCuts:
    """Every team's figures against the rest of the organization (``docs/scoring.md``).

    ``results`` are the organization's results of the same respondents; each element's
    role protection (who is left out, which roles are shown) carries over.
    """
    if by not in CUT_FIELDS:
        raise ValueError(f"results are cut by {', '.join(CUT_FIELDS)}, not {by!r}")
    a = _answers(q, list(respondents), by)
    _leave_out(q, results, a)
    names = sorted({k for k in a.keys.tolist() if k}, key=lambda s: (s.casefold(), s))
    team_of = {name: i for i, name in enumerate(names)}
    index = np.array([team_of.get(k, len(names)) for k in a.keys.tolist()], dtype=np.intp)
    mgs = results.min_group_size
    cells: list[list[TeamCell]] = [[] for _ in names]
    pooled: list[PooledCell] = []
    for ei, el in enumerate(results.elements):
        row, pool = _element(q, a, ei, el, names, index, mgs)
        for t, cell in enumerate(row):
            cells[t].append(cell)
        pooled.append(pool)
    cells = _adjusted(cells, fdr)
    counts = np.bincount(index, minlength=len(names) + 1)
    teams = tuple(
        _team(name, int(counts[t]), tuple(cells[t]), results) for t, name in enumerate(names)
    )
    return TeamCuts(
        by=by,
        min_group_size=mgs,
        elements=tuple(el.id for el in results.elements),
        organization=tuple(el.practice for el in results.elements),
        teams=teams,
        pooled=tuple(pooled),
        unassigned=int(counts[len(names)]),
        fdr=fdr,
    )


def _answers(q: Questionnaire, people: Sequence[Respondent], by: str) -> _Answers:
    """The practice answers as questions × respondents (normalized value, answered flag)."""
    questions: list[Question] = []
    column_element: list[int] = []
    lookup: dict[str, tuple[int, dict[str, float]]] = {}
    for ei, el in enumerate(q.elements):
        for question in el.questions:
            if not is_practice(question):
                continue
            lo, hi = question.score_bounds
            span = (hi - lo) or 1.0
            norm = {o.value: (o.score - lo) / span for o in question.options or ()}
            lookup[question.id] = (len(questions), norm)
            questions.append(question)
            column_element.append(ei)
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    option = AnswerKind.OPTION
    for i, person in enumerate(people):
        for qid, answer in person.answers.items():
            found = lookup.get(qid)
            if found is None or answer.kind is not option:
                continue
            col, norm = found
            rows.append(i)
            cols.append(col)
            values.append(norm[str(answer.value)])
    x = np.zeros((len(questions), len(people)))
    answered = np.zeros_like(x)
    x[cols, rows] = values
    answered[cols, rows] = 1.0
    return _Answers(
        x=x,
        answered=answered,
        column_element=np.array(column_element, dtype=np.intp),
        weight=np.array([qu.weight for qu in questions], dtype=np.float64),
        questions=tuple(questions),
        roles=np.array([p.role for p in people], dtype=object),
        keys=np.array([str(getattr(p, by)).strip() for p in people], dtype=object),
    )


def _leave_out(q: Questionnaire, results: Results, a: _Answers) -> None:
    """Remove the answers of the respondents each element's role protection leaves out."""
    for ei, el in enumerate(results.elements):
        if not el.protection.left_out_roles:
            continue
        cols = np.flatnonzero(a.column_element == ei)
        who = np.isin(a.roles, list(el.protection.left_out_roles))
        a.x[np.ix_(cols, who)] = 0.0
        a.answered[np.ix_(cols, who)] = 0.0


def _layout(
    q: Questionnaire, el: ElementResult, keys: Sequence[str], roles: Sequence[str], mgs: int
) -> CutLayout:
    counts = Counter(zip(keys, roles, strict=True))
    lead_n = sum(el.roles[r].n for r in q.leadership_roles if r in el.roles)
    front_n = sum(el.roles[r].n for r in q.frontline_roles if r in el.roles)
    shown_roles = [r for r, g in el.roles.items() if g.n > 0 and not g.suppressed]
    lead_shown = lead_n >= mgs and not set(q.leadership_roles) & set(el.protection.left_out_roles)
    front_shown = front_n >= mgs and not set(q.frontline_roles) & set(el.protection.left_out_roles)
    return CutLayout(
        cells=counts,
        column=role_columns(
            q.role_ids,
            shown_roles,
            q.leadership_roles,
            q.frontline_roles,
            lead_shown,
            front_shown,
        ),
        side=role_sides(q.role_ids, q.leadership_roles, q.frontline_roles),
        split=lead_shown and front_shown,
    )


def _practice(
    sums: Floats, counts: Floats, weight: Floats, items: npt.NDArray[np.bool_] | None = None
) -> Floats:
    """``100 · Σ w·m / Σ w`` per group (columns) over the items it answered; NaN for none."""
    has = counts > 0
    if items is not None:
        has = has & items[:, None]
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=has)
    w = weight[:, None] * has
    den = w.sum(axis=0)
    num = (w * means).sum(axis=0)
    out: Floats = np.divide(100.0 * num, den, out=np.full(den.shape, np.nan), where=den > 0)
    return out


def _element(
    q: Questionnaire,
    a: _Answers,
    ei: int,
    el: ElementResult,
    names: Sequence[str],
    index: npt.NDArray[np.intp],
    mgs: int,
) -> tuple[list[TeamCell], PooledCell]:
    """One element's cells for every team, and the pooled rest (vectorized over teams)."""
    cols = np.flatnonzero(a.column_element == ei)
    x, answered, weight = a.x[cols], a.answered[cols], a.weight[cols]
    contributes: npt.NDArray[np.bool_] = np.asarray(answered.any(axis=0), dtype=bool)
    who = np.flatnonzero(contributes)
    keys = [names[i] if i < len(names) else "" for i in index[who].tolist()]
    plan = plan_cut(_layout(q, el, keys, a.roles[who].tolist(), mgs), mgs)
    sizes = np.bincount(index[who], minlength=len(names) + 1)
    shown = [t for t, name in enumerate(names) if name in plan.shown]
    split = [t for t in shown if names[t] in plan.split]
    team = (index[:, None] == np.array(shown, dtype=np.intp)[None, :]) & contributes[:, None]
    pool = contributes & ~team.any(axis=1)
    lead = np.isin(a.roles, list(q.leadership_roles))
    front = np.isin(a.roles, list(q.frontline_roles))
    in_split = team[:, [shown.index(t) for t in split]]
    groups = np.concatenate(
        [
            contributes[:, None],
            pool[:, None],
            team,
            in_split & lead[:, None],
            in_split & front[:, None],
        ],
        axis=1,
    ).astype(np.float64)
    sums, counts = x @ groups, answered @ groups
    k = len(shown)
    scores = _practice(sums, counts, weight)
    teams = slice(2, 2 + k)
    rest = _practice(sums[:, [0]] - sums[:, teams], counts[:, [0]] - counts[:, teams], weight)
    den = weight @ answered
    scored = den > 0
    respondent = np.divide(100.0 * (weight @ x), den, out=np.zeros(den.shape), where=scored)
    p_rest = t_against_rest(respondent, team & scored[:, None], contributes & scored)
    comparable = _comparable(q, a, cols, contributes)
    cw = weight * comparable
    cden = cw @ answered
    cscore = np.divide(100.0 * (cw @ x), cden, out=np.zeros(cden.shape), where=cden > 0)
    s = len(split)
    gap_cols = slice(2 + k, 2 + k + 2 * s)
    lf = _practice(sums[:, gap_cols], counts[:, gap_cols], weight, comparable)
    lf_members = groups[:, gap_cols] > 0
    has = (cden > 0)[:, None]
    gap_p = t_pairs(cscore, lf_members[:, :s] & has, lf_members[:, s:] & has)
    total = int(contributes.sum())
    row: list[TeamCell] = []
    for t, name in enumerate(names):
        n = int(sizes[t])
        if name not in plan.shown:
            reason = plan.reasons.get(name, REASON_SMALL) if n else ""
            row.append(TeamCell(n=n, suppressed=n > 0, reason=reason))
            continue
        j = shown.index(t)
        cell = TeamCell(
            n=n,
            score=_value(scores[2 + j]),
            rest=_value(rest[j]),
            rest_n=total - n,
            difference=_difference(scores[2 + j], rest[j]),
            p=_value(p_rest[j]),
            gap_reason=plan.gap_reasons.get(name, ""),
        )
        if t in split and comparable.any():
            i = split.index(t)
            lv, fv = _value(lf[i]), _value(lf[s + i])
            gap = lv - fv if lv is not None and fv is not None else None
            cell = replace(
                cell,
                leadership=lv,
                frontline=fv,
                leadership_n=int(lf_members[:, i].sum()),
                frontline_n=int(lf_members[:, s + i].sum()),
                gap=gap,
                gap_p=_value(gap_p[i]) if gap is not None else None,
            )
        row.append(cell)
    pool_score = scores[1] if plan.shown and plan.pool >= mgs else np.nan
    return row, PooledCell(n=int(plan.pool), score=_value(pool_score))


def _comparable(
    q: Questionnaire, a: _Answers, cols: npt.NDArray[np.intp], contributes: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """C_e: the element's items asked of a leadership and a frontline role and answered by
    both groups (over the respondents the element counts), as a mask of its items."""
    lead = np.isin(a.roles, list(q.leadership_roles)) & contributes
    front = np.isin(a.roles, list(q.frontline_roles)) & contributes
    answered_lead = a.answered[np.ix_(cols, lead)].any(axis=1)
    answered_front = a.answered[np.ix_(cols, front)].any(axis=1)
    asked = np.array(
        [
            bool(set(a.questions[c].roles) & set(q.leadership_roles))
            and bool(set(a.questions[c].roles) & set(q.frontline_roles))
            for c in cols.tolist()
        ],
        dtype=bool,
    )
    out: npt.NDArray[np.bool_] = asked & answered_lead & answered_front
    return out


def _moments(values: Floats, members: npt.NDArray[np.bool_]) -> tuple[Floats, Floats, Floats]:
    """Per group (column of ``members``): count, mean and sample variance of ``values``."""
    m = members.astype(np.float64)
    n = m.sum(axis=0)
    s1 = values @ m
    mean = np.divide(s1, n, out=np.zeros_like(s1), where=n > 0)
    # Centred second moment: exact zero for a constant group (no cancellation).
    dev = (values[:, None] - mean[None, :]) * m
    ss = (dev * dev).sum(axis=0)
    var = np.divide(ss, n - 1, out=np.zeros_like(ss), where=n > 1)
    return n, mean, var


def _pooled_t(n1: Floats, m1: Floats, v1: Floats, n2: Floats, m2: Floats, v2: Floats) -> Floats:
    """Two-sided p-values of the pooled-variance (Student) t-test, as
    ``scipy.stats.ttest_ind(a, b)``; NaN when a group has fewer than two values.

    When both groups are constant the statistic is 0/0 or ±∞: p is 1 for equal means and
    0 for different ones (as :func:`assessment.core.stats.welch_p`).  Why not Welch's
    test: see ``docs/scoring.md``, "Team cuts".
    """
    from scipy.special import stdtr

    ok = (n1 >= 2) & (n2 >= 2)
    df = np.where(ok, n1 + n2 - 2, 1.0)
    pooled = np.divide((n1 - 1) * v1 + (n2 - 1) * v2, df, out=np.zeros_like(v1), where=ok)
    se2 = pooled * (
        np.divide(1.0, n1, out=np.zeros_like(n1), where=ok)
        + np.divide(1.0, n2, out=np.zeros_like(n2), where=ok)
    )
    diff = m1 - m2
    varying = ok & (se2 > 0)
    t = np.divide(diff, np.sqrt(se2), out=np.zeros_like(diff), where=varying)
    p = 2.0 * stdtr(df, -np.abs(t))
    p = np.where(varying, p, np.where(diff == 0.0, 1.0, 0.0))
    out: Floats = np.where(ok, p, np.nan)
    return out


def t_against_rest(
    values: Floats, members: npt.NDArray[np.bool_], everyone: npt.NDArray[np.bool_]
) -> Floats:
    """p of each group (column of ``members``) against everyone else in ``everyone``."""
    if members.shape[1] == 0:
        return np.zeros(0)
    rest = everyone[:, None] & ~members
    return _pooled_t(*_moments(values, members), *_moments(values, rest))


def t_pairs(values: Floats, first: npt.NDArray[np.bool_], second: npt.NDArray[np.bool_]) -> Floats:
    """p of column ``i`` of ``first`` against column ``i`` of ``second``."""
    if first.shape[1] == 0:
        return np.zeros(0)
    return _pooled_t(*_moments(values, first), *_moments(values, second))


def _value(v: float | np.floating | None) -> float | None:
    if v is None or np.isnan(v):
        return None
    return float(v)


def _difference(team: float, rest: float) -> float | None:
    if np.isnan(team) or np.isnan(rest):
        return None
    return float(team - rest)


def benjamini_hochberg(p: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order given."""
    m = len(p)
    if m == 0:
        return []
    values = np.asarray(p, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    ranked = values[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out.tolist()


def _adjusted(cells: list[list[TeamCell]], fdr: float) -> list[list[TeamCell]]:
    """Add the q-values: one family for team-versus-rest, one for the team gaps."""
    diff = [(t, e) for t, row in enumerate(cells) for e, c in enumerate(row) if c.p is not None]
    gaps = [(t, e) for t, row in enumerate(cells) for e, c in enumerate(row) if c.gap_p is not None]
    q_diff = benjamini_hochberg([cells[t][e].p or 0.0 for t, e in diff])
    q_gap = benjamini_hochberg([cells[t][e].gap_p or 0.0 for t, e in gaps])
    out = [list(row) for row in cells]
    for (t, e), qv in zip(diff, q_diff, strict=True):
        out[t][e] = replace(out[t][e], q=qv, significant=qv < fdr)
    for (t, e), qv in zip(gaps, q_gap, strict=True):
        c = out[t][e]
        large = c.gap is not None and abs(c.gap) >= LARGE_GAP and qv < fdr
        out[t][e] = replace(c, gap_q=qv, large_gap=large)
    return out


def _team(name: str, respondents: int, cells: tuple[TeamCell, ...], results: Results) -> TeamResult:
    num = rest_num = org_num = den = 0.0
    rest_den = org_den = 0.0
    for cell, el in zip(cells, results.elements, strict=True):
        if cell.score is None or el.weight <= 0:
            continue
        num += el.weight * cell.score
        den += el.weight
        if cell.rest is not None:
            rest_num += el.weight * cell.rest
            rest_den += el.weight
        if el.practice is not None:
            org_num += el.weight * el.practice
            org_den += el.weight
    return TeamResult(
        name=name,
        respondents=respondents,
        cells=cells,
        overall=num / den if den else None,
        rest_overall=rest_num / rest_den if rest_den else None,
        organization=org_num / org_den if org_den else None,
    )
