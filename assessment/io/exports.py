"""Write an assessment's responses as CSV or XLSX, long or wide, and results as JSON.

- **long**: one row per answer, exactly the answers CSV that ``saleshealth score`` reads
  (``respondent,role,team,language,question,value,comment``), so an export scores again to
  the same results.  An element's comment is written on the row of the respondent's first
  answer in that element (the reader attaches a row's comment to its question's element).
- **wide**: one row per respondent; ``respondent,role,team,language,submitted``, then one
  column per question id, then one ``comment:<element id>`` column per element.

Exports are anonymous (respondent codes, role, team); the identified variant adds ``name``
and ``email`` after ``respondent``.  Every text cell is neutralised against formula
injection (:mod:`assessment.io.safe_cells`).  This module is pure: it takes plain data.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assessment.core.answers import Answer, AnswerKind
from assessment.core.answers import Respondent as CoreRespondent
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.io.safe_cells import Cell, safe_row, xlsx_value

COMMENT_PREFIX = "comment:"
LONG_COLUMNS = ("respondent", "role", "team", "language", "question", "value", "comment")
WIDE_FIXED = ("respondent", "role", "team", "language", "submitted")
IDENTITY = ("name", "email")
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_MIMETYPE = "application/json"


@dataclass(frozen=True)
class ExportPerson:
    """One respondent as exported: answers and comments plus status and (maybe) identity."""

    respondent: CoreRespondent
    submitted: str = ""
    """ISO 8601 time of submission, empty when not submitted."""
    name: str = ""
    email: str = ""


def _value(answer: Answer) -> Cell:
    if answer.kind is AnswerKind.NUMBER and isinstance(answer.value, float | int):
        return float(answer.value)
    return answer.raw


def _with_identity(head: Sequence[str], identified: bool) -> list[str]:
    return [head[0], *IDENTITY, *head[1:]] if identified else list(head)


def long_rows(
    q: Questionnaire, people: Iterable[ExportPerson], *, identified: bool = False
) -> list[list[Cell]]:
    """Header and one row per answer, in questionnaire order within each respondent."""
    rows: list[list[Cell]] = [list(_with_identity(LONG_COLUMNS, identified))]
    for person in people:
        r = person.respondent
        ident: list[Cell] = [person.name, person.email] if identified else []
        for element in q.elements:
            comment = r.comments.get(element.id, "")
            for question in element.questions:
                answer = r.answers.get(question.id)
                if answer is None:
                    continue
                rows.append(
                    [
                        r.id,
                        *ident,
                        r.role,
                        r.team,
                        r.language,
                        question.id,
                        _value(answer),
                        comment,
                    ]
                )
                comment = ""  # once per element, on its first answered question
    return rows


def wide_columns(q: Questionnaire, *, identified: bool = False) -> list[str]:
    """The header of a wide export."""
    return [
        *_with_identity(WIDE_FIXED, identified),
        *(question.id for element in q.elements for question in element.questions),
        *(f"{COMMENT_PREFIX}{element.id}" for element in q.elements),
    ]


def wide_rows(
    q: Questionnaire, people: Iterable[ExportPerson], *, identified: bool = False
) -> list[list[Cell]]:
    """Header and one row per respondent; unanswered questions are empty cells."""
    questions = [question.id for element in q.elements for question in element.questions]
    rows: list[list[Cell]] = [list(wide_columns(q, identified=identified))]
    for person in people:
        r = person.respondent
        ident: list[Cell] = [person.name, person.email] if identified else []
        row: list[Cell] = [r.id, *ident, r.role, r.team, r.language, person.submitted]
        for qid in questions:
            answer = r.answers.get(qid)
            row.append(None if answer is None else _value(answer))
        row.extend(r.comments.get(element.id, "") for element in q.elements)
        rows.append(row)
    return rows


def to_csv(rows: Iterable[Sequence[Cell]]) -> bytes:
    """CSV bytes (UTF-8 with a byte-order mark so spreadsheet programs detect the encoding)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[Sequence[Cell]], sheet: str = "responses") -> bytes:
    """An XLSX workbook (openpyxl write-only mode): numbers numeric, text never a formula."""
    # Imported by name: openpyxl ships no type information (see the mypy overrides).
    openpyxl: Any = importlib.import_module("openpyxl")
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    for row in rows:
        worksheet.append([xlsx_value(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def results_document(results: Results) -> dict[str, Any]:
    """Results in the ``saleshealth score --json`` shape."""
    return results.to_dict()
