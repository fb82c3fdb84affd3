"""Reading CRM opportunity exports: known headers, mapping files, formats and errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from assessment.core.crm import Status
from assessment.io import opportunities as opp
from assessment.io.opportunities import (
    OpportunitiesFileError,
    parse_amount,
    parse_date,
    parse_mapping,
    read_mapping,
    read_opportunities,
    read_opportunities_bytes,
)

CRM = Path(__file__).parents[1] / "data" / "crm"


def _by_id(path: Path, mapping: object = None) -> dict[str, opp.Opportunity]:
    result = read_opportunities(path, mapping)  # type: ignore[arg-type]
    return {o.id: o for o in result.opportunities}


def test_salesforce_csv_with_us_dates_and_thousands() -> None:
    result = read_opportunities(CRM / "salesforce.csv")
    assert result.columns["id"] == ("Opportunity ID",)
    assert result.columns["stage_changed"] == ("Last Stage Change Date",)
    deals = {o.id: o for o in result.opportunities}
    assert len(deals) == 9
    w2 = deals["006W2"]
    assert (w2.amount, w2.created, w2.close, w2.status) == (
        20000.0,
        date(2024, 2, 1),
        date(2024, 3, 12),
        Status.WON,
    )  # 3/12/2024 is 12 March: 1/31/2024 elsewhere in the file proves month-first
    assert deals["006L1"].status is Status.LOST and deals["006L1"].lost_reason == "Price"
    assert deals["006O3"].stage_changed == date(2024, 4, 1)
    assert deals["006O3"].currency == "EUR" and deals["006O3"].owner == "Anna"


def test_hubspot_csv_with_datetimes() -> None:
    deals = _by_id(CRM / "hubspot.csv")
    assert deals["9W1"].created == date(2024, 1, 1) and deals["9W1"].close == date(2024, 1, 31)
    assert deals["9L3"].status is Status.LOST and deals["9L3"].lost_reason == "No decision"
    assert deals["9O2"].status is Status.OPEN and deals["9O2"].stage == "Appointment scheduled"
    assert all(d.stage_changed is None for d in deals.values())


@pytest.mark.parametrize(
    "header",
    ["Forecast Category", "Forecast category", "ForecastCategoryName", "Kategoria prognozy"],
)
def test_forecast_category_column_is_recognised(header: str) -> None:
    content = (
        f"Id,Stage,Amount,Created,Close Date,{header}\n"
        "A,Trial,1000,2024-06-01,2024-08-20,Commit\n"
        "B,Demo,500,2024-06-01,2024-08-21,\n"
    ).encode()
    result = read_opportunities_bytes(content, "deals.csv")
    assert result.columns["forecast_category"] == (header,)
    deals = {o.id: o for o in result.opportunities}
    assert (deals["A"].forecast_category, deals["B"].forecast_category) == ("Commit", "")
    # Without the column every deal has no category (the commit method then says so).
    assert all(
        o.forecast_category == "" for o in read_opportunities(CRM / "salesforce.csv").opportunities
    )


def test_pipedrive_xlsx_status_column_and_close_date_fallback() -> None:
    result = read_opportunities(CRM / "pipedrive.xlsx")
    assert result.columns["close_date"] == ("Deal - Deal closed on", "Deal - Expected close date")
    deals = {o.id: o for o in result.opportunities}
    assert set(deals) == {"101", "102", "201", "202", "203", "301", "302", "303", "304"}
    # won although the stage still says "Negotiations Started": the status column decides
    assert deals["101"].status is Status.WON and deals["101"].close == date(2024, 1, 31)
    assert deals["301"].status is Status.OPEN and deals["301"].close == date(2024, 7, 15)
    assert deals["201"].lost_reason == "Price"


def test_mapping_file_for_unknown_headers_with_decimal_commas() -> None:
    mapping = read_mapping(CRM / "polish_MAP.yaml")
    assert mapping.stages == {"Proposal": 50.0, "Trial": 65.0}
    deals = _by_id(CRM / "polish_custom.csv", mapping)
    assert deals["W2"].amount == 20000.0 and deals["W2"].currency == "PLN"
    assert deals["W2"].status is Status.WON and deals["L1"].status is Status.LOST
    assert deals["L1"].close == date(2024, 2, 29)


def test_unknown_headers_without_mapping_name_the_missing_fields() -> None:
    with pytest.raises(OpportunitiesFileError) as err:
        read_opportunities(CRM / "polish_custom.csv")
    message = str(err.value)
    assert "polish_custom.csv: row 1: no column for id, stage, amount, created" in message
    assert "'Wartość brutto'" in message


def test_every_bad_row_is_reported_with_row_and_column() -> None:
    text = (
        "Opportunity ID;Stage;Amount;Created Date;Close Date;Status\n"
        "A;Demo;1.000,50;2024-01-05;;open\n"
        "B;Demo;abc;2024-13-05;;open\n"
        ";Demo;5;2024-01-05;;open\n"
        "A;Demo;5;2024-01-05;2024-01-04;won\n"
        "C;Demo;-5;2024-01-05;;maybe\n"
        "D;Closed Won;5;2024-01-05;;\n"
    )
    with pytest.raises(OpportunitiesFileError) as err:
        read_opportunities_bytes(text.encode(), "deals.csv")
    problems = err.value.problems
    assert "row 3, column 'Amount': not an amount: 'abc'" in problems
    assert (
        "row 3, column 'Created Date': not a date: '2024-13-05' (expected e.g. 2024-03-15 or 15.03.2024)"
        in problems
    )
    assert "row 4, column 'Opportunity ID': the id is missing" in problems
    assert (
        "row 5, column 'Close Date': close date 2024-01-04 is before the created date 2024-01-05"
        in problems
    )
    assert "row 6, column 'Amount': amounts must not be negative (got '-5')" in problems
    assert "row 6, column 'Status': unknown status 'maybe' (expected open, won, lost)" in problems
    assert "row 7, column 'Close Date': a close date is required for a won deal" in problems
    assert problems[-1] == "7 problem(s) in 6 deal row(s); nothing was computed"
    assert str(err.value).startswith("deals.csv: row 3")


def test_duplicate_ids_are_reported() -> None:
    text = "id,stage,amount,created\nA,demo,1,2024-01-01\nA,demo,2,2024-01-02\n"
    with pytest.raises(OpportunitiesFileError) as err:
        read_opportunities_bytes(text.encode(), "d.csv")
    assert "row 3, column 'id': duplicate id 'A' (first in row 2)" in err.value.problems


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234", 1234.0),
        ("1,234.56", 1234.56),
        ("1.234,56", 1234.56),
        ("1 234,56", 1234.56),
        ("1\u00a0234,5", 1234.5),
        ("1,234", 1234.0),
        ("1.234.567", 1234567.0),
        ("12,5", 12.5),
        ("€ 1,200", 1200.0),
        ("1200 PLN", 1200.0),
        ("1 200 zł", 1200.0),
        ("1'234.50", 1234.5),
        (1500, 1500.0),
        (99.5, 99.5),
    ],
)
def test_amounts(raw: object, expected: float) -> None:
    assert parse_amount(raw) == pytest.approx(expected)


def test_amount_decimal_setting_resolves_ambiguity() -> None:
    assert parse_amount("1,500") == 1500.0
    assert parse_amount("1,500", decimal=",") == 1.5


@pytest.mark.parametrize(
    "raw",
    [
        "(1,200)",  # accounting notation
        "(€ 1 200,00)",
        "−500",  # U+2212 minus sign
        "€ −500",
        "−€500",
        "500−",  # trailing minus
        "1 200,00 -",
        "–300",  # en dash
        "—300",  # em dash
        "‒300",  # figure dash
        "－300",  # full-width hyphen-minus
        "﹣300",  # small hyphen-minus
        "‐300",  # hyphen
        "-500",
        -5,
    ],
)
def test_negative_amounts_in_any_notation_are_refused(raw: object) -> None:
    with pytest.raises(ValueError, match="amounts must not be negative"):
        parse_amount(raw)


def test_reader_names_the_row_of_a_negative_amount() -> None:
    text = 'id,stage,amount,created\nA,demo,"(1,200)",2024-01-01\nB,demo,\u2212500,2024-01-01\n'
    with pytest.raises(OpportunitiesFileError) as err:
        read_opportunities_bytes(text.encode(), "d.csv")
    problems = err.value.problems
    assert "row 2, column 'amount': amounts must not be negative (got '(1,200)')" in problems
    assert "row 3, column 'amount': amounts must not be negative (got '−500')" in problems


@pytest.mark.parametrize("raw", ["abc", "1,2,3.4.5", "", "12 abc 34", True, "()", "2024-03"])
def test_bad_amounts(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_amount(raw)


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("2024-03-15", "dmy", date(2024, 3, 15)),
        ("2024-03-15T10:20:00Z", "dmy", date(2024, 3, 15)),
        ("2024/03/15", "dmy", date(2024, 3, 15)),
        ("15.03.2024", "dmy", date(2024, 3, 15)),
        ("15-03-2024", "dmy", date(2024, 3, 15)),
        ("15/03/2024", "dmy", date(2024, 3, 15)),
        ("03/15/2024", "mdy", date(2024, 3, 15)),
        ("2024年3月15日", "dmy", date(2024, 3, 15)),
        (datetime(2024, 3, 15, 8), "dmy", date(2024, 3, 15)),
    ],
)
def test_dates(raw: object, order: str, expected: date) -> None:
    assert parse_date(raw, slash_order=order) == expected


def test_ambiguous_slash_dates_need_a_date_format() -> None:
    text = "id,stage,amount,created\nA,demo,1,03/04/2024\n"
    with pytest.raises(OpportunitiesFileError, match=r"ambiguous.*set date_format"):
        read_opportunities_bytes(text.encode(), "d.csv")
    mapping = parse_mapping(b"date_format: '%m/%d/%Y'\n")
    result = read_opportunities_bytes(text.encode(), "d.csv", mapping)
    assert result.opportunities[0].created == date(2024, 3, 4)


def test_tab_delimited_and_bom() -> None:
    text = "\ufeffid\tstage\tamount\tcreated\tstatus\nA\tDemo\t10\t2024-01-01\tOpen\n"
    result = read_opportunities_bytes(text.encode(), "d.tsv")
    assert result.opportunities[0].amount == 10 and result.opportunities[0].status is Status.OPEN


def test_status_words_in_other_languages() -> None:
    text = (
        "ID;Этап;Сумма;Дата создания;Дата закрытия;Статус\n"
        "1;Переговоры;100;01.02.2024;15.02.2024;выиграна\n"
        "2;Переговоры;100;01.02.2024;;в работе\n"
    )
    deals = read_opportunities_bytes(text.encode(), "ru.csv").opportunities
    assert [d.status for d in deals] == [Status.WON, Status.OPEN]


def test_mapping_file_errors_are_all_listed() -> None:
    bad = (
        b"columns:\n  amount: Value\n  price: X\nstages:\n  Demo: 140\ndecimal: ';'\ncolour: red\n"
    )
    with pytest.raises(OpportunitiesFileError) as err:
        parse_mapping(bad, "MAP.yaml")
    text = str(err.value)
    assert "MAP.yaml: colour: unknown setting" in text
    assert "MAP.yaml: columns.price: unknown field" in text
    assert "MAP.yaml: stages.Demo: expected a percentage from 0 to 100 (got 140)" in text
    assert "MAP.yaml: decimal: expected ',' or '.'" in text


def test_mapping_naming_a_missing_column() -> None:
    mapping = parse_mapping(b"columns:\n  amount: Deal value\n")
    text = "id,stage,amount,created\nA,demo,1,2024-01-01\n"
    with pytest.raises(OpportunitiesFileError, match="mapping: amount: no column 'Deal value'"):
        read_opportunities_bytes(text.encode(), "d.csv", mapping)


def test_size_and_row_limits(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(opp, "MAX_BYTES", 100)
    big = tmp_path / "big.csv"
    big.write_text("id,stage,amount,created\n" + "A,demo,1,2024-01-01\n" * 10)
    with pytest.raises(
        OpportunitiesFileError, match=r"big\.csv: the file is 0\.0 MB; the limit is"
    ):
        read_opportunities(big)
    monkeypatch.setattr(opp, "MAX_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(opp, "MAX_ROWS", 3)
    rows = "".join(f"A{i},demo,1,2024-01-01\n" for i in range(5))
    with pytest.raises(OpportunitiesFileError, match="more than 3 deals"):
        read_opportunities_bytes(("id,stage,amount,created\n" + rows).encode(), "d.csv")


def test_xlsx_with_numbers_and_dates_written_by_hand(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Deal ID", "Deal Stage", "Amount", "Create Date", "Close Date"])
    ws.append([1001, "Closed Won", 2500.5, datetime(2024, 1, 2), datetime(2024, 1, 12)])
    ws.append([1002, "Demo", "3 000", "2024-02-01", None])
    path = tmp_path / "deals.xlsx"
    wb.save(path)
    deals = read_opportunities(path).opportunities
    assert [(d.id, d.amount, d.status) for d in deals] == [
        ("1001", 2500.5, Status.WON),
        ("1002", 3000.0, Status.OPEN),
    ]


def test_broken_files(tmp_path: Path) -> None:
    with pytest.raises(OpportunitiesFileError, match="not a valid XLSX"):
        read_opportunities_bytes(b"PK\x03\x04garbage", "x.xlsx")
    with pytest.raises(OpportunitiesFileError, match="not valid UTF-8"):
        read_opportunities_bytes("id;stage\n".encode("utf-16"), "x.csv")
    with pytest.raises(OpportunitiesFileError, match="header but no deals"):
        read_opportunities_bytes(b"id,stage,amount,created\n", "x.csv")
    with pytest.raises(OpportunitiesFileError, match="empty"):
        read_opportunities_bytes(b"", "x.csv")
    with pytest.raises(OpportunitiesFileError, match="cannot read"):
        read_opportunities(tmp_path / "missing.csv")
