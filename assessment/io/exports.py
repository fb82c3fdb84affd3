"""Write an assessment's responses as CSV or XLSX, long or wide, and results as JSON.

- **long**: one row per answer, exactly the answers CSV that ``saleshealth score`` reads
  (``respondent,role,team,region,segment,question,value,comment``), so an export scores
  again to the same results.  An element's comment is written on the row of the respondent's first
  answer in that element (the reader attaches a row's comment to its question's element).
- **wide**: one row per respondent; ``respondent,role,team,region,segment,submitted``, then
  one column per question id, then one ``comment:<element id>`` column per element.

Exports are anonymous by default: respondent codes, role, team, region and segment, plus
the day of submission in wide files.  The service blanks a team, region or segment that
fewer exported respondents than the assessment's minimum group size share
(:func:`blank_small_teams`).  The identified variant adds ``name`` and ``email`` after
``respondent``, ``language`` after ``segment``, and the exact submission time.  Comments and
free-text answers are written as the respondents typed them (they may contain names).  Every
text cell is neutralised against formula injection (:mod:`assessment.io.safe_cells`).  This
module is pure: it takes plain data.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assessment.core.answers import Answer
from assessment.core.answers import Respondent as CoreRespondent
from assessment.core.model import Question, Questionnaire
from assessment.core.results import Results
from assessment.io.safe_cells import Cell, safe_row, xlsx_value

COMMENT_PREFIX = "comment:"
LONG_COLUMNS = ("respondent", "role", "team", "region", "segment", "question", "value", "comment")
"""Columns of the anonymous long export (the identified one adds name, email, language)."""
WIDE_FIXED = ("respondent", "role", "team", "region", "segment", "submitted")
"""Fixed columns of the anonymous wide export (the identified one adds name, email, language)."""
IDENTITY = ("name", "email")
IDENTIFIED_EXTRA = "language"
"""Written only in identified exports: scores never depend on it, and a rare language in a
small organisation can point to a person."""
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_MIMETYPE = "application/json"


@dataclass(frozen=True)
class ExportPerson:
    """One respondent as exported: answers and comments plus status and (maybe) identity."""

    respondent: CoreRespondent
    submitted: str = ""
    """ISO 8601 time of submission (UTC), empty when not submitted.  Anonymous exports write
    only its date part."""
    name: str = ""
    email: str = ""


def _value(question: Question, answer: Answer) -> Cell:
    # The question's type decides the cell: numbers stay numeric, options are their values.
    return question.qtype.export_value(answer)


def _with_identity(head: Sequence[str], identified: bool) -> list[str]:
    if not identified:
        return list(head)
    after = head.index("segment") + 1
    return [head[0], *IDENTITY, *head[1:after], IDENTIFIED_EXTRA, *head[after:]]


def _person_cells(person: ExportPerson, identified: bool) -> tuple[list[Cell], list[Cell]]:
    """The cells before ``role`` (code, maybe name and e-mail) and from role to language."""
    r = person.respondent
    if identified:
        return [r.id, person.name, person.email], [r.role, r.team, r.region, r.segment, r.language]
    return [r.id], [r.role, r.team, r.region, r.segment]


def submitted_cell(person: ExportPerson, identified: bool) -> str:
    """The submission time: exact in identified exports, the day (``YYYY-MM-DD``) otherwise."""
    return person.submitted if identified else person.submitted[:10]


GROUP_FIELDS = ("team", "region", "segment")
"""Respondent fields naming a group of people, blanked in anonymous exports when small."""


def blank_small_teams(people: Sequence[ExportPerson], min_group_size: int) -> list[ExportPerson]:
    """``people`` with the team (and the region and segment) left empty where fewer than
    ``min_group_size`` of them share it.

    The count is of the people being exported (those who saved something), the same rule the
    results page applies to groups: a team too small to be shown is not named in a file
    either.  These fields do not enter any score, so the blanking never changes a result.
    """
    counts = {name: Counter(getattr(p.respondent, name) for p in people) for name in GROUP_FIELDS}

    def shown(name: str, value: str) -> str:
        return value if value and counts[name][value] >= min_group_size else ""

    out = []
    for p in people:
        r = p.respondent
        team, region, segment = (shown(n, getattr(r, n)) for n in GROUP_FIELDS)
        if (team, region, segment) != (r.team, r.region, r.segment):
            p = replace(p, respondent=replace(r, team=team, region=region, segment=segment))
        out.append(p)
    return out


def long_rows(
    q: Questionnaire, people: Iterable[ExportPerson], *, identified: bool = False
) -> list[list[Cell]]:
    """Header and one row per answer, in questionnaire order within each respondent."""
    rows: list[list[Cell]] = [list(_with_identity(LONG_COLUMNS, identified))]
    for person in people:
        r = person.respondent
        head, middle = _person_cells(person, identified)
        for element in q.elements:
            comment = r.comments.get(element.id, "")
            for question in element.questions:
                answer = r.answers.get(question.id)
                if answer is None:
                    continue
                rows.append([*head, *middle, question.id, _value(question, answer), comment])
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
    questions = [question for element in q.elements for question in element.questions]
    rows: list[list[Cell]] = [list(wide_columns(q, identified=identified))]
    for person in people:
        r = person.respondent
        head, middle = _person_cells(person, identified)
        row: list[Cell] = [*head, *middle, submitted_cell(person, identified)]
        for question in questions:
            answer = r.answers.get(question.id)
            row.append(None if answer is None else _value(question, answer))
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
    """An XLSX workbook (openpyxl write-only mode): numbers numeric, text never a formula.

    Every text cell is a typed string cell (``t="inlineStr"``) with the quote-prefix style
    flag: the user sees the text exactly as typed (no added apostrophe), nothing evaluates,
    and editing the cell in Excel or LibreOffice keeps it text.
    """
    # Imported by name: openpyxl ships no type information (see the mypy overrides).
    openpyxl: Any = importlib.import_module("openpyxl")
    write_only_cell: Any = importlib.import_module("openpyxl.cell").WriteOnlyCell
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])

    def typed(value: Cell) -> Any:
        cleaned = xlsx_value(value)
        if not isinstance(cleaned, str):
            return cleaned
        cell = write_only_cell(worksheet, value=cleaned)
        cell.data_type = "s"  # openpyxl guessed "f" for text starting with "="
        cell.quotePrefix = True
        return cell

    for row in rows:
        worksheet.append([typed(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def results_document(results: Results) -> dict[str, Any]:
    """Results in the ``saleshealth score --json`` shape."""
    return results.to_dict()
