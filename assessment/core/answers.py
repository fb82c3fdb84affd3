"""Answers as plain, validated values.

Whatever collects answers (a CSV file, a web form, an import) turns each raw value into an
:class:`Answer` with :func:`parse_answer`, which checks it against the question and raises
:class:`AnswerError` with a message a person can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from assessment.core.errors import CodedError
from assessment.core.model import Question
from assessment.messages import Message

NA = "na"
DK = "dk"
MAX_TEXT = 5000


class AnswerKind(StrEnum):
    """What kind of value an answer holds."""

    OPTION = "option"
    NUMBER = "number"
    TEXT = "text"
    NA = "na"
    DK = "dk"


class AnswerError(CodedError, ValueError):
    """A raw value that is not a valid answer to its question.

    ``message`` says what is wrong with the value; ``str()`` and :attr:`located` put the
    question id in front of it (``a.q3: 500 is outside the allowed range 0..100 %``).
    """

    def __init__(self, question: str, code: str, /, **params: object) -> None:
        super().__init__(code, **params)
        self.question = question
        self.located = Message("at", where=question, problem=self.message)
        self.args = (str(self.located),)


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
    region: str = ""
    segment: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))
        object.__setattr__(self, "comments", MappingProxyType(dict(self.comments)))


def parse_answer(question: Question, raw: str | float | int) -> Answer:
    """Turn a raw value into a validated answer to ``question``."""
    if isinstance(raw, bool):
        raise AnswerError(question.id, "answer.not_a_value", value=repr(raw))
    text = raw.strip() if isinstance(raw, str) else raw
    if isinstance(text, str) and text.lower() in (NA, DK):
        kind = AnswerKind.NA if text.lower() == NA else AnswerKind.DK
        allowed = question.allow_na if kind is AnswerKind.NA else question.allow_dk
        if not allowed:
            code = "answer.na_not_offered" if kind is AnswerKind.NA else "answer.dk_not_offered"
            raise AnswerError(question.id, code)
        return Answer(kind)
    if text == "":
        raise AnswerError(question.id, "answer.empty")
    # The question's type parses the rest (see assessment.core.qtypes).
    return question.qtype.parse(question, text)
