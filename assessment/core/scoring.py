"""Weighted scoring and aggregation, method 2, exactly as defined in ``docs/scoring.md``.

One pass over the answers accumulates sums per (question, role); every group the results
need (everyone, each role, leadership, frontline) is a union of roles, so its figures are
sums of those accumulators.  The same pass fills a questions × respondents matrix of the
practice answers, from which the per-respondent statistics (bootstrap intervals, Welch's
test, Cronbach's alpha) are computed with numpy.  Before any figure is computed,
:func:`assessment.core.protection.protect` decides per element which roles are left out or
hidden so that no small group can be recovered by differencing; every figure of an element
is then taken over its *published* roles only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from assessment.core.answers import AnswerKind, Respondent
from assessment.core.element_scoring import (
    GAP_SIGNIFICANCE,
    LARGE_GAP,
    LOW_AGREEMENT,
    LOW_COVERAGE,
    ElementInputs,
    ElementWork,
    score_element,
)
from assessment.core.intervals import Design, KpiSample, replicate_scores, weighted_replicates
from assessment.core.kpi import KpiFact, check_kpi_inputs, is_practice
from assessment.core.model import Question, Questionnaire
from assessment.core.profile import OrganizationProfile
from assessment.core.protection import protect
from assessment.core.recommend import MetricTable, rank_recommendations
from assessment.core.results import Comment, ElementResult, Overall, Protection, Results
from assessment.core.stats import (
    MIN_CI_RESPONDENTS,
    bootstrap_interval,
    one_blas_thread,
    resample_counts,
)
from assessment.core.tally import Tally

__all__ = [
    "GAP_SIGNIFICANCE",
    "LARGE_GAP",
    "LOW_AGREEMENT",
    "LOW_COVERAGE",
    "ElementOverride",
    "KpiFact",
    "ScoringError",
    "score",
]


class ScoringError(ValueError):
    """Answers that do not fit the questionnaire (unknown role or question)."""


@dataclass(frozen=True, slots=True)
class ElementOverride:
    """An assessment's own weight and/or target for an element."""

    weight: float | None = None
    target: float | None = None


@dataclass(slots=True)
class _Prepared:
    question: Question
    element: int
    norm: dict[str, float]
    position: dict[str, int]
    lo: float
    span: float
    roles: frozenset[str]
    column: int
    """Row of the practice-answer matrix, -1 for questions that are not practice items."""


@dataclass(slots=True)
class _Cells:
    rows: list[int] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)


def _prepare(q: Questionnaire) -> dict[str, _Prepared]:
    prepared: dict[str, _Prepared] = {}
    column = 0
    for ei, el in enumerate(q.elements):
        for question in el.questions:
            lo, hi = question.score_bounds
            span = (hi - lo) or 1.0
            opts = question.options or ()
            practice = is_practice(question)
            prepared[question.id] = _Prepared(
                question=question,
                element=ei,
                norm={o.value: (o.score - lo) / span for o in opts},
                position={o.value: i + 1 for i, o in enumerate(opts)},
                lo=lo,
                span=span,
                roles=frozenset(question.roles),
                column=column if practice else -1,
            )
            column += practice
    return prepared


def _canonical_rows(people: Sequence[Respondent]) -> list[int]:
    """Each respondent's matrix row: their rank by id, so input order never matters."""
    keys = [(p.id, p.role) for p in people]
    if len(set(keys)) < len(keys):  # repeated ids: order the twins by their answers too
        full = [
            (*k, sorted((qid, a.raw) for qid, a in p.answers.items()))
            for k, p in zip(keys, people, strict=True)
        ]
        order = sorted(range(len(people)), key=lambda i: full[i])
    else:
        order = sorted(range(len(people)), key=lambda i: keys[i])
    rows = [0] * len(people)
    for row, i in enumerate(order):
        rows[i] = row
    return rows


