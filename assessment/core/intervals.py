"""Bootstrap replicates of every score of method 2, all replicates at once.

A replicate draws the respondents with replacement; every practice score, KPI score,
element score and the overall are recomputed on it with the same formulas as the point
estimates.  With ``counts`` (respondents × replicates, from
:func:`assessment.core.stats.resample_counts`) a question's answer sums over all replicates
are one matrix product, so 1,000 replicates of a 1,000-respondent assessment take tens of
milliseconds.  KPI values that are facts (CRM or entered) are constants; a value that is
the respondents' median is re-taken in each replicate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assessment.core.model import Question
from assessment.core.stats import Floats, bootstrap_medians


@dataclass(frozen=True)
class KpiSample:
    """A KPI item as the bootstrap sees it: a constant score or the answers to re-take."""

    element: int
    weight: float
    score: float | None
    """n(v_q) in [0, 1] for a CRM or fact value (constant); None when it is the median."""
    question: Question
    values: Floats
    """The published numeric answers, sorted (used when ``score`` is None)."""
    rows: npt.NDArray[np.intp]
    """The respondent row of each value."""


@dataclass(frozen=True)
class Design:
    """Published answers in the layout the replicates need."""

    x: npt.NDArray[np.float32]
    """practice questions × respondents: normalized answer, 0 where none."""
    answered: npt.NDArray[np.float32]
    """practice questions × respondents: 1 where answered."""
    column_element: npt.NDArray[np.intp]
    column_weight: Floats
    kpis: tuple[KpiSample, ...]
    elements: int
    kappa: float


@dataclass(frozen=True)
class Replicates:
    """Scores of every replicate (elements × replicates; NaN = no value)."""

    practice: Floats
    element: Floats


def replicate_scores(d: Design, counts: npt.NDArray[np.float32]) -> Replicates:
    """Practice and element scores of every element in every replicate."""
    both = (np.vstack((d.x, d.answered)) @ counts).astype(np.float64)
    sums, dens = both[: d.x.shape[0]], both[d.x.shape[0] :]
    has = dens > 0
    means = np.divide(sums, dens, out=np.zeros_like(sums), where=has)
    to_element = np.zeros((d.elements, d.x.shape[0]))
    to_element[d.column_element, np.arange(d.x.shape[0])] = d.column_weight
    num = to_element @ means
    den = to_element @ has.astype(np.float64)
    practice = np.divide(100.0 * num, den, out=np.full_like(num, np.nan), where=den > 0)
    kpi = _kpi_scores(d, counts)
    element = np.where(
        np.isnan(practice),
        kpi,
        np.where(np.isnan(kpi), practice, (1.0 - d.kappa) * practice + d.kappa * kpi),
    )
    return Replicates(practice=practice, element=element)


def _kpi_scores(d: Design, counts: npt.NDArray[np.float32]) -> Floats:
    replicates = counts.shape[1]
    num = np.zeros((d.elements, replicates))
    den = np.zeros((d.elements, replicates))
    for k in d.kpis:
        if k.score is not None:
            scores = np.full(replicates, k.score)
        elif k.values.size:
            scores = median_band_scores(k.question, k.values, counts[k.rows])
        else:
            continue
        valued = ~np.isnan(scores)
        num[k.element] += np.where(valued, k.weight * scores, 0.0)
        den[k.element] += np.where(valued, k.weight, 0.0)
    return np.divide(100.0 * num, den, out=np.full_like(num, np.nan), where=den > 0)


def band_scores(question: Question, values: Floats) -> Floats:
    """n(v) of each value (NaN for NaN or a value in no band); the first matching band wins."""
    lo, hi = question.score_bounds
    span = (hi - lo) or 1.0
    out = np.full(values.shape, np.nan)
    free = ~np.isnan(values)
    for band in question.bands or ():
        match = free.copy()
        if band.min is not None:
            match &= values >= band.min
        if band.max is not None:
            match &= values < band.max
        out[match] = (band.score - lo) / span
        free &= ~match
    return out


def weighted_replicates(scores: Floats, weights: Floats) -> Floats:
    """``Σ W_e·s_e / Σ W_e`` per replicate over the elements with a value (NaN if none)."""
    valued = ~np.isnan(scores) & (weights[:, None] > 0)
    num = np.where(valued, weights[:, None] * np.nan_to_num(scores), 0.0).sum(axis=0)
    den = np.where(valued, weights[:, None], 0.0).sum(axis=0)
    out: Floats = np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0)
    return out


def median_band_scores(
    question: Question, sorted_values: Floats, counts: npt.NDArray[np.float32]
) -> Floats:
    """n(median) of each replicate without sorting: only the median's band matters.

    With ``c_e`` = the draws below band edge ``e`` (one small matrix product), the k-th
    smallest draw lies at or above ``e`` exactly when ``c_e ≤ k``; so the interval between
    edges that holds each middle draw is known from counts alone.  When both middle draws
    share an interval, so does their mean (intervals are convex); only replicates whose two
    middle draws straddle an edge need the exact median.
    """
    edges = sorted({e for b in question.bands or () for e in (b.min, b.max) if e is not None})
    if not edges:
        return band_scores(question, bootstrap_medians(sorted_values, counts))
    edge = np.array(edges)
    below = (sorted_values[None, :] < edge[:, None]).astype(np.float32)
    under = below @ counts
    total = counts.sum(axis=0)
    k1 = np.floor((total - 1) / 2)
    k2 = np.floor(total / 2)
    i1 = (under <= k1).sum(axis=0)
    i2 = (under <= k2).sum(axis=0)
    inner = (edge[:-1] + edge[1:]) / 2 if edge.size > 1 else np.zeros(0)
    representative = np.concatenate(([edge[0] - 1.0], inner, [edge[-1] + 1.0]))
    scores: Floats = band_scores(question, representative)[i1]
    straddle = i1 != i2
    if straddle.any():
        exact = bootstrap_medians(sorted_values, counts[:, straddle])
        scores[straddle] = band_scores(question, exact)
    scores[total == 0] = np.nan
    return scores
