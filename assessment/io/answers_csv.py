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
from assessment.messages import Message

REQUIRED = ("respondent", "role", "question", "value")
OPTIONAL = ("comment", "team", "region", "segment", "language")
MAX_BYTES = 20 * 1024 * 1024
MAX_FIELD = 10_000


class AnswersFileError(ValueError):
    """An answers file that cannot be used; ``problems`` lists every problem found.

    The problems are :class:`~assessment.messages.Message` values (each also its English
    text): the command line prints them, the web renders them in the user's language.
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = problems[:200]
        if len(problems) > len(shown):
            shown.append(Message("file.more_problems", num=len(problems) - len(shown)))
        super().__init__("\n".join(f"{source}: {p}" for p in shown))


def at(where: str, problem: Message) -> Message:
    """``problem`` found at ``where`` (a row, a column, a key): "row 3: …"."""
    return Message("at", where=where, problem=problem)


def at_row(row: int, problem: Message, column: str | None = None) -> Message:
    """``problem`` on row ``row`` (the header is row 1), optionally in ``column``."""
    if column is None:
        return at(Message("where.row", row=row), problem)
    return at(Message("where.row_column", row=row, column=column), problem)


@dataclass
class _Builder:
    role: str
    first_row: int
    team: str = ""
    language: str = ""
    region: str = ""
    segment: str = ""
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
        raise AnswersFileError(name, [Message("file.cannot_read", reason=exc.strerror)]) from exc
    if size > MAX_BYTES:
        raise AnswersFileError(name, [Message("file.too_large_bytes", size=size, limit=MAX_BYTES)])
    return read_answers_bytes(p.read_bytes(), q, name)


def read_answers_bytes(
    data: bytes, q: Questionnaire, name: str = "answers.csv"
) -> list[Respondent]:
    """Read and validate answers CSV content."""
    return parse_answer_rows(_rows(decode_text(data, name)), q, name)


def decode_text(data: bytes, name: str, limit: int = MAX_BYTES) -> str:
    """A CSV upload as text, or AnswersFileError (too large, not UTF-8, empty)."""
    if len(data) > limit:
        too_large = Message(
            "file.too_large", size=float(len(data)), limit=float(limit), mb=limit // 2**20
        )
        raise AnswersFileError(name, [too_large])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswersFileError(name, [Message("file.not_utf8", offset=exc.start)]) from exc
    if not text.strip():
        raise AnswersFileError(name, [Message("file.empty")])
    return text


def _rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        malformed = Message("file.malformed_csv", detail=str(exc))
        raise AnswersFileError("", [at_row(reader.line_num, malformed)]) from exc


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
        raise AnswersFileError(name, [Message("file.empty")])
    columns = [h.strip().lower() for h in header]
    problems: list[str] = []
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(at_row(1, Message("file.missing_columns", columns=missing)))
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        problems.append(
            at_row(
                1,
                Message(
                    "file.unknown_columns",
                    columns=[repr(c) for c in unknown],
                    required=REQUIRED,
                    optional=OPTIONAL,
                ),
            )
        )
    if len(set(columns)) != len(columns):
        problems.append(at_row(1, Message("file.column_name_twice")))
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
            count = Message("file.field_count", num=len(row), expected=len(columns))
            problems.append(at_row(rownum, count))
            continue
        if any(len(cell) > MAX_FIELD for cell in row):
            problems.append(at_row(rownum, Message("file.field_too_long", num=MAX_FIELD)))
            continue
        cell = {c: row[i].strip() for c, i in index.items()}
        rid, role, qid = cell["respondent"], cell["role"], cell["question"]
        if not rid:
            problems.append(at_row(rownum, Message("file.respondent_empty")))
            continue
        if role not in roles:
            unknown_role = Message("file.unknown_role", role=role, roles=q.role_ids)
            problems.append(at_row(rownum, unknown_role))
            continue
        person = people.setdefault(rid, _Builder(role=role, first_row=rownum))
        if person.role != role:
            changes = Message(
                "file.role_changes",
                respondent=rid,
                role=role,
                first_role=person.role,
                first_row=person.first_row,
            )
            problems.append(at_row(rownum, changes))
            continue
        person.team = person.team or cell.get("team", "")
        person.region = person.region or cell.get("region", "")
        person.segment = person.segment or cell.get("segment", "")
        person.language = person.language or cell.get("language", "")
        question = questions.get(qid)
        if question is None:
            problems.append(at_row(rownum, Message("file.unknown_question", question=qid)))
            continue
        if role not in question.roles:
            not_asked = Message(
                "file.question_not_for_role", question=qid, role=role, roles=question.roles
            )
            problems.append(at_row(rownum, not_asked))
            continue
        if qid in person.rows:
            twice = Message(
                "file.duplicate_answer", respondent=rid, question=qid, first_row=person.rows[qid]
            )
            problems.append(at_row(rownum, twice))
            continue
        try:
            person.answers[qid] = parse_answer(question, row[index["value"]])
        except AnswerError as exc:
            problems.append(at(Message("where.row_value", row=rownum), exc.located))
            continue
        person.rows[qid] = rownum
        comment = cell.get("comment", "")
        if comment:
            person.comments.setdefault(element_of[qid], []).append(comment)
    if not data_rows and not problems:
        problems.append(Message("file.no_answer_rows"))
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
            region=b.region,
            segment=b.segment,
        )
        for rid, b in people.items()
    ]
