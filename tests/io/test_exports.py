"""Exports: the long export is the answers CSV of ``score``; wide and XLSX read back; no cell
of any export can run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.model import Questionnaire
from assessment.core.scoring import score
from assessment.io.answers_csv import read_answers_bytes, read_answers_file
from assessment.io.exports import (
    ExportPerson,
    blank_small_teams,
    long_rows,
    to_csv,
    to_xlsx,
    wide_columns,
    wide_rows,
)
from assessment.io.long_answers import read_long_answers
from assessment.io.safe_cells import safe_cell, safe_row, starts_formula, unescape_cell, xlsx_value
from assessment.io.wide_answers import read_wide_answers
from tests.conftest import DATA

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
FULLWIDTH = ["\uff1d", "\uff0b", "\uff0d", "\uff20"]
SPACES = [" ", "\u00a0", "\n", "\u2003", "\u3000", "\u200b", "\ufeff", " \u00a0\n "]


@pytest.fixture
def golden(mini: Questionnaire) -> list[Respondent]:
    return read_answers_file(DATA / "mini" / "answers.csv", mini)


def people(respondents: list[Respondent]) -> list[ExportPerson]:
    return [ExportPerson(r, submitted="2025-03-01T10:00:00+00:00") for r in respondents]


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_long_export_rescores_identically(mini: Questionnaire, golden: list[Respondent]) -> None:
    content = to_csv(long_rows(mini, people(golden)))
    assert content.startswith("\ufeff".encode())
    header = csv_cells(content)[0]
    assert header == [
        "respondent",
        "role",
        "team",
        "region",
        "segment",
        "question",
        "value",
        "comment",
    ]
    again = read_answers_bytes(content, mini, "export.csv")
    assert score(mini, again).to_dict(explain=True) == score(mini, golden).to_dict(explain=True)
    assert [(r.id, r.role, dict(r.answers), dict(r.comments)) for r in again] == [
        (r.id, r.role, dict(r.answers), dict(r.comments)) for r in golden
    ]


def test_long_export_puts_each_element_comment_once(mini: Questionnaire) -> None:
    person = Respondent(
        "E1",
        "executive",
        {"a.q1": Answer(AnswerKind.OPTION, "agree"), "a.q2": Answer(AnswerKind.OPTION, "yes")},
        {"a": "line one\nline two"},
    )
    rows = csv_cells(to_csv(long_rows(mini, people([person]))))
    assert [r[-1] for r in rows[1:]] == ["line one\nline two", ""]
    (again,) = read_answers_bytes(to_csv(long_rows(mini, people([person]))), mini)
    assert dict(again.comments) == {"a": "line one\nline two"}


def test_numbers_keep_their_precision(mini: Questionnaire) -> None:
    person = Respondent("E1", "executive", {"a.q3": Answer(AnswerKind.NUMBER, 12.345678)})
    (again,) = read_answers_bytes(to_csv(long_rows(mini, people([person]))), mini)
    assert again.answers["a.q3"] == Answer(AnswerKind.NUMBER, 12.345678)


def test_wide_export_has_one_row_per_respondent(
    mini: Questionnaire, golden: list[Respondent]
) -> None:
    rows = csv_cells(to_csv(wide_rows(mini, people(golden))))
    assert rows[0][:6] == ["respondent", "role", "team", "region", "segment", "submitted"]
    assert rows[0][6:] == ["a.q1", "a.q2", "a.q3", "a.t", "b.q1", "b.q2", "comment:a", "comment:b"]
    assert len(rows) == 1 + len(golden)
    e1 = dict(zip(rows[0], rows[1], strict=True))
    assert e1["respondent"] == "E1" and e1["a.q3"] == "60" and e1["b.q2"] == ""
    assert e1["comment:b"] == "Works well for us"
    assert e1["submitted"] == "2025-03-01"  # the day only in anonymous files


def test_wide_export_reimports_without_a_mapping(
    mini: Questionnaire, golden: list[Respondent]
) -> None:
    content = to_csv(wide_rows(mini, people(golden)))
    result = read_wide_answers(content, mini, name="wide.csv")
    assert result.ignored_columns == []
    assert [p.respondent for p in result.respondents] == golden
    assert (
        score(mini, [p.respondent for p in result.respondents]).to_dict()
        == score(mini, golden).to_dict()
    )


def test_identified_exports_add_name_and_email(mini: Questionnaire) -> None:
    person = ExportPerson(
        Respondent("R1", "sales_rep", {"a.q1": Answer(AnswerKind.OPTION, "agree")}),
        name="Ann Smith",
        email="ann@northwind.eu",
    )
    long = csv_cells(to_csv(long_rows(mini, [person], identified=True)))
    assert long[0][:8] == [
        "respondent",
        "name",
        "email",
        "role",
        "team",
        "region",
        "segment",
        "language",
    ]
    assert long[1][:3] == ["R1", "Ann Smith", "ann@northwind.eu"]
    assert wide_columns(mini, identified=True)[:9] == [
        "respondent",
        "name",
        "email",
        "role",
        "team",
        "region",
        "segment",
        "language",
        "submitted",
    ]
    anonymous = to_csv(long_rows(mini, [person])) + to_csv(wide_rows(mini, [person]))
    assert b"Ann" not in anonymous and b"northwind" not in anonymous
    (back,) = read_long_answers(to_csv(long_rows(mini, [person], identified=True)), mini)
    assert (back.name, back.email) == ("Ann Smith", "ann@northwind.eu")


def test_xlsx_reads_back_with_numbers_as_numbers(
    mini: Questionnaire, golden: list[Respondent]
) -> None:
    content = to_xlsx(wide_rows(mini, people(golden)), sheet="responses wide")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None and sheet.title == "responses wide"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert list(values[0][:6]) == ["respondent", "role", "team", "region", "segment", "submitted"]
    e1 = dict(zip(values[0], values[1], strict=True))
    assert e1["a.q3"] == 60 and isinstance(e1["a.q3"], int | float)
    assert e1["a.q1"] == "agree" and e1["b.q2"] is None
    long = load_workbook(io.BytesIO(to_xlsx(long_rows(mini, people(golden))))).active
    assert long is not None and long.max_row == 1 + sum(len(r.answers) for r in golden)


# --- formula neutralisation ---------------------------------------------------------------


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_safe_cell_prefixes_every_trigger(trigger: str) -> None:
    payload = f'{trigger}HYPERLINK("http://evil.example","x")'
    assert safe_cell(payload) == "'" + payload
    assert unescape_cell(safe_cell(payload)) == payload


@pytest.mark.parametrize("text", ["-12", "+3.5", "-0.25", "1e-3", "42", ""])
def test_plain_numbers_are_not_formulas(text: str) -> None:
    assert safe_cell(text) == text


@pytest.mark.parametrize("text", ["'=x", "''", "'plain", "-1+2", "-", "+", "@SUM(A1)"])
def test_escape_is_reversible(text: str) -> None:
    escaped = safe_cell(text)
    assert escaped[:1] not in TRIGGERS
    assert unescape_cell(escaped) == text


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("trigger", ["=", "+", "-", "@"])
def test_triggers_after_leading_white_space_are_neutralised(space: str, trigger: str) -> None:
    text = f'{space}{trigger}HYPERLINK("http://evil.example")'
    assert safe_cell(text) == "'" + text
    assert unescape_cell(safe_cell(text)) == text


@pytest.mark.parametrize("trigger", FULLWIDTH)
@pytest.mark.parametrize("space", ["", " ", "\u3000"])
def test_fullwidth_triggers_are_neutralised(trigger: str, space: str) -> None:
    text = f"{space}{trigger}1+1"
    assert safe_cell(text) == "'" + text
    assert unescape_cell(safe_cell(text)) == text


@pytest.mark.parametrize(
    "text", ["plain", " plain", "\u00a0North", "1e5", "Team = A", "a-b", "  ", "\u00a0"]
)
def test_harmless_text_is_left_alone(text: str) -> None:
    assert not starts_formula(text)
    assert safe_cell(text) == text and unescape_cell(text) == text


def test_the_reviewers_cases() -> None:
    cases = {
        " =1+1": "' =1+1",
        '\u00a0=HYPERLINK("x")': '\'\u00a0=HYPERLINK("x")',
        "\n=1+1": "'\n=1+1",
        "\uff1d1+1": "'\uff1d1+1",
        "-1+2": "'-1+2",
        "+1": "+1",
        "=1": "'=1",
        "\t=1": "'\t=1",
        "\r=1": "'\r=1",
        "@SUM(A1)": "'@SUM(A1)",
        "-": "'-",
        "1e5": "1e5",
    }
    assert {text: safe_cell(text) for text in cases} == cases


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from("=+-@'\t\r\n \u00a0\u3000\uff1d\uff0dab1.e")))
def test_unescape_reverses_safe_cell_exactly(text: str) -> None:
    escaped = safe_cell(text)
    assert unescape_cell(escaped) == text
    # What is written never starts a formula, and an unescaped cell is never changed twice.
    assert not starts_formula(escaped)
    if escaped == text:
        assert unescape_cell(text) == text


@settings(deadline=None)
@given(st.text())
def test_csv_cells_never_start_a_formula_for_any_text(text: str) -> None:
    (cell,) = safe_row([text])
    assert cell[:1] == "'" or not starts_formula(cell)
    assert unescape_cell(cell) == text


def hostile_person(trigger: str) -> ExportPerson:
    return ExportPerson(
        Respondent(
            f"{trigger}1+1",
            "executive",
            {
                "a.q1": Answer(AnswerKind.OPTION, "agree"),
                "a.t": Answer(AnswerKind.TEXT, f"{trigger}cmd|' /C calc'!A0"),
            },
            {"a": f'{trigger}IMPORTXML("x")'},
            team=f"{trigger}North",
        ),
        name=f"{trigger}Ann",
        email=f"{trigger}ann@northwind.eu",
    )


@pytest.mark.parametrize("trigger", [*TRIGGERS, *FULLWIDTH, "\u00a0=", "\n+", " @"])
@pytest.mark.parametrize("shape", ["long", "wide"])
def test_csv_cells_never_start_a_formula(mini: Questionnaire, trigger: str, shape: str) -> None:
    build = long_rows if shape == "long" else wide_rows
    person = hostile_person(trigger)
    rows = csv_cells(to_csv(build(mini, [person], identified=True)))
    cells = [cell for row in rows[1:] for cell in row]
    assert all(cell[:1] not in TRIGGERS and not starts_formula(cell) for cell in cells), cells
    for text in (f"{trigger}1+1", f"{trigger}North", f"{trigger}Ann", f"{trigger}ann@northwind.eu"):
        assert "'" + text in cells


@pytest.mark.parametrize("trigger", [*TRIGGERS, *FULLWIDTH, "\u00a0="])
def test_xlsx_text_cells_are_typed_strings_shown_as_typed(
    mini: Questionnaire, trigger: str
) -> None:
    content = to_xlsx(wide_rows(mini, [hostile_person(trigger)], identified=True))
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    text_cells = [cell for cell in cells if isinstance(cell.value, str)]
    # Text is a string cell with the quote-prefix flag: shown as typed, never evaluated,
    # and still text when someone edits the cell.
    assert text_cells and all(c.data_type == "s" and c.quotePrefix for c in text_cells)
    texts = [cell.value for cell in text_cells]
    # A stored CR reads back as CR with lxml and as LF with the standard library's XML
    # parser (openpyxl uses lxml when it is installed; pikepdf brings it in).
    if trigger == "\r":
        texts = [text.replace("\r", "\n", 1) if text.startswith("\r") else text for text in texts]
    lead = "\n" if trigger == "\r" else trigger
    assert f"{lead}North" in texts and f"{lead}Ann" in texts
    assert f"{lead}cmd|' /C calc'!A0" in texts
    assert not any(text.startswith("'") for text in texts)
    raw = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw and b"<f " not in raw


def test_xlsx_keeps_numbers_numeric_and_quotes_only_text(mini: Questionnaire) -> None:
    content = to_xlsx([["a", "b", "c"], ["-1+2", -12.5, "'quoted"]])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    text, number, quoted = sheet[2]
    assert (text.value, text.data_type) == ("-1+2", "s")
    assert (number.value, number.data_type, number.quotePrefix) == (-12.5, "n", False)
    assert quoted.value == "'quoted"


@pytest.mark.parametrize("trigger", [*TRIGGERS, *FULLWIDTH, "\u00a0=", " -"])
def test_hostile_values_round_trip_through_our_importers(mini: Questionnaire, trigger: str) -> None:
    person = hostile_person(trigger)
    (long,) = read_long_answers(to_csv(long_rows(mini, [person], identified=True)), mini)
    wide = read_wide_answers(to_csv(wide_rows(mini, [person], identified=True)), mini)
    # Readers strip surrounding white space, so a leading tab or CR does not come back.
    expected = {
        qid: Answer(a.kind, a.value.strip() if isinstance(a.value, str) else a.value)
        for qid, a in person.respondent.answers.items()
    }
    for back in (long, wide.respondents[0]):
        assert back.respondent.id == person.respondent.id.strip()
        assert back.respondent.team == person.respondent.team.strip()
        assert dict(back.respondent.answers) == expected
        assert dict(back.respondent.comments) == {"a": person.respondent.comments["a"].strip()}
        assert (back.name, back.email) == (person.name.strip(), person.email.strip())


def test_xlsx_replaces_characters_xml_cannot_hold() -> None:
    assert xlsx_value("a\x00b\x1fc") == "a\ufffdb\ufffdc"
    assert xlsx_value(-5.0) == -5.0 and xlsx_value(None) is None
    assert xlsx_value("=1+1") == "=1+1"  # typed as a string cell by to_xlsx, not prefixed


# --- anonymity ----------------------------------------------------------------------------


def staff(*teams: str) -> list[ExportPerson]:
    return [
        ExportPerson(
            Respondent(
                f"R{i}",
                "sales_rep",
                {"a.q1": Answer(AnswerKind.OPTION, "agree")},
                team=team,
                language="pl",
            ),
            submitted="2025-03-04T09:12:40+00:00",
            name=f"Person {i}",
            email=f"p{i}@northwind.eu",
        )
        for i, team in enumerate(teams, start=1)
    ]


def test_small_teams_are_blanked_and_nothing_else_changes() -> None:
    people = staff("North", "North", "North", "South", "South", "", "West")
    blanked = blank_small_teams(people, 3)
    assert [p.respondent.team for p in blanked] == ["North"] * 3 + [""] * 4
    assert [(p.respondent.id, dict(p.respondent.answers)) for p in blanked] == [
        (p.respondent.id, dict(p.respondent.answers)) for p in people
    ]
    assert [p.respondent.team for p in blank_small_teams(people, 1)] == [
        p.respondent.team for p in people
    ]
    assert [p.respondent.team for p in blank_small_teams(people, 2)][3:5] == ["South"] * 2


@pytest.mark.parametrize("shape", ["long", "wide"])
def test_anonymous_exports_have_no_language_and_no_exact_time(
    mini: Questionnaire, shape: str
) -> None:
    build = long_rows if shape == "long" else wide_rows
    anonymous = csv_cells(to_csv(build(mini, staff("North"))))
    assert "language" not in anonymous[0] and "name" not in anonymous[0]
    cells = [cell for row in anonymous for cell in row]
    assert "pl" not in cells and "Person 1" not in cells
    assert not any("09:12" in cell for cell in cells)
    if shape == "wide":
        assert dict(zip(anonymous[0], anonymous[1], strict=True))["submitted"] == "2025-03-04"
    identified = csv_cells(to_csv(build(mini, staff("North"), identified=True)))
    record = dict(zip(identified[0], identified[1], strict=True))
    assert (record["language"], record["name"], record["email"]) == (
        "pl",
        "Person 1",
        "p1@northwind.eu",
    )
    if shape == "wide":
        assert record["submitted"] == "2025-03-04T09:12:40+00:00"


def test_blanked_anonymous_long_export_rescores_identically(
    mini: Questionnaire, golden: list[Respondent]
) -> None:
    teams = ["Solo", "Pair", "Pair"]
    people = [
        ExportPerson(Respondent(r.id, r.role, r.answers, r.comments, team=teams[i % 3]))
        for i, r in enumerate(golden)
    ]
    content = to_csv(long_rows(mini, blank_small_teams(people, 3)))
    again = read_answers_bytes(content, mini, "export.csv")
    assert score(mini, again).to_dict(explain=True) == score(mini, golden).to_dict(explain=True)
