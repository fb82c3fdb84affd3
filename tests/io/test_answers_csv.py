"""The answers CSV: every kind of bad input is refused with its row number."""

from __future__ import annotations

import pytest

from assessment.core.model import Questionnaire
from assessment.io.answers_csv import AnswersFileError, read_answers_bytes

HEADER = "respondent,role,question,value,comment\n"


def problems(mini: Questionnaire, text: str | bytes) -> list[str]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(AnswersFileError) as info:
        read_answers_bytes(data, mini, "a.csv")
    return info.value.problems


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("E1,executive,zz.q,agree,\n", "row 2: unknown question 'zz.q'"),
        ("E1,ceo,a.q1,agree,\n", "row 2: unknown role 'ceo'"),
        ("E1,executive,a.q1,maybe,\n", "row 2: value: a.q1: 'maybe' is not an option"),
        (
            "E1,executive,a.q3,101,\n",
            "row 2: value: a.q3: 101 is outside the allowed range 0..100 %",
        ),
        ("E1,executive,a.q3,-1,\n", "outside the allowed range"),
        ("E1,executive,a.q3,lots,\n", "row 2: value: a.q3: 'lots' is not a number"),
        ("E1,executive,a.q3,nan,\n", "not a finite number"),
        ('E1,executive,a.q3,"1,000",\n', "ambiguous"),
        ("E1,executive,a.q2,na,\n", "N/A is not offered"),
        ("E1,executive,b.q1,dk,\n", '"don\'t know" is not offered'),
        (
            "E1,executive,a.q1,agree,\nE1,executive,a.q1,disagree,\n",
            "row 3: duplicate answer of respondent 'E1' to 'a.q1' (first in row 2)",
        ),
        (
            "E1,executive,a.q1,agree,\nE1,sales_rep,b.q1,x,\n",
            "row 3: respondent 'E1' has role 'sales_rep' here but 'executive' in row 2",
        ),
        ("R1,sales_rep,a.q2,yes,\n", "row 2: question 'a.q2' is not asked of role 'sales_rep'"),
        (",sales_rep,a.q1,agree,\n", "row 2: respondent is empty"),
        ("E1,executive,a.q1\n", "row 2: 3 fields, expected 5"),
        ("E1,executive,a.q1,,\n", "row 2: value: a.q1: empty value"),
    ],
)
def test_bad_rows(mini: Questionnaire, body: str, expected: str) -> None:
    assert any(expected in p for p in problems(mini, HEADER + body)), problems(mini, HEADER + body)


def test_all_row_problems_reported(mini: Questionnaire) -> None:
    found = problems(
        mini,
        HEADER + "E1,ceo,a.q1,agree,\nE2,executive,a.q1,meh,\nE3,executive,b.q1,z,\nE4,x,y,z,\n",
    )
    assert [p.split(":")[0] for p in found] == ["row 2", "row 3", "row 5"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("   \n\n", "the file is empty"),
        ("respondent,role,question\nE1,executive,a.q1\n", "row 1: missing column(s) value"),
        ("respondent,role,question,value,score\n", "row 1: unknown column(s) 'score'"),
        (HEADER, "no answer rows after the header"),
        (
            b"respondent,role,question,value\nE1,executive,a.q1,\xe9\n",
            "not valid UTF-8 (first bad byte at offset",
        ),
        ('respondent,role,question,value\nE1,executive,a.q1,"agree\n', "malformed CSV"),
    ],
)
def test_bad_files(mini: Questionnaire, text: str | bytes, expected: str) -> None:
    found = problems(mini, text)
    assert any(expected in p for p in found), found


def test_good_file_with_bom_crlf_blank_lines_and_decimal_comma(mini: Questionnaire) -> None:
    text = '\ufeffRespondent,Role,Question,Value\r\nE1,executive,a.q3,"12,5"\r\n\r\nE1,executive,a.q1, agree \r\n'
    people = read_answers_bytes(text.encode("utf-8"), mini)
    assert len(people) == 1
    assert people[0].answers["a.q3"].value == 12.5
    assert people[0].answers["a.q1"].value == "agree"


def test_comments_attach_to_the_element(mini: Questionnaire) -> None:
    text = (
        HEADER
        + "E1,executive,a.q1,agree,Managers rarely coach\nE1,executive,a.q2,yes,And rarely listen\n"
    )
    (person,) = read_answers_bytes(text.encode(), mini)
    assert person.comments == {"a": "Managers rarely coach\nAnd rarely listen"}


def test_oversized_file_refused(mini: Questionnaire) -> None:
    found = problems(mini, b"x" * (20 * 1024 * 1024 + 1))
    assert "the limit is" in found[0]
