"""Portfolio benchmark: where an assessment's scores stand among the workspace's others.

Pure.  The peers are plain score sets with the two attributes the filters use (industry and
size band); they carry no client name and no id, so nothing here can reveal who a peer is.
The service hands in only peers that used the *same questionnaire id*, with the scores that
are not comparable to the benchmarked assessment's already blanked (see
:func:`comparable_parts`).

Definition (see ``docs/trends.md``)::

    percentile(x) = 100 × (number of peers scoring below x + ½ × number scoring exactly x)
                    / number of peers

The "mid-rank" percentile: 0 when every peer scored higher, 100 when every peer scored lower,
50 when all scored the same.  It lies in [0, 100] and never decreases when ``x`` grows.  It is
reported rounded to a band of :data:`BAND` points.

Only the percentile and the number of peers are reported, never a peer's score or an
aggregate of peer scores (with five peers a median *is* one peer's score).  Nothing is shown
unless at least :data:`MIN_PEERS` peers qualify; per element, only peers that have a
comparable score for that element count, and the element is shown only when they are at
least :data:`MIN_PEERS` as well.

Differencing: two filtered results whose peer sets differ by one assessment reveal where that
assessment scored.  So (a) only filter values held by at least :data:`MIN_PEERS` peers are
offered (and accepted), (b) a filter is refused when the assessments it excludes relative to
a coarser filter it refines number 1 to 4, and (c) a filter is applied only when no sum or
difference of the answerable filters singles out fewer than :data:`MIN_PEERS` peers
(:func:`singles_out_few`).  Reasoning and examples in ``docs/trends.md``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from assessment.core.model import Element, Questionnaire
from assessment.core.trends import MIN_SHARED

MIN_PEERS = 5
"""Fewest peer assessments a percentile is shown for (and fewest a filter may set apart)."""

BAND = 5
"""Percentiles are reported rounded to the nearest multiple of this."""

OTHER = "\x00other"
"""Cell key of peers whose industry (or size band) is not an offered filter value."""

Cell = tuple[str, str]


@dataclass(frozen=True, slots=True)
class PeerScores:
    """A closed peer assessment's scores and the client attributes the filters use.

    Scores that are not comparable with the benchmarked assessment are None.
    """

    overall: float | None
    elements: Mapping[str, float | None]
    industry: str = ""
    size_band: str = ""


@dataclass(frozen=True, slots=True)
class Percentile:
    """An element's (or the overall) percentile among ``n`` peers; None when not shown."""

    id: str
    score: float | None
    n: int
    percentile: float | None


@dataclass(frozen=True, slots=True)
class Benchmark:
    """Percentiles of one assessment among its peers.

    ``shown`` is False when fewer than ``minimum`` peers qualify or the filter is refused
    (``refused``); then ``overall`` is None and ``elements`` is empty, so a template cannot
    show anything by mistake.  ``industries``/``size_bands`` are the filter values offered.
    """

    qualifying: int
    minimum: int
    industry: str
    size_band: str
    overall: Percentile | None
    elements: tuple[Percentile, ...] = field(default_factory=tuple)
    refused: bool = False
    industries: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        """True when enough peers qualify and the filter is allowed."""
        return self.qualifying >= self.minimum and not self.refused


def percentile_of(value: float, peers: Sequence[float]) -> float:
    """Mid-rank percentile of ``value`` among ``peers`` (share below plus half the ties)."""
    if not peers:
        raise ValueError("a percentile needs at least one peer")
    below = sum(1 for p in peers if p < value)
    ties = sum(1 for p in peers if p == value)
    return 100.0 * (below + 0.5 * ties) / len(peers)