def _tally(
    q: Questionnaire, people: Sequence[Respondent], prepared: Mapping[str, _Prepared]
) -> tuple[Tally, _Cells, list[str]]:
    roles = set(q.role_ids)
    element_index = {el.id: i for i, el in enumerate(q.elements)}
    t = Tally.empty(q)
    cells = _Cells()
    columns, values = cells.columns, cells.values
    row_roles = [""] * len(people)
    for resp, row in zip(people, _canonical_rows(people), strict=True):
        role = resp.role
        if role not in roles:
            raise ScoringError(f"respondent {resp.id!r}: unknown role {role!r}")
        row_roles[row] = role
        t.by_role[role] += 1
        start = len(columns)
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
                n = p.norm[value]
                acc.total += n
                acc.count += 1
                pos = p.position[value]
                acc.pos_sum += pos
                acc.pos_sq += pos * pos
                acc.counts[value] += 1
                if p.column >= 0:
                    columns.append(p.column)
                    values.append(n)
            elif kind is AnswerKind.NUMBER:
                x = float(answer.value)  # type: ignore[arg-type]
                band = p.question.band_for(x)
                if band is None:
                    raise ScoringError(f"respondent {resp.id!r}: {qid}: {x:g} is in no band")
                acc.total += (band.score - p.lo) / p.span
                acc.count += 1
                acc.counts[band.id] += 1
                acc.numbers.append((x, row))
            elif kind is AnswerKind.TEXT:
                text = str(answer.value).strip()
                if text:
                    t.comments[p.element].append(Comment(text, resp.language, resp.role))
            elif kind is AnswerKind.NA:
                acc.na += 1
            elif kind is AnswerKind.DK:
                acc.dk += 1
        cells.rows.extend([row] * (len(columns) - start))
        for element_id, text in resp.comments.items():
            ei_comment = element_index.get(element_id)
            if ei_comment is None:
                raise ScoringError(f"respondent {resp.id!r}: unknown element {element_id!r}")
            if text.strip():
                t.comments[ei_comment].append(Comment(text.strip(), resp.language, resp.role))
    return t, cells, row_roles


@dataclass(frozen=True, slots=True)
class _Options:
    mgs: int
    overrides: Mapping[str, ElementOverride]
    facts: Mapping[str, KpiFact]
    crm: Mapping[str, KpiFact]
    intervals: bool
    profile: OrganizationProfile | None = None


@dataclass(frozen=True)
class _Matrix:
    """Practice answers as practice questions × respondents (rows in canonical order)."""

    x: np.ndarray
    """Normalized answer, 0 where none (float32)."""
    answered: np.ndarray
    """1 where answered (float32)."""
    column_element: np.ndarray
    column_weight: np.ndarray
    roles: np.ndarray
    """Each respondent's role as an index into the questionnaire's roles."""
    role_names: np.ndarray

    def columns_of(self, ei: int) -> np.ndarray:
        """The rows of ``x`` of element ``ei``, in questionnaire order."""
        return np.flatnonzero(self.column_element == ei)


def score(
    q: Questionnaire,
    respondents: Iterable[Respondent],
    *,
    min_group_size: int | None = None,
    overrides: Mapping[str, ElementOverride] | None = None,
    kpi_facts: Mapping[str, KpiFact] | None = None,
    crm_values: Mapping[str, KpiFact] | None = None,
    intervals: bool = True,
    profile: OrganizationProfile | None = None,
) -> Results:
    """Score respondents' answers against a questionnaire; see ``docs/scoring.md``.

    ``kpi_facts`` are the organization facts a consultant entered and ``crm_values`` the CRM
    evidence values linked to questions (both question id → :class:`KpiFact`); a CRM value
    wins over a fact, and a fact over the median of the answers.  ``intervals=False`` skips
    the bootstrap (every ``ci`` is then None) for callers that only need the scores.
    ``profile`` is the organization profile recommendation conditions may read
    (``profile(business_type) == distributor``); it changes no score.
    """
    mgs = q.min_group_size if min_group_size is None else min_group_size
    if mgs < 1:
        raise ValueError("minimum group size must be at least 1")
    overrides = overrides or {}
    unknown = set(overrides) - {el.id for el in q.elements}
    if unknown:
        raise ValueError(f"overrides for unknown elements: {sorted(unknown)}")
    options = _Options(
        mgs=mgs,
        overrides=overrides,
        facts=check_kpi_inputs(q, kpi_facts, "organization fact"),
        crm=check_kpi_inputs(q, crm_values, "CRM value"),
        intervals=intervals,
        profile=profile,
    )
    people = list(respondents)
    prepared = _prepare(q)
    t, cells, row_roles = _tally(q, people, prepared)
    with one_blas_thread():  # numpy's products here are small: see one_blas_thread
        return _score(q, t, _matrix(q, prepared, cells, row_roles), options)


