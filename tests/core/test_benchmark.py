"""Portfolio benchmark: mid-rank percentiles, the five-peer threshold, filters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core.benchmark import (
    MIN_PEERS,
    PeerScores,
    allowed_filters,
    banded,
    benchmark,
    comparable_parts,
    differencing_refused,
    matches,
    percentile_of,
    singles_out_few,
)
from tests.core.test_trends import V1, V2


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
    expected = banded(100 * (below + ties / 2) / len(values))
    assert result.overall.percentile == pytest.approx(expected)
    assert result.elements[0].percentile == pytest.approx(expected)
    assert expected % 5 == 0 and abs(expected - 100 * (below + ties / 2) / len(values)) <= 2.5


def test_percentiles_reported_in_bands_of_five() -> None:
    assert [banded(x) for x in (0, 2.4, 2.5, 12.5, 66.67, 97.5, 100)] == [
        0,
        0,
        5,
        15,
        65,
        100,
        100,
    ]
    # 3 below of 6: 50; 4 below of 6: 66.7 → 65.
    six = [peer(v, crm=v) for v in (10, 20, 30, 70, 80, 90)]
    assert benchmark(50, {"crm": 50}, six).elements[0].percentile == 50.0
    assert benchmark(75, {"crm": 75}, six).elements[0].percentile == 65.0


def test_reviewer_scenario_retail_500_plus_not_revealed() -> None:
    """/tmp/review/t2.py: Retail (6 peers) vs Retail + 11-50 (5) revealed the 500+ client."""
    peers = [PeerScores(s, {"pipeline": s}, "Retail", "11-50") for s in (20, 30, 40, 60, 70)]
    peers.append(PeerScores(55, {"pipeline": 55}, "Retail", "500+"))
    a = benchmark(50, {"pipeline": 50}, peers, industry="Retail")
    b = benchmark(50, {"pipeline": 50}, peers, industry="Retail", size_band="11-50")
    assert a.shown and a.overall is not None and a.overall.n == 6
    # The refinement excludes one peer: refused, nothing to difference against.
    assert not b.shown and b.refused and b.overall is None and b.elements == ()
    # The dropdowns: Retail (6 peers) yes; no size band (11-50 would leave 1 peer outside).
    assert a.industries == ("Retail",) and a.size_bands == ()
    assert differencing_refused(peers, "Retail", "11-50")
    assert not differencing_refused(peers, "Retail", "")


def test_filter_values_offered_only_with_five_peers() -> None:
    peers = [peer(50, "Software", "51-200") for _ in range(5)]
    peers += [peer(50, "Retail", "51-200") for _ in range(5)]
    peers += [peer(50, "Mining", "51-200")]
    filters = allowed_filters(peers)
    # Mining has one peer: not offered; and "all minus Software minus Retail" would be that
    # one peer, so the smaller of the two offered industries is withheld as well.
    assert len(filters.industries) == 1
    result = benchmark(50, {}, peers, industry="Mining")
    assert result.refused and not result.shown
    assert "Mining" not in result.industries
    assert benchmark(50, {}, peers).industries == result.industries


def test_exact_guard_refuses_refinement_excluding_one_to_four() -> None:
    # Both size bands hold 5+ peers (5 and 6), but Retail ∩ 11-50 leaves one Retail out.
    peers = [peer(s, "Retail", "11-50", crm=s) for s in (20, 30, 40, 60, 70)]
    peers.append(peer(55, "Retail", "500+", crm=55))
    peers += [peer(s, "Software", "500+", crm=s) for s in (10, 15, 25, 35, 45)]
    filters = allowed_filters(peers)
    # Rule (b) refuses the combination; rule (c) sees that "Retail − 11-50" alone would
    # single out the peer too, so it withholds the size bands altogether.
    assert differencing_refused(peers, "Retail", "11-50")
    assert not differencing_refused(peers, "Retail", "")
    assert filters.industries == ("retail", "software") and filters.size_bands == ()
    result = benchmark(50, {"crm": 50}, peers, industry="Retail", size_band="11-50")
    assert result.refused and not result.shown and result.overall is None
    assert benchmark(50, {"crm": 50}, peers, industry="Retail").shown


def test_inclusion_exclusion_across_filters_is_caught() -> None:
    # Cells: (A, small)=1, (A, large)=5, (B, small)=5.  A − large isolates the lone peer,
    # though neither single filter excludes fewer than five relative to "no filter".
    cells = {("a", "small"): 1, ("a", "large"): 5, ("b", "small"): 5}
    rows = {"a": frozenset({("a", "small"), ("a", "large")})}
    cols = {"large": frozenset({("a", "large")})}
    everything = frozenset(cells)
    assert singles_out_few([everything, rows["a"], cols["large"]], cells)
    assert not singles_out_few([everything, rows["a"]], cells)
    peers = [peer(50, "A", "small")] + [peer(50, "A", "large") for _ in range(5)]
    peers += [peer(50, "B", "small") for _ in range(5)]
    filters = allowed_filters(peers)
    assert filters.size_bands == () and not filters.combinations
    assert not differencing_refused(peers, "", "large")  # rule (b) alone would allow it
    assert benchmark(50, {}, peers, size_band="large").refused


def test_element_row_hidden_when_its_comparable_peers_difference() -> None:
    # Overall fine under Retail; but only one non-Retail peer has a comparable crm score:
    # "all" minus "Retail" would reveal it, so crm shows no percentile under the filter.
    peers = [peer(50, "Retail", "x", crm=40 + i, pipeline=40 + i) for i in range(5)]
    peers += [peer(50, "Software", "x", crm=None, pipeline=30 + i) for i in range(4)]
    peers += [peer(50, "Software", "x", crm=60, pipeline=60)]
    full = benchmark(50, {"crm": 50, "pipeline": 50}, peers)
    assert all(p.percentile is not None for p in full.elements)
    filtered = benchmark(50, {"crm": 50, "pipeline": 50}, peers, industry="Retail")
    by_id = {p.id: p for p in filtered.elements}
    assert filtered.shown and by_id["pipeline"].percentile is not None
    assert by_id["crm"].percentile is None and by_id["crm"].n == 5


def test_comparable_parts_reuses_trend_rule() -> None:
    w1 = {"a": 1.0, "b": 1.0, "c": 1.0, "e": 1.0}
    same = comparable_parts(V1, w1, V1, w1)
    assert same.elements == {"a", "b", "c", "e"} and same.overall
    # v2: a keeps all 3 questions and adds one (3 of 4 = 75 %: comparable); b was renamed
    # (benchmarks use stable ids only), c is gone, e keeps 1 of 2 questions.
    parts = comparable_parts(V1, w1, V2, {"a": 1.0, "bb": 1.0, "d": 1.0, "e": 1.0})
    assert parts.elements == {"a"} and not parts.overall
    # Same content, other element weights (overrides or a clone): elements yes, overall no.
    weighted = comparable_parts(V1, w1, V1, {**w1, "a": 2.0})
    assert weighted.elements == {"a", "b", "c", "e"} and not weighted.overall