def banded(percentile: float, band: int = BAND) -> float:
    """A percentile rounded to the nearest multiple of ``band`` (halves round up)."""
    return float(band * math.floor(percentile / band + 0.5))


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def matches(peer: PeerScores, industry: str = "", size_band: str = "") -> bool:
    """Whether a peer passes the filters (empty filter: any; comparison ignores case)."""
    if industry and _norm(peer.industry) != _norm(industry):
        return False
    return not (size_band and _norm(peer.size_band) != _norm(size_band))


# --- comparability of a peer's scores -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparable:
    """Which of a peer's scores compare with the benchmarked assessment's."""

    elements: frozenset[str]
    overall: bool


def _shared(mine: Element, theirs: Element) -> float:
    """Smaller side's share of scored question weight whose id exists on the other side.

    The rule of :mod:`assessment.core.trends` with stable ids only (no mapping files).
    """
    a = {q.id: q.weight for q in mine.scored_questions}
    b = {q.id: q.weight for q in theirs.scored_questions}
    if not a and not b:
        return 1.0
    both = set(a) & set(b)
    share_a = sum(a[q] for q in both) / sum(a.values()) if sum(a.values()) else 1.0
    share_b = sum(b[q] for q in both) / sum(b.values()) if sum(b.values()) else 1.0
    return min(share_a, share_b)


def comparable_parts(
    mine: Questionnaire,
    my_weights: Mapping[str, float],
    theirs: Questionnaire,
    their_weights: Mapping[str, float],
) -> Comparable:
    """What of a peer (same questionnaire id, possibly another version) compares with mine.

    An element compares when it has the same id in both versions and at least
    :data:`~assessment.core.trends.MIN_SHARED` of its scored question weight exists on both
    sides (the trend rule).  The overall score compares when the weighted elements are the
    same, all comparable, with equal effective weights (overrides included).
    ``*_weights`` are the effective element weights of each assessment.
    """
    if mine.content_hash == theirs.content_hash:
        elements = frozenset(el.id for el in mine.elements)
    else:
        their_elements = {el.id: el for el in theirs.elements}
        elements = frozenset(
            el.id
            for el in mine.elements
            if el.id in their_elements and _shared(el, their_elements[el.id]) >= MIN_SHARED
        )
    mine_w = {k: w for k, w in my_weights.items() if w > 0}
    theirs_w = {k: w for k, w in their_weights.items() if w > 0}
    overall = (
        set(mine_w) == set(theirs_w)
        and set(mine_w) <= elements
        and all(abs(mine_w[k] - theirs_w[k]) <= 1e-9 for k in mine_w)
    )
    return Comparable(elements, overall)


# --- which filters may be answered --------------------------------------------------------


def _rank(rows: list[list[Fraction]]) -> int:
    """Rank of a small matrix over the rationals (exact)."""
    matrix = [row[:] for row in rows if any(row)]
    rank = 0
    columns = len(matrix[0]) if matrix else 0
    for col in range(columns):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        head = matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][col] != 0:
                factor = matrix[r][col] / head[col]
                matrix[r] = [x - factor * y for x, y in zip(matrix[r], head, strict=True)]
        rank += 1
    return rank


def singles_out_few(
    queries: Sequence[frozenset[Cell]], sizes: Mapping[Cell, int], minimum: int = MIN_PEERS
) -> bool:
    """Whether sums and differences of the queries can single out 1…minimum-1 peers.

    Each query is the set of cells (industry, size band) it covers; ``sizes`` counts the
    peers per cell.  An attacker who sees each query's "how many peers score below x" can
    add and subtract them; the results are exactly the vectors of the queries' linear span.
    A vector that is zero outside a set T of cells reveals the scores of T's peers alone.
    For every set T of cells holding 1…minimum-1 peers in total, T is singled out when the
    span loses rank once T's columns are dropped.
    """
    cells = [c for c, n in sizes.items() if n > 0]
    small = [c for c in cells if sizes[c] < minimum]
    if not small or not queries:
        return False

    def matrix(columns: Iterable[Cell]) -> list[list[Fraction]]:
        cols = list(columns)
        return [[Fraction(int(c in q)) for c in cols] for q in queries]

    full = _rank(matrix(cells))
    for k in range(1, minimum):
        for group in combinations(small, k):
            if sum(sizes[c] for c in group) >= minimum:
                continue
            rest = [c for c in cells if c not in group]
            if _rank(matrix(rest)) < full:
                return True
    return False


