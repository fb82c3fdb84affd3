"""``saleshealth crm-kpis``: table, JSON, mapping, quota and errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import main

CRM = Path(__file__).parents[1] / "data" / "crm"


def run(*args: str) -> object:
    return CliRunner().invoke(main, ["crm-kpis", *args])


def test_table_output() -> None:
    result = CliRunner().invoke(
        main,
        [
            "crm-kpis",
            "--opportunities",
            str(CRM / "salesforce.csv"),
            "--quota",
            "4000",
            "--as-of",
            "2024-07-01",
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Deals: 9 (4 open, 2 won, 3 lost) - as of 2024-07-01" in out
    assert "Win rate (count):        40.0 %" in out
    assert "Median sales cycle:      40 days" in out
    assert "Weighted pipeline:     5,000" in out
    assert "Win rate (count):        40.0 % - deals closed 2023-07-03 to 2024-07-01" in out
    assert "Quota:                   4,000 EUR for 2024-07-01 to 2024-09-30" in out
    # qualified or later, closing in Q3 2024: O1 1000 + O3 5000 = 6000; 6000 / 4000
    assert "Qualified, closing 2024-07-01 to 2024-09-30: 6,000" in out
    assert "Coverage of quota:     1.50x (qualified or later, closing in the quota period)" in out
    assert "Whole open pipeline / quota: 3.00x (weighted 1.25x)" in out
    assert "2024-07            2         6,000         4,600" in out
    assert "Price" in out and "006O2" in out and "(since created)" in out
    assert (
        "Note: stages without a probability are left out of the weighted pipeline and of the "
        "quota-period coverage: Proposal/Price Quote" in out
    )


def test_json_with_mapping_xlsx_and_quota() -> None:
    result = CliRunner().invoke(
        main,
        [
            "crm-kpis",
            "--opportunities",
            str(CRM / "polish_custom.csv"),
            "--mapping",
            str(CRM / "polish_MAP.yaml"),
            "--quota",
            "4000",
            "--json",
            "--as-of",
            "2024-07-01",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["columns"]["amount"] == ["Wartość brutto"]
    pln = data["currencies"][0]
    # trial 65 % and proposal 50 % from the mapping: 650 + 400 + 4000 + 1000
    assert pln["currency"] == "PLN" and pln["weighted_pipeline"] == 6050
    assert data["metrics"]["crm.win_rate"] == 40.0
    # O1 trial 1000 + O3 contract sent 5000 + O4 proposal (50 % from the mapping) 2000,
    # all closing in Q3 2024: 8000 / 4000
    assert data["metrics"]["crm.pipeline_coverage"] == 2.0
    assert pln["period_pipeline"] == 8000 and pln["whole_pipeline_coverage"] == 3.0
    assert data["quota_period"] == {"start": "2024-07-01", "end": "2024-09-30"}
    assert data["win_rate_period"]["start"] == "2023-07-03"
    xlsx = CliRunner().invoke(
        main, ["crm-kpis", "--opportunities", str(CRM / "pipedrive.xlsx"), "--json"]
    )
    assert xlsx.exit_code == 0, xlsx.output
    assert json.loads(xlsx.output)["deals"]["total"] == 9


def test_bad_file_exits_2_with_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,stage,amount,created\nA,demo,x,2024-01-01\nB,demo,1,yesterday\n")
    result = CliRunner().invoke(main, ["crm-kpis", "--opportunities", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}: row 2, column 'amount': not an amount: 'x'" in result.stderr
    assert f"{bad}: row 3, column 'created': not a date: 'yesterday'" in result.stderr
    assert "nothing was computed" in result.stderr
    assert result.stdout == ""


def test_mixed_currencies_need_a_quota_currency(tmp_path: Path) -> None:
    f = tmp_path / "mixed.csv"
    f.write_text(
        "id,stage,amount,currency,created\nA,demo,100,EUR,2024-01-01\nB,demo,300,USD,2024-01-01\n"
    )
    result = CliRunner().invoke(main, ["crm-kpis", "--opportunities", str(f), "--quota", "100"])
    assert result.exit_code == 2
    assert (
        "deals are in several currencies (EUR, USD): say which currency the quota is in"
        in result.stderr
    )
    ok = CliRunner().invoke(
        main,
        ["crm-kpis", "--opportunities", str(f), "--quota", "100", "--quota-currency", "USD"],
    )
    assert ok.exit_code == 0, ok.output
    assert "Amounts in EUR:" in ok.output and "Amounts in USD:" in ok.output
    assert "Whole open pipeline / quota: 3.00x" in ok.output
    # no close dates: nothing falls in the quota period
    assert "Coverage of quota:     0.00x" in ok.output


def test_bad_mapping_exits_2(tmp_path: Path) -> None:
    m = tmp_path / "MAP.yaml"
    m.write_text("columns: [1, 2]\n")
    result = CliRunner().invoke(
        main, ["crm-kpis", "--opportunities", str(CRM / "hubspot.csv"), "--mapping", str(m)]
    )
    assert result.exit_code == 2
    assert f"{m}: columns: expected a mapping of field: header" in result.stderr


@pytest.mark.parametrize(
    ("quota", "message"),
    [
        ("nan", "error: the quota must be a finite amount above 0 (got nan)"),
        ("inf", "error: the quota must be a finite amount above 0 (got inf)"),
        ("-inf", "error: the quota must be a finite amount above 0 (got -inf)"),
        ("-4000", "error: the quota must be an amount above 0 (got -4000)"),
    ],
)
def test_non_finite_or_negative_quota_exits_2(quota: str, message: str) -> None:
    for extra in ([], ["--json"]):
        result = run("--opportunities", str(CRM / "salesforce.csv"), f"--quota={quota}", *extra)
        assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
        assert message in result.stderr  # type: ignore[attr-defined]
        assert result.stdout == ""  # type: ignore[attr-defined]


def test_explicit_quota_period() -> None:
    args = ["--opportunities", str(CRM / "salesforce.csv"), "--quota", "4000", "--json"]
    result = run(*args, "--as-of", "2024-07-01", "--period-start", "2024-07-01",
                 "--period-end", "2024-07-31")  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    data = json.loads(result.output)  # type: ignore[attr-defined]
    # July only: O1 1000 + O3 5000 (both in July) = 6000 / 4000
    assert data["metrics"]["crm.pipeline_coverage"] == 1.5
    assert data["quota_period"] == {"start": "2024-07-01", "end": "2024-07-31"}
    half = run(*args, "--period-start", "2024-07-01")
    assert half.exit_code == 2  # type: ignore[attr-defined]
    assert "give both --period-start and --period-end" in half.stderr  # type: ignore[attr-defined]


# -- the forecasting methods -----------------------------------------------------------------

# Three wins of 1,000,000 in the 90 days up to 1 July 2024 (1,000,000 a month) and open deals
# due in August, the month after the as-of date; the reps' forecast category is exported.
ARTICLE = (
    "Opportunity ID,Stage,Amount,Currency,Created Date,Close Date,Forecast Category\n"
    "W1,Closed Won,1000000,USD,2024-02-01,2024-06-30,Closed\n"
    "W2,Closed Won,1000000,USD,2024-03-01,2024-05-31,Closed\n"
    "W3,Closed Won,1000000,USD,2024-01-15,2024-04-15,Closed\n"
    "O1,Trial,1000,USD,2024-05-02,2024-08-20,Commit\n"
    "O2,Demo,2000,USD,2024-06-01,2024-08-25,Best Case\n"
)


def _article(tmp_path: Path, *extra: str) -> object:
    path = tmp_path / "deals.csv"
    path.write_text(ARTICLE, encoding="utf-8")
    return run("--opportunities", str(path), "--as-of", "2024-07-01", *extra)


def test_json_forecast_methods_with_the_articles_run_rate(tmp_path: Path) -> None:
    # 1,000,000 + 5 % growth + 5 new reps × 5 deals × 5,000 = 1,175,000 (the article prints
    # 1,075,000: it counted the new reps as 25,000).
    result = _article(
        tmp_path,
        "--growth", "5", "--new-reps", "5", "--new-rep-deals", "5",
        "--new-rep-deal-size", "5000", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    fm = json.loads(result.stdout)["forecast_methods"]  # type: ignore[attr-defined]
    assert (fm["month"], fm["start"], fm["end"]) == ("2024-08", "2024-08-01", "2024-08-31")
    assert fm["options"]["growth_percent"] == 5 and fm["options"]["new_reps"] == 5
    (usd,) = fm["currencies"]
    methods = {m["method"]: m for m in usd["methods"]}
    assert list(methods) == ["stage_weighted", "cycle_age", "run_rate", "commit"]
    assert methods["run_rate"]["value"] == 1_175_000
    assert methods["run_rate"]["assumes"]["text"] == (
        "Won in the last 90 days (3,000,000) ÷ 3 = 1,000,000 a month, plus 5 % growth, "
        "plus 5 new reps × 5 deals × 5,000."
    )
    assert methods["stage_weighted"]["value"] == 1400  # 1000 × 60 % + 2000 × 40 %
    assert methods["commit"]["value"] == 1000 and methods["commit"]["absent"] is None
    # won cycles 150, 91 and 91 days → median 91; O1 is 60 days old, O2 30 days
    assert fm["median_won_cycle_days"] == 91
    assert methods["cycle_age"]["value"] == pytest.approx(1000 * 60 / 91 + 2000 * 30 / 91, 0.01)
    assert usd["average_won_deal"] == 1_000_000


def test_table_shows_the_methods_side_by_side(tmp_path: Path) -> None:
    result = _article(tmp_path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.output  # type: ignore[attr-defined]
    assert "Forecast for August 2024 (2024-08-01 to 2024-08-31):" in out
    assert "Historical run rate                    1,000,000" in out
    assert "assumes: Won in the last 90 days (3,000,000) ÷ 3 = 1,000,000 a month, with 0 % " in out
    assert "Reps' commit                               1,000" in out


def test_without_a_forecast_category_the_commit_method_says_why() -> None:
    result = run(
        "--opportunities", str(CRM / "salesforce.csv"), "--as-of", "2024-07-01", "--json"
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    fm = json.loads(result.stdout)["forecast_methods"]  # type: ignore[attr-defined]
    commit = fm["currencies"][0]["methods"][3]
    assert commit["method"] == "commit" and commit["value"] is None
    assert commit["absent"]["code"] == "forecast.absent.no_category"
    assert "Forecast Category" in commit["absent"]["text"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--growth", "five"], "error: --growth: expected growth must be a percentage"),
        (["--growth", "-150"], "from -100 to 1000, such as 5 (got '-150')"),
        (["--new-reps", "2.5", "--new-rep-deals", "1"], "error: --new-reps: the number of new"),
        (["--new-reps", "2"], "error: --new-rep-deals: say how many deals each new rep"),
        (["--new-rep-deals", "2"], "error: --new-reps: deals per new rep, their deal size"),
        (["--new-reps", "1", "--new-rep-deals", "-2"], "error: --new-rep-deals: deals per new"),
        (["--new-reps", "1", "--new-rep-deals", "2", "--new-rep-deal-size", "0"],
         "error: --new-rep-deal-size: the new reps' deal size must be an amount above 0"),
        (["--new-reps", "1", "--new-rep-deals", "2", "--new-rep-currency", "EUR"],
         "error: --new-rep-currency: no deals in the new reps' currency EUR (deals are in: USD)"),
    ],
)  # fmt: skip
def test_forecast_options_are_validated(tmp_path: Path, args: list[str], message: str) -> None:
    result = _article(tmp_path, *args)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert message in result.stderr, result.stderr  # type: ignore[attr-defined]
