"""The registry of question types: name → the one instance of its class."""

from __future__ import annotations

from typing import TypeVar

from assessment.core.model import Question
from assessment.core.qtypes.base import QuestionType

T = TypeVar("T", bound=type[QuestionType])

_TYPES: dict[str, QuestionType] = {}


class UnknownQuestionType(LookupError):
    """A type name that no registered class answers to."""


def register(cls: T) -> T:
    """Class decorator: make ``cls`` the question type of its ``name`` (once per name)."""
    name = cls.name
    if name in _TYPES:
        raise ValueError(f"question type {name!r} is already registered")
    _TYPES[name] = cls()
    return cls


def unregister(name: str) -> None:
    """Forget a question type (for tests that register a type of their own)."""
    _TYPES.pop(name, None)


def question_type(name: str) -> QuestionType:
    """The registered question type called ``name`` (UnknownQuestionType if none is)."""
    try:
        return _TYPES[name]
    except KeyError:
        raise UnknownQuestionType(name) from None


def type_of(question: Question) -> QuestionType:
    """The question type of ``question``."""
    return _TYPES[question.type]


def type_names() -> tuple[str, ...]:
    """Names of the registered types, in registration order."""
    return tuple(_TYPES)
