"""Read the long answers CSV: ``respondent,role,question,value[,comment]``.

One row per answer.  Every row is checked and every problem is reported with its row
number (the header is row 1) before anything is scored: nothing is half-read.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assessment.core.answers import Answer, AnswerError, Respondent, parse_answer
from assessment.core.model import Questionnaire

REQUIRED = ("respondent", "role", "question", "value")
OPTIONAL = ("comment", "team", "language")
MAX_BYTES = 20 * 1024 * 1024
MAX_FIELD = 10_000


class AnswersFileError(ValueError):
    """An answers file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = problems[:200]
        if len(problems) > len(shown):
            shown.append(f"... and {len(problems) - len(shown)} more problems")
        super().__init__("\n".join(f"{source}: {p}" for p in shown))


@dataclass
class _Builder:
    role: str
    first_row: int
    team: str = ""
    language: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    comments: dict[str, list[str]] = field(default_factory=dict)


def read_answers_file(path: str | os.PathLike[str], q: Questionnaire) -> list[Respondent]:
    """Read and validate an answers CSV file."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise AnswersFileError(name, [f"cannot read the file: {exc.strerror}"]) from exc
    if size > MAX_BYTES:
        raise AnswersFileError(name, [f"file is {size} bytes; the limit is {MAX_BYTES}"])
    return read_answers_bytes(p.read_bytes(), q, name)


def read_answers_bytes(
    data: bytes, q: Questionnaire, name: str = "answers.csv"
) -> list[Respondent]:
    """Read and validate answers CSV content."""
    return parse_answer_rows(_rows(decode_text(data, name)), q, name)


def decode_text(data: bytes, name: str, limit: int = MAX_BYTES) -> str:
    """A CSV upload as text, or AnswersFileError (too large, not UTF-8, empty)."""
    if len(data) > limit:
        size = f"{len(data):,} bytes; the limit is {limit:,} bytes ({limit // 2**20} MB)"
        raise AnswersFileError(name, [f"the file is {size}"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswersFileError(
            name, [f"not valid UTF-8 (first bad byte at offset {exc.start}); save it as UTF-8"]
        ) from exc
    if not text.strip():
        raise AnswersFileError(name, ["the file is empty; expected a header row"])
    return text


def _rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        raise AnswersFileError("", [f"row {reader.line_num}: malformed CSV: {exc}"]) from exc


def parse_answer_rows(
    rows: Iterable[list[str]], q: Questionnaire, name: str = "answers.csv"
) -> list[Respondent]:
    """Validate rows (header first) against the questionnaire and build respondents."""
    try:
        return _parse(iter(rows), q, name)
    except AnswersFileError as exc:
        if exc.source:
            raise
        raise AnswersFileError(name, exc.problems) from exc


def _parse(rows: Iterator[list[str]], q: Questionnaire, name: str) -> list[Respondent]:
    header = next(rows, None)
    if header is None or not any(h.strip() for h in header):
        raise AnswersFileError(name, ["the file is empty; expected a header row"])
    columns = [h.strip().lower() for h in header]
    problems: list[str] = []
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(f"row 1: missing column(s) {', '.join(missing)}")
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        problems.append(
            f"row 1: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}"
        )
    if len(set(columns)) != len(columns):
        problems.append("row 1: a column name appears twice")
    if problems:
        raise AnswersFileError(name, problems)
    index = {c: i for i, c in enumerate(columns)}
    questions = q.questions()
    element_of = q.element_of()
    roles = set(q.role_ids)
    people: dict[str, _Builder] = {}
    data_rows = 0
    for rownum, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        data_rows += 1
        if len(row) != len(columns):
            problems.append(f"row {rownum}: {len(row)} fields, expected {len(columns)}")
            continue
        if any(len(cell) > MAX_FIELD for cell in row):
            problems.append(f"row {rownum}: a field is longer than {MAX_FIELD} characters")
            continue
        cell = {c: row[i].strip() for c, i in index.items()}
        rid, role, qid = cell["respondent"], cell["role"], cell["question"]
        if not rid:
            problems.append(f"row {rownum}: respondent is empty")
            continue
        if role not in roles:
            problems.append(f"row {rownum}: unknown role {role!r} (roles: {', '.join(q.role_ids)})")
            continue
        person = people.setdefault(rid, _Builder(role=role, first_row=rownum))
        if person.role != role:
            problems.append(
                f"row {rownum}: respondent {rid!r} has role {role!r} here but "
                f"{person.role!r} in row {person.first_row}; a respondent has one role"
            )
            continue
        person.team = person.team or cell.get("team", "")
        person.language = person.language or cell.get("language", "")
        question = questions.get(qid)
        if question is None:
            problems.append(f"row {rownum}: unknown question {qid!r}")
            continue
        if role not in question.roles:
            problems.append(
                f"row {rownum}: question {qid!r} is not asked of role {role!r} "
                f"(asked of: {', '.join(question.roles)})"
            )
            continue
        if qid in person.rows:
            problems.append(
                f"row {rownum}: duplicate answer of respondent {rid!r} to {qid!r} "
                f"(first in row {person.rows[qid]})"
            )
            continue
        try:
            person.answers[qid] = parse_answer(question, row[index["value"]])
        except AnswerError as exc:
            problems.append(f"row {rownum}: value: {exc}")
            continue
        person.rows[qid] = rownum
        comment = cell.get("comment", "")
        if comment:
            person.comments.setdefault(element_of[qid], []).append(comment)
    if not data_rows and not problems:
        problems.append("no answer rows after the header")
    if problems:
        raise AnswersFileError(name, problems)
    return [
        Respondent(
            id=rid,
            role=b.role,
            answers=b.answers,
            comments={e: "\n".join(texts) for e, texts in b.comments.items()},
            team=b.team,
            language=b.language,
        )
        for rid, b in people.items()
    ]
