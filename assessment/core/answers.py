"""Answers as plain, validated values.

Whatever collects answers (a CSV file, a web form, an import) turns each raw value into an
:class:`Answer` with :func:`parse_answer`, which checks it against the question and raises
:class:`AnswerError` with a message a person can act on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from assessment.core.model import Question, QuestionType

NA = "na"
DK = "dk"
MAX_TEXT = 5000
_DECIMAL_COMMA = re.compile(r"-?\d+,(\d{1,2}|\d{4,})")


class AnswerKind(StrEnum):
    """What kind of value an answer holds."""

    OPTION = "option"
    NUMBER = "number"
    TEXT = "text"
    NA = "na"
    DK = "dk"


class AnswerError(ValueError):
    """A raw value that is not a valid answer to its question."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One respondent's answer to one question."""

    kind: AnswerKind
    value: str | float | None = None

    @property
    def raw(self) -> str:
        """The answer as it is written in an answers CSV."""
        if self.kind in (AnswerKind.NA, AnswerKind.DK):
            return self.kind.value
        if isinstance(self.value, float):
            return f"{self.value:g}"
        return str(self.value)


@dataclass(frozen=True, slots=True)
class Respondent:
    """A respondent's role and answers (question id → answer) and comments (element id → text)."""

    id: str
    role: str
    answers: Mapping[str, Answer] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    team: str = ""
    language: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))
        object.__setattr__(self, "comments", MappingProxyType(dict(self.comments)))


def parse_answer(question: Question, raw: str | float | int) -> Answer:
    """Turn a raw value into a validated answer to ``question``."""
    if isinstance(raw, bool):
        raise AnswerError(f"{question.id}: expected a value, got {raw!r}")
    text = raw.strip() if isinstance(raw, str) else raw
    if isinstance(text, str) and text.lower() in (NA, DK):
        kind = AnswerKind.NA if text.lower() == NA else AnswerKind.DK
        allowed = question.allow_na if kind is AnswerKind.NA else question.allow_dk
        if not allowed:
            what = "N/A" if kind is AnswerKind.NA else '"don\'t know"'
            raise AnswerError(f"{question.id}: {what} is not offered for this question")
        return Answer(kind)
    if text == "":
        raise AnswerError(f"{question.id}: empty value")
    if question.type is QuestionType.TEXT:
        value = str(text)
        if len(value) > MAX_TEXT:
            raise AnswerError(f"{question.id}: text longer than {MAX_TEXT} characters")
        return Answer(AnswerKind.TEXT, value)
    if question.type is QuestionType.NUMBER:
        return Answer(AnswerKind.NUMBER, _number(question, text))
    value = str(text)
    if question.option(value) is None:
        values = ", ".join(o.value for o in question.options or ())
        raise AnswerError(f"{question.id}: {value!r} is not an option (options: {values})")
    return Answer(AnswerKind.OPTION, value)


def _number(question: Question, text: str | float | int) -> float:
    if isinstance(text, str) and "," in text:
        # A decimal comma (Polish, Russian, Romanian) is fine; a thousands separator is not.
        if not _DECIMAL_COMMA.fullmatch(text):
            raise AnswerError(
                f"{question.id}: {text!r} is ambiguous; write numbers without thousands separators"
            )
        text = text.replace(",", ".")
    try:
        x = float(text)
    except ValueError:
        raise AnswerError(f"{question.id}: {text!r} is not a number") from None
    if not math.isfinite(x):
        raise AnswerError(f"{question.id}: {text!r} is not a finite number")
    r = question.range
    if r is not None and not (r.min <= x <= r.max):
        unit = f" {question.unit}" if question.unit else ""
        raise AnswerError(
            f"{question.id}: {x:g} is outside the allowed range {r.min:g}..{r.max:g}{unit}"
        )
    if question.band_for(x) is None:
        raise AnswerError(f"{question.id}: {x:g} falls in no scoring band")
    return x
