"""Portfolio benchmark: mid-rank percentiles, the five-peer threshold, filters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core.benchmark import (
    MIN_PEERS,
    PeerScores,
    benchmark,
    matches,
    percentile_of,
)


def peer(
    overall: float | None, industry: str = "Software", size: str = "51-200", **els: float | None
) -> PeerScores:
    return PeerScores(overall, els, industry, size)


def test_percentile_by_hand() -> None:
    # 2 below, 1 tie, 2 above of 5: (2 + 0.5) / 5 = 50 %.
    assert percentile_of(60, [40, 50, 60, 70, 80]) == pytest.approx(50.0)
    # Everyone below: 100; everyone above: 0; everyone equal: 50.
    assert percentile_of(90, [40, 50, 60, 70, 80]) == 100.0
    assert percentile_of(10, [40, 50, 60, 70, 80]) == 0.0
    assert percentile_of(55, [55, 55, 55, 55, 55]) == 50.0
    # 3 below, 2 ties of 6: (3 + 1) / 6.
    assert percentile_of(70, [10, 20, 30, 70, 70, 90]) == pytest.approx(400 / 6)
    with pytest.raises(ValueError):
        percentile_of(1, [])


def test_threshold_five() -> None:
    four = [peer(50, crm=50) for _ in range(4)]
    hidden = benchmark(60, {"crm": 60}, four)
    assert not hidden.shown
    assert hidden.qualifying == 4 and hidden.minimum == MIN_PEERS == 5
    assert hidden.overall is None and hidden.elements == ()
    shown = benchmark(60, {"crm": 60}, [*four, peer(70, crm=70)])
    assert shown.shown and shown.qualifying == 5
    assert shown.overall is not None and shown.overall.percentile == pytest.approx(80.0)
    (crm,) = shown.elements
    assert crm.percentile == pytest.approx(80.0) and crm.n == 5


def test_element_needs_five_scored_peers() -> None:
    peers = [peer(50, crm=50, pipeline=None) for _ in range(3)] + [
        peer(50, crm=50, pipeline=40) for _ in range(3)
    ]
    result = benchmark(60, {"crm": 60, "pipeline": 45, "other": 10}, peers)
    by_id = {p.id: p for p in result.elements}
    assert by_id["crm"].percentile == 100.0 and by_id["crm"].n == 6
    assert by_id["pipeline"].percentile is None and by_id["pipeline"].n == 3
    assert by_id["other"].percentile is None and by_id["other"].n == 0


def test_own_unscored_element_has_no_percentile() -> None:
    result = benchmark(None, {"crm": None}, [peer(50, crm=50) for _ in range(5)])
    assert result.shown
    assert result.overall is not None and result.overall.percentile is None
    assert result.elements[0].percentile is None


def test_filters_industry_and_size_band() -> None:
    peers = [peer(10 * i, "Software", "51-200", crm=10 * i) for i in range(5)] + [
        peer(90, "Retail", "1-50", crm=90) for _ in range(5)
    ]
    assert benchmark(45, {"crm": 45}, peers).qualifying == 10
    software = benchmark(45, {"crm": 45}, peers, industry="software")
    assert software.qualifying == 5 and software.industry == "software"
    assert software.elements[0].percentile == pytest.approx(100.0 * 5 / 5)
    retail = benchmark(45, {"crm": 45}, peers, industry="Retail", size_band="1-50")
    assert retail.qualifying == 5 and retail.elements[0].percentile == 0.0
    mixed = benchmark(45, {"crm": 45}, peers, industry="Retail", size_band="51-200")
    assert mixed.qualifying == 0 and not mixed.shown
    assert matches(peer(1, " Software  "), industry="software")
    assert not matches(peer(1, size="1-50"), size_band="51-200")


scores = st.floats(0, 100, allow_nan=False)


@given(st.lists(scores, min_size=1, max_size=40), scores, scores)
def test_percentile_in_range_and_monotone(peers: list[float], x: float, y: float) -> None:
    px, py = percentile_of(x, peers), percentile_of(y, peers)
    assert 0.0 <= px <= 100.0 and 0.0 <= py <= 100.0
    if x <= y:
        assert px <= py
    else:
        assert px >= py


@given(st.lists(scores, min_size=5, max_size=30), scores)
def test_benchmark_percentiles_match_definition(values: list[float], x: float) -> None:
    result = benchmark(x, {"e": x}, [peer(v, e=v) for v in values])
    assert result.shown and result.overall is not None
    below = sum(v < x for v in values)
    ties = sum(v == x for v in values)
    expected = 100 * (below + ties / 2) / len(values)
    assert result.overall.percentile == pytest.approx(expected)
    assert result.elements[0].percentile == pytest.approx(expected)