def _score(q: Questionnaire, t: Tally, m: _Matrix, o: _Options) -> Results:
    """Everything after the tally: protection, element figures, intervals, ranking."""
    _count_contributors(q, t, m)
    protections = [
        protect(t.contributors[ei], o.mgs, q.role_ids, q.leadership_roles, q.frontline_roles)
        for ei in range(len(q.elements))
    ]
    _leave_out(q, protections, m)
    works = [
        score_element(
            ElementInputs(
                q=q,
                index=ei,
                element=el,
                tally=t,
                mgs=o.mgs,
                protection=protections[ei],
                weight=_override(el.weight, o.overrides.get(el.id), "weight"),
                target=_override(el.target, o.overrides.get(el.id), "target"),
                columns=m.columns_of(ei),
                x=m.x,
                answered=m.answered,
                role_of_row=m.role_names,
                facts=o.facts,
                crm=o.crm,
            )
        )
        for ei, el in enumerate(q.elements)
    ]
    elements = tuple(w.result for w in works)
    overall = _overall(q, elements)
    if o.intervals and m.x.shape[1] >= MIN_CI_RESPONDENTS:  # else every interval is null
        elements, overall = _with_intervals(q, m, works, elements, overall)
    recommendations = rank_recommendations(q, elements, MetricTable.build(elements, q, o.profile))
    return Results(
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        questionnaire_hash=q.content_hash,
        respondents=sum(t.by_role.values()),
        respondents_by_role={r: t.by_role.get(r, 0) for r in q.role_ids},
        min_group_size=o.mgs,
        overall=overall,
        elements=elements,
        recommendations=recommendations,
        kpi_share=q.kpi_share,
    )


def _override(default: float, override: ElementOverride | None, name: str) -> float:
    value = None if override is None else getattr(override, name)
    return default if value is None else float(value)


def _matrix(
    q: Questionnaire, prepared: Mapping[str, _Prepared], cells: _Cells, row_roles: Sequence[str]
) -> _Matrix:
    columns = sum(1 for p in prepared.values() if p.column >= 0)
    x = np.zeros((columns, len(row_roles)), dtype=np.float32)
    answered = np.zeros_like(x)
    x[cells.columns, cells.rows] = cells.values
    answered[cells.columns, cells.rows] = 1.0
    column_element = np.zeros(columns, dtype=np.intp)
    column_weight = np.zeros(columns)
    for p in prepared.values():
        if p.column >= 0:
            column_element[p.column] = p.element
            column_weight[p.column] = p.question.weight
    role_index = {r: i for i, r in enumerate(q.role_ids)}
    return _Matrix(
        x=x,
        answered=answered,
        column_element=column_element,
        column_weight=column_weight,
        roles=np.array([role_index[r] for r in row_roles], dtype=np.intp),
        role_names=np.array(row_roles, dtype=object),
    )


