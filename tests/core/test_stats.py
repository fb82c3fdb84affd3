"""The statistics of method 2 against hand computations, scipy and a coverage simulation."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from scipy import stats as scipy_stats

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.intervals import band_scores, median_band_scores
from assessment.core.loader import load_questionnaire_text
from assessment.core.model import Questionnaire
from assessment.core.scoring import score
from assessment.core.stats import (
    bootstrap_medians,
    cronbach_alpha,
    interval_quantiles,
    resample_counts,
    welch_p,
)
from tests.core.populations import AGREE5_YAML, POPULATIONS, ROLES_YAML, coverage

TWO_LIKERT = (
    """
id: two
version: "1"
title: Two likert items and a shared one
"""
    + ROLES_YAML
    + """min_group_size: 2
levels:
  - {level: 1, name: Low, min: 0}
"""
    + AGREE5_YAML
    + """elements:
  - id: e
    title: E
    levels: {1: low}
    questions:
      - {id: e.x, type: likert, scale: agree5, text: X}
      - {id: e.y, type: likert, scale: agree5, text: Y}
"""
)


@pytest.fixture(scope="module")
def two() -> Questionnaire:
    return load_questionnaire_text(TWO_LIKERT, "two.yaml")


def _opt(v: str) -> Answer:
    return Answer(AnswerKind.OPTION, v)


def test_welch_p_matches_scipy_on_a_hand_case() -> None:
    a = np.array([70.0, 80.0, 90.0, 100.0])
    b = np.array([40.0, 55.0, 60.0])
    # By hand: means 85 and 51.67; sample variances 166.67 and 108.33; squared standard
    # error 166.67/4 + 108.33/3 = 77.78; t = 33.33 / 8.819 = 3.780; Welch–Satterthwaite
    # df = 77.78² / ((41.67²)/3 + (36.11²)/2) = 4.915.
    se2 = (500 / 3) / 4 + (325 / 3) / 3
    t = (85 - 155 / 3) / math.sqrt(se2)
    df = se2**2 / (((500 / 3) / 4) ** 2 / 3 + ((325 / 3) / 3) ** 2 / 2)
    assert t == pytest.approx(3.780, abs=1e-3) and df == pytest.approx(4.915, abs=1e-3)
    reference = scipy_stats.ttest_ind(a, b, equal_var=False)
    assert reference.statistic == pytest.approx(t)
    assert welch_p(a, b) == pytest.approx(reference.pvalue, rel=1e-12)
    assert welch_p(a, b) == pytest.approx(2 * scipy_stats.t.sf(t, df), rel=1e-12)


def test_welch_p_edges() -> None:
    assert welch_p(np.array([1.0]), np.array([1.0, 2.0])) is None
    assert welch_p(np.array([5.0, 5.0]), np.array([5.0, 5.0, 5.0])) == 1.0
    assert welch_p(np.array([5.0, 5.0]), np.array([1.0, 1.0])) == 0.0


def test_gap_p_is_welch_on_each_respondents_comparable_score(two: Questionnaire) -> None:
    leaders = [("sa", "a"), ("a", "a"), ("sa", "sa")]
    reps = [("d", "n"), ("sd", "d"), ("n", "n")]
    people = [
        Respondent(f"L{i}", "executive", {"e.x": _opt(x), "e.y": _opt(y)})
        for i, (x, y) in enumerate(leaders)
    ] + [
        Respondent(f"R{i}", "sales_rep", {"e.x": _opt(x), "e.y": _opt(y)})
        for i, (x, y) in enumerate(reps)
    ]
    e = score(two, people).element("e")
    # respondent scores = 100 * mean of (x, y) normalized: sa=1, a=.75, n=.5, d=.25, sd=0
    lead = [100 * (1 + 0.75) / 2, 100 * 0.75, 100.0]
    front = [100 * (0.25 + 0.5) / 2, 100 * 0.125, 100 * 0.5]
    assert e.gap_items == 2
    assert e.leadership == pytest.approx(statistics.mean(lead))
    assert e.frontline == pytest.approx(statistics.mean(front))
    assert e.gap_p == pytest.approx(scipy_stats.ttest_ind(lead, front, equal_var=False).pvalue)
    assert e.gap is not None and e.gap >= 15 and e.gap_p is not None and e.gap_p < 0.05
    assert "large_gap" in e.flags


def test_cronbach_alpha_on_a_hand_case(two: Questionnaire) -> None:
    # ten respondents, two items scored 0/1: x = five 0s then five 1s, y alternates 0, 1.
    # var(x) = var(y) = 2.5/9; the totals 0 1 0 1 0 2 1 2 1 2 have mean 1 and var 6/9, so
    # alpha = 2/(2-1) * (1 - (2.5/9 + 2.5/9) / (6/9)) = 2 * (1 - 5/6) = 1/3.
    x = ["sd"] * 5 + ["sa"] * 5
    y = ["sd", "sa"] * 5
    people = [
        Respondent(f"r{i}", "other", {"e.x": _opt(a), "e.y": _opt(b)})
        for i, (a, b) in enumerate(zip(x, y, strict=True))
    ]
    assert score(two, people).element("e").alpha == pytest.approx(1 / 3)
    items = np.array(
        [[0.0 if a == "sd" else 1.0, 0.0 if b == "sd" else 1.0] for a, b in zip(x, y, strict=True)]
    )
    assert cronbach_alpha(items) == pytest.approx(1 / 3)
    # under ten complete respondents there is no alpha
    assert score(two, people[:9]).element("e").alpha is None
    incomplete = [*people[:9], Respondent("r9", "other", {"e.x": _opt("sa")})]
    assert score(two, incomplete).element("e").alpha is None
    # identical items are perfectly consistent
    assert cronbach_alpha(np.column_stack([items[:, 0], items[:, 0]])) == pytest.approx(1.0)


def test_interval_quantiles_follow_the_expanded_percentile_rule() -> None:
    lo, hi = interval_quantiles(5)
    expected = scipy_stats.norm.cdf(-math.sqrt(5 / 4) * scipy_stats.t.ppf(0.95, 4))
    assert lo == pytest.approx(expected) and hi == pytest.approx(1 - expected)
    assert lo < 0.01  # much wider than the plain 5 % quantile for five respondents
    assert interval_quantiles(100_000)[0] == pytest.approx(0.05, abs=1e-3)


def test_resample_counts_draw_n_per_replicate_with_a_fixed_seed() -> None:
    counts = resample_counts(7, replicates=50)
    assert counts.shape == (7, 50)
    assert (counts.sum(axis=0) == 7).all()
    assert np.array_equal(counts, resample_counts(7, replicates=50))


def test_bootstrap_medians_equal_statistics_median() -> None:
    rng = np.random.default_rng(3)
    values = np.sort(rng.uniform(0, 100, 11))
    counts = resample_counts(11, replicates=60, seed=5)
    medians = bootstrap_medians(values, counts)
    for b in range(60):
        drawn = [v for v, k in zip(values, counts[:, b], strict=True) for _ in range(int(k))]
        assert medians[b] == pytest.approx(statistics.median(drawn))


def test_median_bands_without_sorting_equal_the_exact_ones(standard: Questionnaire) -> None:
    rng = np.random.default_rng(0)
    for question in (q for q in standard.questions().values() if q.bands):
        assert question.range is not None
        for n in (1, 2, 3, 8, 41):
            values = np.sort(np.round(rng.uniform(question.range.min, question.range.max, n)))
            counts = resample_counts(n, replicates=200, seed=n)
            fast = median_band_scores(question, values, counts)
            exact = band_scores(question, bootstrap_medians(values, counts))
            assert np.array_equal(np.isnan(fast), np.isnan(exact))
            assert np.allclose(np.nan_to_num(fast), np.nan_to_num(exact))


def test_intervals_are_null_below_five_respondents(two: Questionnaire) -> None:
    people = [
        Respondent(f"r{i}", "other", {"e.x": _opt(v), "e.y": _opt(v)})
        for i, v in enumerate(["sd", "d", "n", "a", "sa"])
    ]
    assert score(two, people[:4]).element("e").ci is None
    assert score(two, people[:4]).overall.ci is None
    five = score(two, people)
    assert five.element("e").ci is not None and five.overall.ci is not None
    assert five.element("e").ci == five.element("e").practice_ci  # no KPI items
    assert score(two, people, intervals=False).element("e").ci is None


@pytest.mark.parametrize(("population", "n"), [(1, 12), (0, 40), (2, 20)])
def test_interval_coverage_is_near_ninety_percent(population: int, n: int) -> None:
    """300 samples from a population with known true scores: 85-95 % of the 90 % intervals
    of each element and of the overall hold the truth (figures for more sizes and
    populations: bench/bench_ci_coverage.py and docs/scoring.md)."""
    rates = coverage(POPULATIONS[population], n, replications=300, seed=11)
    assert set(rates) == {"e1", "e2", "overall"}
    for key, rate in rates.items():
        assert 0.85 <= rate <= 0.95, (key, rate)
