"""The base class of question types: everything that differs between kinds of question.

A question type says how an answer is parsed, how (and whether) it is scored, what a
question of that type must define, how a synthetic answer is made up, how an answer is
written to a file and what the type is called.  Each type is one subclass registered once
(:func:`assessment.core.qtypes.register`); every other module asks the registry instead of
branching on a type name.  ``docs/questionnaires.md`` ("Adding a question type") walks
through a new one.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any, ClassVar

from assessment.core.answers import Answer, AnswerKind
from assessment.core.i18n import N_
from assessment.core.model import Question

Loc = tuple[int | str, ...]
"""A location inside a question definition, e.g. ``("options", 2, "value")``."""

__all__ = ["N_", "Kind", "Loc", "QuestionType"]


class Kind(StrEnum):
    """How a question type enters the scores."""

    PRACTICE = "practice"
    """Rated answer options (how far a practice is established)."""
    KPI = "kpi"
    """A figure scored by the band it falls in."""
    UNSCORED = "unscored"
    """Collected and shown, never scored (free text)."""


class QuestionType:
    """One kind of question.  Subclass it, set the class attributes and register it once."""

    name: ClassVar[str]
    """The ``type:`` written in questionnaire files; never change it once published."""
    kind: ClassVar[Kind]
    label: ClassVar[str]
    """The type's display name in English, marked with :func:`N_`; the edges translate it."""
    answer_kind: ClassVar[AnswerKind]
    """What a given answer holds (an option value, a number or a text)."""
    widget: ClassVar[str] = ""
    """The form widget that asks it (``templates/web/respond/types/<widget>.html``);
    empty means the type's own name."""
    agreement: ClassVar[bool] = False
    """Whether the spread of answers over the options measures agreement (ordinal scales)."""
    free_text: ClassVar[bool] = False
    """Whether its answers are comments (the page then offers no extra comment box)."""
    default_options: ClassVar[tuple[Mapping[str, Any], ...]] = ()
    """Options a question of this type gets when its file gives neither options nor a scale."""

    @property
    def scored(self) -> bool:
        """Whether answers of this type enter a score."""
        return self.kind is not Kind.UNSCORED

    @property
    def widget_name(self) -> str:
        """The form widget that asks it."""
        return self.widget or self.name

    def score_bounds(self, question: Question) -> tuple[float, float]:
        """Lowest and highest score a question of this type can give."""
        return (0.0, 0.0)

    def parse(self, question: Question, value: str | float | int) -> Answer:
        """A validated answer from a raw value that is neither empty nor N/A or "don't know".

        Raises :class:`~assessment.core.answers.AnswerError` with a message a person can
        act on.
        """
        raise NotImplementedError

    def check(self, question: Question) -> Iterator[tuple[Loc, str]]:
        """Problems of the question's definition, each at a location inside the question."""
        return iter(())

    def synthetic(self, question: Question, latent: float, rng: random.Random) -> Answer | None:
        """A made-up answer for a respondent whose health for the element is ``latent``
        (0..1), or None for no answer.  Draw from ``rng`` only, so demos are repeatable."""
        return None

    def export_value(self, answer: Answer) -> str | float:
        """The answer as a cell of an exported file (what the importers read back)."""
        return answer.raw

    @staticmethod
    def noisy(latent: float, rng: random.Random) -> float:
        """``latent`` with individual scatter, kept in [0, 1)."""
        return min(0.999, max(0.0, latent + rng.gauss(0, 0.15)))