@dataclass(frozen=True, slots=True)
class Filters:
    """The filter values offered and whether industry × size band combinations are allowed.

    Keys are normalised (case and spacing); ``labels`` gives a display spelling per key.
    """

    industries: tuple[str, ...]
    size_bands: tuple[str, ...]
    combinations: bool
    labels: Mapping[str, str]

    def cell(self, peer: PeerScores) -> Cell:
        """The (industry, size band) cell of a peer; values not offered become OTHER."""
        ind, size = _norm(peer.industry), _norm(peer.size_band)
        return (
            ind if ind in self.industries else OTHER,
            size if size in self.size_bands else OTHER,
        )

    def queries(self) -> list[frozenset[Cell]]:
        """Every answerable filter as the set of cells it covers."""
        rows = (*self.industries, OTHER)
        cols = (*self.size_bands, OTHER)
        grid = [(r, c) for r in rows for c in cols]
        out = [frozenset(grid)]
        out += [frozenset(g for g in grid if g[0] == v) for v in self.industries]
        out += [frozenset(g for g in grid if g[1] == w) for w in self.size_bands]
        if self.combinations:
            out += [frozenset({(v, w)}) for v in self.industries for w in self.size_bands]
        return out


def _offered(values: Sequence[str], minimum: int) -> tuple[str, ...]:
    """Values held by ≥ minimum peers; while 1…minimum-1 peers hold none, drop the smallest.

    With every offered value answerable, "all minus every offered value" is the set of peers
    holding none of them, so that set must be empty or hold at least ``minimum`` peers.
    """
    counts = Counter(v for v in values if v)
    offered = sorted((v for v, n in counts.items() if n >= minimum), key=lambda v: (-counts[v], v))
    while offered and 0 < len(values) - sum(counts[v] for v in offered) < minimum:
        offered.pop()
    return tuple(sorted(offered))


def allowed_filters(peers: Sequence[PeerScores], minimum: int = MIN_PEERS) -> Filters:
    """The filters that may be answered for this pool of peers (see the module doc).

    Industry and size values are offered when at least ``minimum`` peers hold them (rule a);
    combinations are allowed only when no sum or difference of all answerable filters
    singles out fewer than ``minimum`` peers; otherwise only single filters are offered,
    and if even those could be combined to single out a few peers, only industries.
    """
    labels: dict[str, str] = {}
    for p in peers:
        for raw in (p.industry, p.size_band):
            key = _norm(raw)
            if key and (key not in labels or raw.strip() < labels[key]):
                labels[key] = " ".join(raw.split())
    industries = _offered([_norm(p.industry) for p in peers], minimum)
    sizes = _offered([_norm(p.size_band) for p in peers], minimum)
    for candidate in (
        Filters(industries, sizes, True, labels),
        Filters(industries, sizes, False, labels),
        Filters(industries, (), False, labels),
    ):
        sizes_by_cell = Counter(candidate.cell(p) for p in peers)
        if not singles_out_few(candidate.queries(), sizes_by_cell, minimum):
            return candidate
    return Filters((), (), False, labels)  # pragma: no cover - industries alone are safe


