"""Import the long answers CSV (the ``score`` format, optionally with ``name``/``email``).

The rows go through the same reader as ``saleshealth score``
(:func:`~assessment.io.answers_csv.parse_answer_rows`); this module adds what an import
into an assessment needs: the identified export's ``name`` and ``email`` columns, the
formula escape of our own exports undone, and checks of codes, names, teams and comment
lengths (the web's cap) against what the database can hold.  Every problem is reported;
nothing is returned half-read.
"""

from __future__ import annotations

from assessment.core.model import Questionnaire
from assessment.io.answers_csv import AnswersFileError, at_row, parse_answer_rows
from assessment.io.imported import (
    ImportedRespondent,
    comment_problem,
    csv_rows,
    decode,
    identity_problems,
    row_number,
)
from assessment.io.safe_cells import unescape_row
from assessment.messages import Message

IDENTITY_COLUMNS = ("name", "email")


def read_long_answers(
    data: bytes, q: Questionnaire, name: str = "answers.csv"
) -> list[ImportedRespondent]:
    """Validate a long answers CSV against ``q``; AnswersFileError lists every problem."""
    rows = csv_rows(decode(data, name), name)
    header = [h.strip().lower() for h in rows[0]] if rows else []
    ident = {c: header.index(c) for c in IDENTITY_COLUMNS if c in header}
    drop = set(ident.values())
    problems: list[str] = []
    plain: list[list[str]] = []
    people: dict[str, tuple[int, str, str]] = {}
    long_comments: set[str] = set()
    for number, raw in enumerate(rows, start=1):
        row = unescape_row(raw)
        if number == 1 or not any(cell.strip() for cell in row):
            plain.append([c for i, c in enumerate(row) if i not in drop])
            continue
        if len(row) != len(header):
            count = Message("file.field_count", num=len(row), expected=len(header))
            problems.append(at_row(number, count))
            plain.append([])  # a blank row keeps the reader's row numbers aligned
            continue
        cell = {c: row[i].strip() for i, c in enumerate(header)}
        code = cell.get("respondent", "")
        person_name, email = cell.get("name", ""), cell.get("email", "")
        problems += identity_problems(
            Message("where.row", row=number),
            code or "?",
            person_name,
            email,
            cell.get("team", ""),
            cell.get("language", ""),
            cell.get("region", ""),
            cell.get("segment", ""),
        )
        too_long = comment_problem(
            Message("where.row_column", row=number, column="comment"), cell.get("comment", "")
        )
        if too_long:
            problems.append(too_long)
            long_comments.add(code)
        first = people.setdefault(code, (number, person_name, email))
        if code and (first[1], first[2]) != (person_name, email) and (person_name or email):
            changed = Message("person.identity_changes", code=code, first_row=first[0])
            problems.append(at_row(number, changed))
        plain.append([c for i, c in enumerate(row) if i not in drop])
    try:
        respondents = parse_answer_rows(plain, q, name)
    except AnswersFileError as exc:
        problems += exc.problems
        respondents = []
    for r in respondents:
        for element_id, text in r.comments.items() if r.id not in long_comments else ():
            # The comments of several rows on one element are joined into one comment.
            joined = Message(
                "where.joined_comment", row=people[r.id][0], respondent=r.id, element=element_id
            )
            too_long = comment_problem(joined, text)
            if too_long:
                problems.append(too_long)
    if problems:
        unique = list(dict.fromkeys(problems))
        raise AnswersFileError(name, sorted(unique, key=row_number))
    return [
        ImportedRespondent(
            respondent=r,
            row=people[r.id][0],
            name=people[r.id][1],
            email=people[r.id][2],
        )
        for r in respondents
    ]
