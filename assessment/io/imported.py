"""What the answer importers share: limits, decoding, CSV reading and per-person checks."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from assessment.core.answers import Respondent as CoreRespondent
from assessment.io.answers_csv import AnswersFileError, at, at_row, decode_text
from assessment.messages import Message

IMPORT_MAX_BYTES = 10 * 1024 * 1024
"""Largest answers file an import accepts (10 MB, about 150,000 answer rows)."""
MAX_CODE = 20
MAX_NAME = 200
MAX_EMAIL = 254
MAX_TEAM = 100
MAX_COMMENT = 5000
"""Longest comment an import accepts: the same cap as a comment typed on the web
(``assessment.services.responding.MAX_COMMENT``; a test keeps the two equal)."""
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,6})?")


@dataclass(frozen=True)
class ImportedRespondent:
    """A validated respondent from an import file, with the row it starts on."""

    respondent: CoreRespondent
    row: int
    name: str = ""
    email: str = ""


def decode(data: bytes, name: str, limit: int = IMPORT_MAX_BYTES) -> str:
    """The file as text, or AnswersFileError (too large, not UTF-8, empty)."""
    return decode_text(data, name, limit)


def csv_rows(text: str, name: str) -> list[list[str]]:
    """Every CSV row, or AnswersFileError naming the row that is not valid CSV."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        malformed = Message("file.malformed_csv", detail=str(exc))
        raise AnswersFileError(name, [at_row(reader.line_num, malformed)]) from exc


def identity_problems(
    where: str,
    code: str,
    name: str = "",
    email: str = "",
    team: str = "",
    language: str = "",
    region: str = "",
    segment: str = "",
) -> list[str]:
    """What is wrong with a person's code, name, e-mail, team, region, segment or language
    (``where``: prefix).

    ``where`` is usually a :class:`~assessment.messages.Message` such as "row 3".
    """
    found: list[Message] = []
    if not code:
        found.append(Message("person.code_empty"))
    elif len(code) > MAX_CODE:
        found.append(Message("person.code_too_long", code=code[:40], max=MAX_CODE))
    if len(name) > MAX_NAME:
        found.append(Message("person.name_too_long", num=MAX_NAME))
    if email and ("@" not in email or len(email) > MAX_EMAIL or any(c.isspace() for c in email)):
        found.append(Message("person.bad_email", email=email[:60]))
    if len(team) > MAX_TEAM:
        found.append(Message("person.team_too_long", num=MAX_TEAM))
    if len(region) > MAX_TEAM:
        found.append(Message("person.region_too_long", num=MAX_TEAM))
    if len(segment) > MAX_TEAM:
        found.append(Message("person.segment_too_long", num=MAX_TEAM))
    if language and not _LANGUAGE.fullmatch(language):
        found.append(Message("person.bad_language", language=language[:20]))
    return [at(where, problem) for problem in found]


def comment_problem(where: str, text: str) -> str | None:
    """The problem with a comment longer than :data:`MAX_COMMENT`, or None."""
    if len(text) <= MAX_COMMENT:
        return None
    # Floats: the lengths are written with the locale's digit grouping (5,001).
    too_long = Message("person.comment_too_long", num=float(len(text)), max=float(MAX_COMMENT))
    return at(where, too_long)


def row_number(problem: str) -> int:
    """The row a problem message names (for sorting), 0 when it names none."""
    match = re.match(r"row (\d+)", problem)
    return int(match.group(1)) if match else 0
