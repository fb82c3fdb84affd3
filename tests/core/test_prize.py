"""The size of the prize (assessment.core.prize): formulas worked by hand, omissions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.core.prize import (
    AT_TARGET,
    MISSING,
    SELLING_TIME,
    TURNOVER,
    WIN_RATE,
    Figure,
    Inputs,
    size_of_the_prize,
)


def fig(value: float, unit: str = "", source: str = "profile") -> Figure:
    return Figure(value, unit, source)


FULL = Inputs(
    headcount=fig(20, "people"),
    revenue_target=fig(12_000_000, "EUR"),
    ramp_months=fig(6, "months", "answers"),
    turnover=fig(30, "%", "fact"),
    turnover_target=fig(15, "%", "band"),
    win_rate=fig(20, "%", "crm"),
    win_rate_target=fig(25, "%", "band"),
    open_pipeline=fig(4_000_000, "EUR", "crm"),
    selling_time=fig(30, "%", "answers"),
    selling_time_target=fig(40, "%", "band"),
    currency="EUR",
)


def test_each_lever_worked_by_hand() -> None:
    prize = size_of_the_prize(FULL)
    by_id = {lv.id: lv for lv in prize.levers}
    assert prize.omitted == ()
    # Turnover: 20 · 15/100 = 3 leavers avoided; 12,000,000 / 20 / 12 = 50,000 a month;
    # 3 · 50,000 · 6/2 = 450,000 … 3 · 50,000 · 6 = 900,000.
    assert (by_id[TURNOVER].low, by_id[TURNOVER].high) == pytest.approx((450_000, 900_000))
    # Win rate: 4,000,000 · 5/100 = 200,000 at most, half of it at least.
    assert (by_id[WIN_RATE].low, by_id[WIN_RATE].high) == pytest.approx((100_000, 200_000))
    # Selling time: 12,000,000 · (40 − 30)/30 = 4,000,000 at most.
    assert (by_id[SELLING_TIME].low, by_id[SELLING_TIME].high) == pytest.approx(
        (2_000_000, 4_000_000)
    )
    assert (prize.low, prize.high) == pytest.approx((2_550_000, 5_100_000))
    assert dict(by_id[TURNOVER].inputs)["R"].source == "answers"


def test_missing_inputs_are_named_never_invented() -> None:
    prize = size_of_the_prize(Inputs(headcount=fig(10), currency="PLN"))
    assert prize.levers == () and (prize.low, prize.high) == (0, 0)
    by_id = {o.id: o for o in prize.omitted}
    assert by_id[TURNOVER].reason == MISSING
    assert by_id[TURNOVER].missing == (
        "revenue_target",
        "ramp_months",
        "turnover",
        "turnover_target",
    )
    assert by_id[WIN_RATE].missing == ("open_pipeline", "win_rate", "win_rate_target")


def test_levers_at_target_are_omitted() -> None:
    at = Inputs(
        **{
            **FULL.__dict__,
            "turnover": fig(10, "%"),
            "win_rate": fig(30, "%"),
            "selling_time": fig(45, "%"),
        }
    )
    prize = size_of_the_prize(at)
    assert prize.levers == ()
    assert {o.reason for o in prize.omitted} == {AT_TARGET}


@given(
    st.floats(1, 500),
    st.floats(1e4, 1e9),
    st.floats(0.5, 24),
    st.floats(0, 150),
    st.floats(0, 150),
)
def test_ranges_are_ordered_and_non_negative(
    h: float, t: float, r: float, t0: float, t1: float
) -> None:
    prize = size_of_the_prize(
        Inputs(
            headcount=fig(h),
            revenue_target=fig(t),
            ramp_months=fig(r),
            turnover=fig(t0),
            turnover_target=fig(t1),
        )
    )
    for lever in prize.levers:
        assert 0 <= lever.low <= lever.high
    assert (len(prize.levers) == 1) == (t1 < t0)
