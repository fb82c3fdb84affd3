"""Portfolio benchmark: where an assessment's scores stand among the workspace's others.

Pure.  The peers are plain score sets with the two attributes the filters use (industry and
size band); they carry no client name and no id, so nothing here can reveal who a peer is.

Definition (see ``docs/trends.md``)::

    percentile(x) = 100 × (number of peers scoring below x + ½ × number scoring exactly x)
                    / number of peers

The "mid-rank" percentile: 0 when every peer scored higher, 100 when every peer scored lower,
50 when all scored the same.  It lies in [0, 100] and never decreases when ``x`` grows.

Only the percentile and the number of peers are reported, never a peer's score or an
aggregate of peer scores (with five peers a median *is* one peer's score).  Nothing is shown
unless at least :data:`MIN_PEERS` peers qualify; per element, only peers that have a score
for that element count, and the element is shown only when they are at least
:data:`MIN_PEERS` as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MIN_PEERS = 5
"""Fewest peer assessments a percentile is shown for."""


@dataclass(frozen=True, slots=True)
class PeerScores:
    """A closed peer assessment's scores and the client attributes the filters use."""

    overall: float | None
    elements: Mapping[str, float | None]
    industry: str = ""
    size_band: str = ""


@dataclass(frozen=True, slots=True)
class Percentile:
    """An element's (or the overall) percentile among ``n`` peers; None below the minimum."""

    id: str
    score: float | None
    n: int
    percentile: float | None


@dataclass(frozen=True, slots=True)
class Benchmark:
    """Percentiles of one assessment among its peers.

    ``shown`` is False when fewer than ``minimum`` peers qualify; then ``overall`` is None
    and ``elements`` is empty, so a template cannot show anything by mistake.
    """

    qualifying: int
    minimum: int
    industry: str
    size_band: str
    overall: Percentile | None
    elements: tuple[Percentile, ...] = field(default_factory=tuple)

    @property
    def shown(self) -> bool:
        """True when enough peers qualify to show percentiles."""
        return self.qualifying >= self.minimum


def percentile_of(value: float, peers: Sequence[float]) -> float:
    """Mid-rank percentile of ``value`` among ``peers`` (share below plus half the ties)."""
    if not peers:
        raise ValueError("a percentile needs at least one peer")
    below = sum(1 for p in peers if p < value)
    ties = sum(1 for p in peers if p == value)
    return 100.0 * (below + 0.5 * ties) / len(peers)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def matches(peer: PeerScores, industry: str = "", size_band: str = "") -> bool:
    """Whether a peer passes the filters (empty filter: any; comparison ignores case)."""
    if industry and _norm(peer.industry) != _norm(industry):
        return False
    return not (size_band and _norm(peer.size_band) != _norm(size_band))


def _one(item_id: str, score: float | None, values: Sequence[float], minimum: int) -> Percentile:
    if score is None or len(values) < minimum:
        return Percentile(item_id, score, len(values), None)
    return Percentile(item_id, score, len(values), percentile_of(score, values))


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

    ``peers`` must already exclude the assessment itself, demo assessments and anything not
    closed (the service does that); the filters here are industry and size band.
    """
    chosen = [p for p in peers if matches(p, industry, size_band)]
    if len(chosen) < minimum:
        return Benchmark(len(chosen), minimum, industry, size_band, None, ())
    overall_values = [p.overall for p in chosen if p.overall is not None]
    rows = []
    for element_id, score in elements.items():
        values = [v for p in chosen if (v := p.elements.get(element_id)) is not None]
        rows.append(_one(element_id, score, values, minimum))
    return Benchmark(
        len(chosen),
        minimum,
        industry,
        size_band,
        _one("overall", overall, overall_values, minimum),
        tuple(rows),
    )