def _count_contributors(q: Questionnaire, t: Tally, m: _Matrix) -> None:
    """Per element and role: respondents with at least one practice answer in the element."""
    to_element = np.zeros((len(q.elements), m.answered.shape[0]), dtype=np.float32)
    to_element[m.column_element, np.arange(m.answered.shape[0])] = 1.0
    touched = (to_element @ m.answered) > 0
    for ri, role in enumerate(q.role_ids):
        per_element = touched[:, m.roles == ri].sum(axis=1)
        for ei, n in enumerate(per_element.tolist()):
            if n:
                t.contributors[ei][role] = n


def _leave_out(q: Questionnaire, protections: Sequence[Protection], m: _Matrix) -> None:
    """Remove the answers of left-out respondents from their elements' columns (in place)."""
    left_out = np.zeros((len(q.elements), len(q.role_ids)), dtype=bool)
    for ei, protection in enumerate(protections):
        for role in protection.left_out_roles:
            left_out[ei, q.role_ids.index(role)] = True
    if left_out.any():
        hidden = left_out[m.column_element][:, m.roles]
        m.x[hidden] = 0.0
        m.answered[hidden] = 0.0


def _weighted(elements: Sequence[ElementResult], pick: object) -> float | None:
    num = den = 0.0
    for el in elements:
        value = pick(el)  # type: ignore[operator]
        if value is not None and el.weight > 0:
            num += el.weight * value
            den += el.weight
    return num / den if den else None


def _overall(q: Questionnaire, elements: Sequence[ElementResult]) -> Overall:
    overall_score = _weighted(elements, lambda e: e.score)
    level = q.level_for(overall_score)
    with_gap = [el for el in elements if el.gap is not None]
    return Overall(
        score=overall_score,
        level=level.level if level else None,
        level_name=level.name if level else None,
        leadership=_weighted(with_gap, lambda e: e.leadership),
        frontline=_weighted(with_gap, lambda e: e.frontline),
        practice=_weighted(elements, lambda e: e.practice),
        kpi=_weighted(elements, lambda e: e.kpi),
    )


def _with_intervals(
    q: Questionnaire,
    m: _Matrix,
    works: Sequence[ElementWork],
    elements: tuple[ElementResult, ...],
    overall: Overall,
) -> tuple[tuple[ElementResult, ...], Overall]:
    """Add the bootstrap intervals of every element score, practice score and the overall."""
    samples: list[KpiSample] = [s for w in works for s in w.samples]
    design = Design(
        x=m.x,
        answered=m.answered,
        column_element=m.column_element,
        column_weight=m.column_weight,
        kpis=tuple(samples),
        elements=len(q.elements),
        kappa=q.kpi_share,
    )
    x, answered, column_element = m.x, m.answered, m.column_element
    reps = replicate_scores(design, resample_counts(x.shape[1]))
    contributing = np.zeros((len(q.elements), x.shape[1]), dtype=bool)
    practice_rows = np.zeros_like(contributing)
    for ei in range(len(q.elements)):
        practice_rows[ei] = answered[column_element == ei].any(axis=0)
        contributing[ei] = practice_rows[ei]
    for s in samples:
        if s.score is None:
            contributing[s.element, s.rows] = True
    out = []
    for ei, el in enumerate(elements):
        out.append(
            replace(
                el,
                ci=bootstrap_interval(reps.element[ei], el.score, int(contributing[ei].sum())),
                practice_ci=bootstrap_interval(
                    reps.practice[ei], el.practice, int(practice_rows[ei].sum())
                ),
            )
        )
    weights = np.array([el.weight for el in elements])
    positive = weights > 0
    n_all = int(contributing[positive].any(axis=0).sum())
    n_practice = int(practice_rows[positive].any(axis=0).sum())
    overall = replace(
        overall,
        ci=bootstrap_interval(weighted_replicates(reps.element, weights), overall.score, n_all),
        practice_ci=bootstrap_interval(
            weighted_replicates(reps.practice, weights), overall.practice, n_practice
        ),
    )
    return tuple(out), overall