def differencing_refused(
    peers: Sequence[PeerScores],
    industry: str,
    size_band: str,
    has_value: Callable[[PeerScores], bool] = lambda p: True,
    minimum: int = MIN_PEERS,
) -> bool:
    """Rule (b): the filter excludes 1…minimum-1 peers relative to a coarser filter it refines.

    Coarser filters: none; the industry alone; the size band alone.  Only peers for which
    ``has_value`` holds count (per element: the peers with a comparable score).
    """
    pool = [p for p in peers if has_value(p)]
    chosen = sum(1 for p in pool if matches(p, industry, size_band))
    coarser: list[tuple[str, str]] = []
    if industry or size_band:
        coarser.append(("", ""))
    if industry and size_band:
        coarser += [(industry, ""), ("", size_band)]
    for ind, size in coarser:
        excluded = sum(1 for p in pool if matches(p, ind, size)) - chosen
        if 0 < excluded < minimum:
            return True
    return False


# --- the benchmark ------------------------------------------------------------------------


def _one(item_id: str, score: float | None, values: Sequence[float], minimum: int) -> Percentile:
    if score is None or len(values) < minimum:
        return Percentile(item_id, score, len(values), None)
    return Percentile(item_id, score, len(values), banded(percentile_of(score, values)))


def _element(element_id: str) -> Callable[[PeerScores], float | None]:
    return lambda p: p.elements.get(element_id)


def _row_safe(
    filters: Filters, holders: Sequence[PeerScores], industry: str, size_band: str, minimum: int
) -> bool:
    """Whether a row (overall or an element) may be shown under a filter: rules (b) and (c)
    for the peers that hold a comparable value for it (``holders``)."""
    if not industry and not size_band:
        return True
    if differencing_refused(holders, industry, size_band, minimum=minimum):
        return False
    sizes = Counter(filters.cell(p) for p in holders)
    return not singles_out_few(filters.queries(), sizes, minimum)


def benchmark(
    overall: float | None,
    elements: Mapping[str, float | None],
    peers: Sequence[PeerScores],
    *,
    industry: str = "",
    size_band: str = "",
    minimum: int = MIN_PEERS,
) -> Benchmark:
    """Percentiles of ``overall`` and each element score among the peers that pass the filters.

    ``peers`` must already be restricted to the same questionnaire id and exclude the
    assessment itself, demo assessments and anything not closed (the service does that);
    the filters here are industry and size band.  A filter value that is not offered, a
    combination that is not allowed, or a filter caught by the differencing guard is
    refused: nothing is shown.  Rows whose comparable peers would break the guard show no
    percentile.
    """
    filters = allowed_filters(peers, minimum)
    industries = tuple(filters.labels[k] for k in filters.industries)
    sizes = tuple(filters.labels[k] for k in filters.size_bands)
    ind, size = _norm(industry), _norm(size_band)
    chosen = [p for p in peers if matches(p, industry, size_band)]
    refused = bool(
        (ind and ind not in filters.industries)
        or (size and size not in filters.size_bands)
        or (ind and size and not filters.combinations)
        or differencing_refused(peers, industry, size_band, minimum=minimum)
    )
    if refused or len(chosen) < minimum:
        return Benchmark(
            len(chosen), minimum, industry, size_band, None, (), refused, industries, sizes
        )

    safe: dict[tuple[tuple[Cell, int], ...], bool] = {}

    def row(
        item_id: str, score: float | None, value: Callable[[PeerScores], float | None]
    ) -> Percentile:
        values = [v for p in chosen if (v := value(p)) is not None]
        holders = [p for p in peers if value(p) is not None]
        key = tuple(sorted(Counter(filters.cell(p) for p in holders).items()))
        key += ((("", str(len([p for p in holders if matches(p, ind, size)]))), 0),)
        if key not in safe:
            safe[key] = _row_safe(filters, holders, ind, size, minimum)
        if not safe[key]:
            return Percentile(item_id, score, len(values), None)
        return _one(item_id, score, values, minimum)

    rows = tuple(row(e, score, _element(e)) for e, score in elements.items())
    return Benchmark(
        len(chosen),
        minimum,
        industry,
        size_band,
        row("overall", overall, lambda p: p.overall),
        rows,
        False,
        industries,
        sizes,
    )
