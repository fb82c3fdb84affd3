"""The four forecasting methods of the sales-operations article (seed 001), worked by hand."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from assessment.core.crm import CrmInputError, Opportunity, StageTable, Status, compute_kpis
from assessment.core.forecast_methods import (
    METHODS,
    CurrencyForecast,
    ForecastMethods,
    ForecastOptions,
    MethodForecast,
    accuracy,
    compare_forecasts,
    cycle_age_probability,
    forecast_methods,
    forecast_month,
    message_of,
    run_rate,
    stage_weighted,
)
from assessment.messages import Message

AS_OF = date(2024, 7, 1)  # forecast month: August 2024
W, L, O = Status.WON, Status.LOST, Status.OPEN  # noqa: E741


def deal(
    id: str,
    status: Status,
    amount: float,
    created: date | str,
    close: date | str | None,
    stage: str = "",
    currency: str = "EUR",
    category: str = "",
) -> Opportunity:
    def day(value: date | str | None) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) else value

    created_day = day(created)
    assert created_day is not None
    return Opportunity(
        id=id,
        stage=stage or status.value,
        amount=amount,
        created=created_day,
        status=status,
        currency=currency,
        close=day(close),
        forecast_category=category,
    )


def methods_of(deals: list[Opportunity], options: ForecastOptions | None = None) -> ForecastMethods:
    return forecast_methods(deals, compute_kpis(deals, as_of=AS_OF), options=options)


def method(block: CurrencyForecast | None, name: str) -> MethodForecast:
    assert block is not None
    found = block.method(name)
    assert found is not None
    return found


def values(block: CurrencyForecast | None) -> dict[str, float | None]:
    assert block is not None
    return {m.method: m.value for m in block.methods}


# Won deals that took 120 days (about four months) each, closed in the 90 days up to 1 July.
WON_120 = [
    deal("W1", W, 10_000, AS_OF - timedelta(days=130), AS_OF - timedelta(days=10)),
    deal("W2", W, 20_000, AS_OF - timedelta(days=170), AS_OF - timedelta(days=50)),
]


def test_the_forecast_month_is_the_month_after_the_as_of_date() -> None:
    assert forecast_month(date(2024, 7, 1)) == (date(2024, 8, 1), date(2024, 8, 31))
    assert forecast_month(date(2024, 1, 31)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert forecast_month(date(2024, 12, 15)) == (date(2025, 1, 1), date(2025, 1, 31))


def test_stage_weighted_a_1000_deal_in_trial_at_60_percent_is_600() -> None:
    trial = deal("T", O, 1000, "2024-06-01", "2024-08-20", "Trial")
    assert stage_weighted([trial], StageTable()).value == pytest.approx(600)
    fm = methods_of([*WON_120, trial])
    assert values(fm.currencies[0])["stage_weighted"] == pytest.approx(600)
    assert fm.to_dict()["month"] == "2024-08"


def test_cycle_age_two_months_into_a_four_month_cycle_is_50_percent() -> None:
    assert cycle_age_probability(60, 120) == 0.5
    assert cycle_age_probability(150, 120) == 1.0  # capped at 100 %
    young = deal("Y", O, 1000, AS_OF - timedelta(days=60), "2024-08-20", "Trial")
    fm = methods_of([*WON_120, young])
    assert fm.median_won_cycle_days == 120
    eur = fm.currencies[0]
    assert values(eur)["cycle_age"] == pytest.approx(500)
    line = method(eur, "cycle_age").assumes
    assert "median won cycle of 120 days" in line and "older than 240 days" in line


def test_deals_older_than_twice_the_median_cycle_are_stale_and_count_zero() -> None:
    stale = deal("S", O, 5000, AS_OF - timedelta(days=241), "2024-08-10", "Trial")
    edge = deal("E", O, 1000, AS_OF - timedelta(days=240), "2024-08-11", "Trial")
    assert cycle_age_probability(241, 120) == 0.0
    assert cycle_age_probability(240, 120) == 1.0  # exactly twice: not yet stale
    fm = methods_of([*WON_120, stale, edge])
    cycle = fm.currencies[0].method("cycle_age")
    assert cycle is not None and cycle.value == pytest.approx(1000) and cycle.deals == 1
    assert "1 deal older than 240 days is stale" in cycle.assumes
    # the stage-weighted method does not know about age: both at trial 60 %
    assert values(fm.currencies[0])["stage_weighted"] == pytest.approx(3600)


def test_the_articles_run_rate_example_is_1175000_not_1075000() -> None:
    # 1,000,000 a month (3,000,000 in 90 days) + 5 % growth + 5 new reps × 5 deals × 5,000.
    # The article prints 1,075,000, counting the new reps as 25,000 instead of 125,000.
    article = run_rate(3_000_000, growth=0.05, new_reps=5, new_rep_deals=5, deal_size=5000)
    assert article.value == pytest.approx(1_175_000)
    assert str(article.assumes) == (
        "Won in the last 90 days (3,000,000) ÷ 3 = 1,000,000 a month, plus 5 % growth, "
        "plus 5 new reps × 5 deals × 5,000."
    )
    won = [
        deal(f"W{i}", W, 1_000_000, AS_OF - timedelta(days=100), AS_OF - timedelta(days=i))
        for i in (1, 30, 89)
    ]
    old = deal("OLD", W, 9_000_000, "2024-01-01", AS_OF - timedelta(days=90))  # day 91: out
    options = ForecastOptions.build(growth="5", new_reps="5", new_rep_deals="5",
                                    new_rep_deal_size="5000")  # fmt: skip
    eur = methods_of([*won, old], options).currencies[0]
    assert values(eur)["run_rate"] == pytest.approx(1_175_000)
    assert method(eur, "run_rate").deals == 3
    assert eur.won_last_90_days == 3_000_000


def test_new_reps_default_to_the_average_won_deal_of_the_last_365_days() -> None:
    older = deal("W0", W, 90_000, "2022-01-01", "2023-01-01")  # outside the 365 days
    options = ForecastOptions.build(new_reps=2, new_rep_deals=1.5)
    eur = methods_of([*WON_120, older], options).currencies[0]
    assert eur.average_won_deal == 15_000  # (10,000 + 20,000) / 2
    # 30,000 / 3 = 10,000 a month + 2 reps × 1.5 deals × 15,000 = 45,000
    assert values(eur)["run_rate"] == pytest.approx(55_000)


def test_commit_needs_a_forecast_category_column_and_says_why_it_is_absent() -> None:
    due = deal("C", O, 4000, "2024-06-01", "2024-08-05", "Trial")
    eur = methods_of([*WON_120, due]).currencies[0]
    commit = eur.method("commit")
    assert commit is not None and commit.value is None
    assert commit.absent is not None and commit.absent.code == "forecast.absent.no_category"
    assert "Forecast Category" in commit.absent
    assert [m.method for m in eur.methods] == list(METHODS)  # still listed, with the reason

    deals = [
        *WON_120,
        deal("C1", O, 4000, "2024-06-01", "2024-08-05", "Trial", category="Commit"),
        deal("C2", O, 3000, "2024-06-01", "2024-08-06", "Demo", category="Committed"),
        deal("B1", O, 9000, "2024-06-01", "2024-08-07", "Demo", category="Best Case"),
        deal("P1", O, 8000, "2024-06-01", "2024-08-08", "Demo", category="Pipeline"),
        deal("C3", O, 7000, "2024-06-01", "2024-09-08", "Demo", category="Commit"),  # September
    ]
    commit = methods_of(deals).currencies[0].method("commit")
    assert commit is not None and commit.value == 7000 and commit.deals == 2 and not commit.absent


def test_several_currencies_are_forecast_separately() -> None:
    deals = [
        *WON_120,
        deal(
            "P1", W, 30_000, AS_OF - timedelta(days=70), AS_OF - timedelta(days=5), currency="PLN"
        ),
        deal("E1", O, 1000, "2024-06-01", "2024-08-20", "Trial"),
        deal("P2", O, 2000, "2024-06-01", "2024-08-21", "Demo", currency="PLN"),
    ]
    fm = methods_of(deals)
    eur, pln = fm.currency("EUR"), fm.currency("PLN")
    assert eur is not None and pln is not None
    assert values(eur)["stage_weighted"] == pytest.approx(600)
    assert values(pln)["stage_weighted"] == pytest.approx(800)  # demo 40 %
    assert values(eur)["run_rate"] == pytest.approx(10_000)  # 30,000 / 3
    assert values(pln)["run_rate"] == pytest.approx(10_000)
    # New reps' deals are in one currency: it must be named when there are several.
    with pytest.raises(CrmInputError) as err:
        methods_of(deals, ForecastOptions.build(new_reps=1, new_rep_deals=2))
    assert err.value.code == "forecast.new_rep_currency_needed"
    assert "EUR, PLN" in str(err.value)
    with pytest.raises(CrmInputError) as err:
        methods_of(
            deals, ForecastOptions.build(new_reps=1, new_rep_deals=2, new_rep_currency="USD")
        )
    assert err.value.code == "forecast.new_rep_currency"
    fm = methods_of(
        deals, ForecastOptions.build(new_reps=1, new_rep_deals=2, new_rep_currency="pln")
    )
    # PLN: 10,000 + 1 × 2 × 30,000; EUR unchanged
    assert values(fm.currency("PLN"))["run_rate"] == pytest.approx(70_000)
    assert values(fm.currency("EUR"))["run_rate"] == pytest.approx(10_000)


def test_no_close_dates_or_no_won_cycle_leave_the_methods_without_a_figure() -> None:
    undated = [deal("U", O, 1000, "2024-06-01", None, "Trial")]
    eur = methods_of(undated).currencies[0]
    for name in ("stage_weighted", "cycle_age", "commit"):
        m = method(eur, name)
        assert m.value is None and m.absent is not None
    assert method(eur, "cycle_age").absent == Message("forecast.absent.no_won_cycle")
    assert method(eur, "stage_weighted").absent == Message("forecast.absent.no_close_dates")
    assert values(eur)["run_rate"] == 0  # nothing won in the 90 days: a forecast of 0


def test_notes_count_deals_the_month_cannot_hold() -> None:
    deals = [
        *WON_120,
        deal("U", O, 1000, "2024-06-01", None, "Trial"),
        deal("D", O, 1000, "2024-06-01", "2024-06-20", "Trial"),  # overdue
        deal("X", O, 1000, "2024-06-01", "2024-08-20", "Proposal"),  # no probability
    ]
    codes = [n.code for n in methods_of(deals).notes]
    assert codes == [
        "forecast.note.undated",
        "forecast.note.before_month",
        "forecast.note.no_probability",
    ]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"growth": "abc"}, "forecast.growth"),
        ({"growth": "-101"}, "forecast.growth"),
        ({"growth": "inf"}, "forecast.growth"),
        ({"new_reps": "2.5", "new_rep_deals": "1"}, "forecast.new_reps"),
        ({"new_reps": "-1"}, "forecast.new_reps"),
        ({"new_reps": "2", "new_rep_deals": "-1"}, "forecast.new_rep_deals"),
        ({"new_reps": "2", "new_rep_deals": "1", "new_rep_deal_size": "0"},
         "forecast.new_rep_deal_size"),
        ({"new_reps": "2", "new_rep_deals": "1", "new_rep_currency": "euro"},
         "forecast.currency_code"),
        ({"new_reps": "2"}, "forecast.new_rep_deals_needed"),
        ({"new_rep_deals": "3"}, "forecast.new_reps_needed"),
        ({"new_rep_deal_size": "5000"}, "forecast.new_reps_needed"),
    ],
)  # fmt: skip
def test_options_are_validated_with_coded_messages(kwargs: dict[str, str], code: str) -> None:
    with pytest.raises(CrmInputError) as err:
        ForecastOptions.build(**kwargs)
    assert err.value.code == code


def test_options_accept_typed_numbers() -> None:
    o = ForecastOptions.build(growth="5 %", new_reps="5", new_rep_deals="2,5",
                              new_rep_deal_size="5 000")  # fmt: skip
    assert (o.growth, o.new_reps, o.new_rep_deals, o.new_rep_deal_size) == (0.05, 5, 2.5, 5000)
    assert ForecastOptions.build(growth="\u22123").growth == pytest.approx(-0.03)
    assert ForecastOptions.build() == ForecastOptions()


def test_new_reps_without_a_deal_size_or_won_deals_are_refused() -> None:
    deals = [deal("E1", O, 1000, "2024-06-01", "2024-08-20", "Trial")]
    with pytest.raises(CrmInputError) as err:
        methods_of(deals, ForecastOptions.build(new_reps=1, new_rep_deals=2))
    assert err.value.code == "forecast.deal_size_unknown"


def test_json_shape_round_trips_and_messages_rebuild() -> None:
    trial = deal("T", O, 1000, "2024-06-01", "2024-08-20", "Trial")
    d = json.loads(json.dumps(methods_of([*WON_120, trial]).to_dict()))
    assert d["start"] == "2024-08-01" and d["end"] == "2024-08-31" and d["as_of"] == "2024-07-01"
    block = d["currencies"][0]
    assert block["currency"] == "EUR" and [m["method"] for m in block["methods"]] == list(METHODS)
    first = block["methods"][0]
    assert first["value"] == 600 and first["assumes"]["code"] == "forecast.assumes.stage_weighted"
    run = block["methods"][2]
    rebuilt = message_of(run["assumes"])
    assert rebuilt is not None and str(rebuilt) == run["assumes"]["text"]
    assert message_of(None) is None and message_of({"code": 3}) is None
    # won amounts of the closed months the export covers (W2 was created on 13 January)
    assert block["won_by_month"] == {
        "2024-01": 0, "2024-02": 0, "2024-03": 0, "2024-04": 0, "2024-05": 20000, "2024-06": 10000,
    }  # fmt: skip


def test_accuracy_is_one_minus_the_miss_as_a_share_of_actual() -> None:
    assert accuracy(900, 1000) == pytest.approx(0.9)
    assert accuracy(1100, 1000) == pytest.approx(0.9)
    assert accuracy(2500, 1000) == 0.0  # a miss of 100 % or more counts as 0
    assert accuracy(100, 0) is None  # nothing won: not measurable


def test_an_earlier_forecast_is_compared_with_a_later_upload() -> None:
    # As of 1 July the team expects August: trial 1,000 → 600 stage-weighted.
    trial = deal("T", O, 1000, "2024-06-01", "2024-08-20", "Trial")
    july = methods_of([*WON_120, trial]).to_dict()
    # As of 2 September the deal was won in August for 800 (plus 400 of another deal).
    won_t = deal("T", W, 800, "2024-06-01", "2024-08-20")
    extra = deal("X", W, 400, "2024-08-01", "2024-08-25")
    later = [*WON_120, won_t, extra]
    sept = forecast_methods(later, compute_kpis(later, as_of=date(2024, 9, 2))).to_dict()
    assert sept["currencies"][0]["won_by_month"]["2024-08"] == 1200
    (month,) = compare_forecasts([("upload 1", july)], sept)
    assert (month.month, month.currency, month.actual, month.source) == (
        "2024-08",
        "EUR",
        1200,
        "upload 1",
    )
    by = {m.method: m for m in month.methods}
    assert by["stage_weighted"].forecast == 600
    assert by["stage_weighted"].accuracy == pytest.approx(0.5)  # 1 − 600 / 1200
    # run rate as of 1 July: 30,000 / 3 = 10,000 against 1,200: a miss of more than 100 %
    assert by["run_rate"].accuracy == 0.0
    assert "commit" not in by  # no figure, nothing to compare
    # a month that has not closed yet by the later upload is not compared
    assert compare_forecasts([("upload 1", july)], july) == ()
    # the latest forecast of the month wins over an earlier one
    mid = dict(july, as_of="2024-07-20")
    (again,) = compare_forecasts([("first", july), ("second", mid)], sept)
    assert again.source == "second" and again.forecast_as_of == "2024-07-20"
