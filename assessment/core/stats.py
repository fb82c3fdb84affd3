"""Statistics of method 2: bootstrap resampling, intervals, Welch's test, Cronbach's alpha.

Everything is vectorised with numpy; scipy supplies the t and normal distributions (imported
where they are used, so that importing the core stays cheap).
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager
from typing import Any

import numpy as np
import numpy.typing as npt

from assessment.core.results import Interval

Floats = npt.NDArray[np.float64]

CI_LEVEL = 0.90
"""Confidence level of every interval."""
MIN_CI_RESPONDENTS = 5
"""Below this many contributing respondents an interval is not computed (null)."""
MIN_ALPHA_RESPONDENTS = 10
"""Cronbach's alpha needs at least this many respondents who answered every item."""
REPLICATES = 1000
"""Bootstrap replicates; with a fixed seed the same answers always give the same intervals."""
SEED = 20_130_913

_blas: Any = None


def one_blas_thread() -> AbstractContextManager[Any]:
    """Run the enclosed matrix products on one BLAS thread.

    The bootstrap's products are small (hundreds by a thousand).  OpenBLAS would split each
    over a spinning thread pool, which on a busy two-core server running several workers
    made scoring about three times slower, never faster.
    """
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()
    limiter: AbstractContextManager[Any] = _blas.limit(limits=1, user_api="blas")
    return limiter


def resample_counts(
    n: int, replicates: int = REPLICATES, seed: int = SEED
) -> npt.NDArray[np.float32]:
    """How often each of ``n`` respondents is drawn in each replicate: an ``n × replicates`` array.

    Column ``b`` is one bootstrap sample (``n`` draws with replacement).  float32 keeps the
    matrix products that use it fast; the counts are small integers and stay exact.
    """
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(replicates, n), dtype=np.int64)
    flat = draws * replicates + np.arange(replicates, dtype=np.int64)[:, None]
    counts = np.bincount(flat.ravel(), minlength=n * replicates)
    return counts.reshape(n, replicates).astype(np.float32)


def interval_quantiles(n: int, level: float = CI_LEVEL) -> tuple[float, float]:
    """The quantiles of the "expanded percentile" bootstrap interval for ``n`` respondents.

    The plain percentile interval is too narrow in small samples (it behaves like a z
    interval with the n-divisor standard deviation).  Hesterberg (2015) widens it by using
    the quantiles ``Φ(∓ sqrt(n/(n−1)) · t_{1−α/2, n−1})`` instead of ``α/2`` and ``1 − α/2``;
    for large ``n`` they tend to the plain ones.
    """
    from scipy.special import ndtr, stdtrit

    alpha = 1.0 - level
    t = float(stdtrit(n - 1, 1.0 - alpha / 2))
    tail = float(ndtr(-math.sqrt(n / (n - 1)) * t))
    return tail, 1.0 - tail


def bootstrap_interval(
    replicates: Floats, estimate: float | None, n: int, level: float = CI_LEVEL
) -> Interval | None:
    """The expanded percentile interval of ``replicates`` (NaN = no value in that replicate).

    None when the estimate is None, fewer than :data:`MIN_CI_RESPONDENTS` respondents
    contribute, or most replicates have no value.  The interval is widened to contain the
    estimate when a discontinuous statistic (a median's band) leaves it outside.
    """
    if estimate is None or n < MIN_CI_RESPONDENTS:
        return None
    valid = replicates[~np.isnan(replicates)]
    if valid.size < replicates.size / 2:
        return None
    lo_q, hi_q = interval_quantiles(n, level)
    lo, hi = np.quantile(valid, [lo_q, hi_q])
    return (min(float(lo), estimate), max(float(hi), estimate))


def welch_p(a: Floats, b: Floats) -> float | None:
    """Two-sided p-value of Welch's t-test, as ``scipy.stats.ttest_ind(a, b, equal_var=False)``.

    Computed directly (Welch–Satterthwaite degrees of freedom, scipy's t distribution):
    ``ttest_ind`` costs milliseconds per call in argument handling and seconds to import.
    None when a group has fewer than two values.  When both groups are constant the
    statistic is 0/0 or ±∞: p is 1 for equal means and 0 for different ones.
    """
    na, nb = a.size, b.size
    if na < 2 or nb < 2:
        return None
    va, vb = float(a.var(ddof=1)) / na, float(b.var(ddof=1)) / nb
    diff = float(a.mean()) - float(b.mean())
    if va + vb == 0.0:
        return 1.0 if diff == 0.0 else 0.0
    from scipy.special import stdtr

    t = diff / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va * va / (na - 1) + vb * vb / (nb - 1))
    p: float = float(2.0 * stdtr(df, -abs(t)))
    return p


def cronbach_alpha(items: Floats) -> float | None:
    """Cronbach's alpha of a respondents × items matrix (every cell answered).

    ``k/(k−1) · (1 − Σ var(item) / var(total))`` with sample variances; None for fewer than
    two items, fewer than :data:`MIN_ALPHA_RESPONDENTS` respondents or a constant total.
    """
    n, k = items.shape
    if k < 2 or n < MIN_ALPHA_RESPONDENTS:
        return None
    total_var = float(items.sum(axis=1).var(ddof=1))
    if total_var == 0.0:
        return None
    item_var = float(items.var(axis=0, ddof=1).sum())
    alpha: float = k / (k - 1) * (1.0 - item_var / total_var)
    return alpha


def bootstrap_medians(sorted_values: Floats, counts: npt.NDArray[np.float32]) -> Floats:
    """The median of each replicate, given the values sorted and their draw counts.

    ``counts`` is ``len(sorted_values) × replicates`` (rows of :func:`resample_counts`).  The
    median is ``statistics.median``'s: the middle value, or the mean of the two middle ones
    for an even number of draws; NaN for a replicate that drew none of these respondents.
    """
    cum = np.cumsum(counts, axis=0)
    total = cum[-1]
    k1 = np.floor((total - 1) / 2)
    k2 = np.floor(total / 2)
    last = sorted_values.size - 1
    j1 = np.minimum((cum <= k1).sum(axis=0), last)
    j2 = np.minimum((cum <= k2).sum(axis=0), last)
    medians: Floats = (sorted_values[j1] + sorted_values[j2]) / 2
    medians[total == 0] = np.nan
    return medians
