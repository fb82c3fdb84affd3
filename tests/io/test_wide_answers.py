"""Wide answers CSV with a column-mapping file: mappings, value maps, errors with row and
column, and no input that crashes the reader."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.core.answers import Answer, AnswerKind
from assessment.core.model import Questionnaire
from assessment.io.answers_csv import AnswersFileError
from assessment.io.imported import IMPORT_MAX_BYTES, MAX_COMMENT
from assessment.io.long_answers import read_long_answers
from assessment.io.wide_answers import parse_mapping, read_wide_answers

MAPPING = """
respondent: Response ID
role: Your role
team: Team
roles:
  Boss: executive
  Sales rep: sales_rep
na: [Not applicable]
dk: No idea
values:
  Strongly agree: 5
questions:
  Q1 Likert: a.q1
  Q2 Yes/No: {id: a.q2, values: {Y: yes, N: no}}
  Q3 KPI %: a.q3
  "Q4 Choose": {id: b.q1, values: {Option X: x, Option Y: y, Option Z: 3}}
comments:
  Anything else?: a
"""

HEADER = (
    "Response ID,Start time,Your role,Team,Q1 Likert,Q2 Yes/No,Q3 KPI %,Q4 Choose,Anything else?"
)


def survey(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def problems(mini: Questionnaire, data: bytes, mapping: str | None = MAPPING) -> list[str]:
    with pytest.raises(AnswersFileError) as info:
        read_wide_answers(
            data, mini, mapping=None if mapping is None else mapping.encode(), name="s.csv"
        )
    return info.value.problems


def test_mapping_reads_a_survey_export(mini: Questionnaire) -> None:
    data = survey(
        "101,2025-01-02 10:00,Boss,North,Strongly agree,Y,55,Option Z,Great team",
        "102,2025-01-02 11:00,sales rep,South,agree,,,Option X,",
        "103,2025-01-02 12:00,Sales manager,,Not applicable,N,No idea,y,",
        "",
    )
    result = read_wide_answers(data, mini, mapping=MAPPING.encode(), name="s.csv")
    assert result.ignored_columns == ["Start time"]
    boss, rep, manager = (p.respondent for p in result.respondents)
    assert (boss.id, boss.role, boss.team) == ("101", "executive", "North")
    assert dict(boss.answers) == {
        "a.q1": Answer(AnswerKind.OPTION, "strongly_agree"),  # value map: 5th option
        "a.q2": Answer(AnswerKind.OPTION, "yes"),  # per-question value map
        "a.q3": Answer(AnswerKind.NUMBER, 55.0),
        "b.q1": Answer(AnswerKind.OPTION, "z"),  # option 3 of x, y, z
    }
    assert dict(boss.comments) == {"a": "Great team"}
    # role map (case-insensitive) and option values matched case-insensitively
    assert rep.role == "sales_rep" and rep.answers["a.q1"] == Answer(AnswerKind.OPTION, "agree")
    assert dict(rep.comments) == {}
    # role by label, N/A and don't-know markers, an option value as is
    assert manager.role == "sales_manager"
    assert manager.answers["a.q1"] == Answer(AnswerKind.NA)
    assert manager.answers["a.q3"] == Answer(AnswerKind.DK)
    assert manager.answers["b.q1"] == Answer(AnswerKind.OPTION, "y")
    assert [p.row for p in result.respondents] == [2, 3, 4]


def test_default_role_and_option_labels(mini: Questionnaire) -> None:
    mapping = "respondent: Sheet\ndefault_role: sales_rep\nquestions: {Q1: a.q1, Q2: b.q1}\n"
    data = b"Sheet,Q1,Q2\nP1,Strongly disagree,X\nP2,Neutral,z\n"
    result = read_wide_answers(data, mini, mapping=mapping.encode())
    assert [p.respondent.role for p in result.respondents] == ["sales_rep", "sales_rep"]
    assert result.respondents[0].respondent.answers["a.q1"].value == "strongly_disagree"
    assert result.respondents[1].respondent.answers["b.q1"].value == "z"


def test_yes_and_no_stay_texts_in_the_mapping(mini: Questionnaire) -> None:
    mapping = (
        "respondent: id\nrole: role\nquestions:\n  Q: {id: a.q2, values: {Yes: yes, no: no}}\n"
    )
    result = read_wide_answers(
        b"id,role,Q\n1,executive,YES\n2,executive,No\n", mini, mapping=mapping.encode()
    )
    assert [p.respondent.answers["a.q2"].value for p in result.respondents] == ["yes", "no"]


def test_every_row_error_names_row_and_column(mini: Questionnaire) -> None:
    found = problems(
        mini,
        survey(
            "101,x,Boss,North,Sometimes,Y,55,Option X,",
            "102,x,CEO,North,agree,,,,",
            "103,x,Sales rep,,agree,Y,,,",
            "104,x,Boss,,agree,,250,Option W,",
            "101,x,Boss,,agree,,,,",
            ",x,Boss,,agree,,,,",
            "106,x,Boss,,,,,,",
        ),
    )
    text = "\n".join(found)
    assert "row 2, column 'Q1 Likert': a.q1: 'Sometimes' is not an option" in text
    assert "row 3, column 'Your role': unknown role 'CEO'" in text
    assert "row 4, column 'Q2 Yes/No': question 'a.q2' is not asked of role 'sales_rep'" in text
    assert "row 5, column 'Q3 KPI %': a.q3: 250 is outside the allowed range 0..100 %" in text
    assert "row 5, column 'Q4 Choose': b.q1: 'Option W' is not an option" in text
    assert "row 6: respondent '101' appears again (first in row 2)" in text
    assert "row 7, column 'Response ID': respondent code is empty" in text
    assert "row 8: no answers in any question column" in text
    assert len(found) == 8
    rows = [int(p.split(",")[0].split(":")[0].split()[1]) for p in found]
    assert rows == sorted(rows)


def test_value_map_position_out_of_range(mini: Questionnaire) -> None:
    mapping = "respondent: id\nrole: role\nvalues: {Top: 9}\nquestions: {Q: a.q1}\n"
    with pytest.raises(AnswersFileError) as info:
        read_wide_answers(b"id,role,Q\n1,executive,Top\n", mini, mapping=mapping.encode())
    assert info.value.problems == [
        "row 2, column 'Q': a.q1: 'Top' maps to 9, but the options are numbered 1..5"
    ]


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ("questions: {Q: a.q1}\nrole: r\n", "respondent: name the column"),
        ("respondent: id\nquestions: {Q: a.q1}\n", "role: name the role column"),
        ("respondent: id\nrole: r\nquestions: {Q: zz.q}\n", "questions: 'Q': unknown question"),
        ("respondent: id\nrole: r\nquestions: {Q: a.q1, R: a.q1}\n", "mapped from two columns"),
        ("respondent: id\nrole: r\nquestions: {}\n", "questions: expected"),
        ("respondent: id\nrole: r\ncolour: red\nquestions: {Q: a.q1}\n", "unknown key(s) colour"),
        ("respondent: id\nrole: r\nroles: {Boss: king}\nquestions: {Q: a.q1}\n", "not a role"),
        ("respondent: id\nrole: r\ncomments: {C: zz}\nquestions: {Q: a.q1}\n", "unknown element"),
        ("respondent: id\nrole: id\nquestions: {Q: a.q1}\n", "used for two things: 'id'"),
        ("respondent: id\nrespondent: x\n", "duplicate key 'respondent'"),
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("respondent: [unclosed\n", "line 2: not valid YAML"),
        ("- just a list\n", "expected a mapping"),
    ],
)
def test_mapping_errors(mini: Questionnaire, mapping: str, expected: str) -> None:
    with pytest.raises(AnswersFileError) as info:
        parse_mapping(mapping.encode(), mini, "map.yaml")
    assert expected in str(info.value)
    assert str(info.value).startswith("map.yaml: ")


def test_mapping_naming_missing_columns(mini: Questionnaire) -> None:
    mapping = "respondent: id\nrole: role\nquestions: {Q1: a.q1, Q9: b.q1}\n"
    with pytest.raises(AnswersFileError) as info:
        read_wide_answers(b"id,role,Q1\n1,executive,agree\n", mini, mapping=mapping.encode())
    assert info.value.problems == [
        "row 1: the mapping names column(s) the file does not have: 'Q9'"
    ]


def test_a_foreign_file_without_mapping_asks_for_one(mini: Questionnaire) -> None:
    found = problems(mini, survey("101,x,Boss,North,agree,Y,55,Option X,"), mapping=None)
    assert found[0] == "row 1: missing column(s) respondent, role"
    assert found[1].startswith("row 1: column(s) 'Response ID', 'Start time', 'Your role'")
    assert found[1].endswith(
        "are neither respondent fields nor question ids of mini 0.1; "
        "for another tool's export, upload a column-mapping file"
    )
    assert len(found) == 2


def test_limits(mini: Questionnaire) -> None:
    big = b"respondent,role,a.q1\n" + b"x" * IMPORT_MAX_BYTES
    assert "the limit is 10,485,760 bytes (10 MB)" in problems(mini, big, mapping=None)[0]
    with pytest.raises(AnswersFileError) as info:
        parse_mapping(b"#" * (300 * 1024), mini)
    assert "the limit is" in info.value.problems[0]
    assert "not valid UTF-8" in problems(mini, b"\xff\xfe\x00bad", mapping=None)[0]


def test_long_import_lists_every_problem_sorted_by_row(mini: Questionnaire) -> None:
    data = (
        b"respondent,name,email,role,question,value\n"
        b"E1,Ann,ann@northwind.eu,executive,a.q1,agree\n"
        b"E1,Bob,ann@northwind.eu,executive,a.q2,yes\n"
        b"THIS-CODE-IS-FAR-TOO-LONG,,,executive,a.q1,agree\n"
        b"E2,,not-an-email,executive,a.q1,maybe\n"
        b"E3,,,executive\n"
    )
    with pytest.raises(AnswersFileError) as info:
        read_long_answers(data, mini, "l.csv")
    assert info.value.problems == [
        "row 3: respondent 'E1' has a different name or e-mail than in row 2",
        "row 4: respondent code 'THIS-CODE-IS-FAR-TOO-LONG' is longer than 20",
        "row 5: 'not-an-email' is not an e-mail address",
        "row 5: value: a.q1: 'maybe' is not an option (options: strongly_disagree, disagree, "
        "neutral, agree, strongly_agree)",
        "row 6: 4 fields, expected 6",
    ]


def test_import_comment_cap_is_the_webs() -> None:
    from assessment.services.responding import MAX_COMMENT as WEB_MAX_COMMENT

    assert MAX_COMMENT == WEB_MAX_COMMENT == 5000


def test_wide_import_refuses_comments_longer_than_the_web_allows(mini: Questionnaire) -> None:
    at_limit, over = "c" * MAX_COMMENT, "c" * (MAX_COMMENT + 1)
    ok = read_wide_answers(
        survey(f"101,,Boss,North,agree,Y,55,Option Z,{at_limit}"),
        mini,
        mapping=MAPPING.encode(),
    )
    assert ok.respondents[0].respondent.comments["a"] == at_limit
    found = problems(
        mini,
        survey(
            f"101,,Boss,North,agree,Y,55,Option Z,{over}",
            "102,,Boss,North,agree,,,,fine",
        ),
    )
    assert found == [
        "row 2, column 'Anything else?': the comment has 5,001 characters; the limit is 5,000"
    ]
    # our own wide format: the comment:<element> column is named
    own = f"respondent,role,a.q1,comment:a\nE1,executive,agree,{over}\n".encode()
    assert problems(mini, own, mapping=None) == [
        "row 2, column 'comment:a': the comment has 5,001 characters; the limit is 5,000"
    ]


def test_long_import_refuses_comments_longer_than_the_web_allows(mini: Questionnaire) -> None:
    over = "c" * (MAX_COMMENT + 1)
    half = "h" * (MAX_COMMENT // 2 + 1)
    data = (
        "respondent,role,question,value,comment\n"
        f"E1,executive,a.q1,agree,{over}\n"
        f"E2,executive,a.q1,agree,{half}\n"
        f"E2,executive,a.q2,yes,{half}\n"
        f"E3,executive,a.q1,agree,{'k' * MAX_COMMENT}\n"
    ).encode()
    with pytest.raises(AnswersFileError) as info:
        read_long_answers(data, mini, "l.csv")
    assert info.value.problems == [
        "row 2, column 'comment': the comment has 5,001 characters; the limit is 5,000",
        "row 3: respondent 'E2', element 'a' (its rows' comments joined): the comment has "
        "5,003 characters; the limit is 5,000",
    ]
    ok = read_long_answers(data.split(b"\n", 2)[0] + b"\n" + data.rsplit(b"\n", 2)[1], mini)
    assert ok[0].respondent.comments["a"] == "k" * MAX_COMMENT


# --- fuzzing: any input ends in a result or a clean validation error -------------------


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_never_crash(mini: Questionnaire, data: bytes) -> None:
    for mapping in (None, MAPPING.encode()):
        try:
            read_wide_answers(data, mini, mapping=mapping)
        except AnswersFileError as exc:
            assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
    try:
        read_long_answers(data, mini)
    except AnswersFileError as exc:
        assert exc.problems


csv_cell = st.sampled_from(
    ["", "agree", "Boss", "55", "N/A", "Y", "=1+1", "'=x", '"', "\r\n", ",", "a.q1", "-3"]
) | st.text(max_size=12)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(csv_cell, min_size=0, max_size=10), max_size=8))
def test_arbitrary_text_never_crashes(mini: Questionnaire, rows: list[list[str]]) -> None:
    body = "\n".join(",".join(row) for row in rows)
    for data in (HEADER + "\n" + body, "respondent,role,a.q1,b.q1,comment:a\n" + body, body):
        for mapping in (None, MAPPING.encode()):
            try:
                result = read_wide_answers(data.encode(), mini, mapping=mapping)
            except AnswersFileError as exc:
                assert exc.problems
            else:
                assert all(p.respondent.id for p in result.respondents)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_mapping_text_never_crashes(mini: Questionnaire, text: str) -> None:
    try:
        parse_mapping(text.encode("utf-8", "surrogatepass"), mini)
    except AnswersFileError as exc:
        assert exc.problems
