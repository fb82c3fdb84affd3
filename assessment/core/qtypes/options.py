"""Question types answered by picking one option with an explicit score: likert, choice, yes/no."""

from __future__ import annotations

import random
from collections.abc import Iterator

from assessment.core.answers import Answer, AnswerError, AnswerKind
from assessment.core.model import Question
from assessment.core.qtypes.base import N_, Kind, Loc, QuestionType
from assessment.core.qtypes.registry import register

RESERVED_VALUES = frozenset({"na", "dk"})
"""Option values that would read as "not applicable" / "don't know"."""


class OptionsType(QuestionType):
    """Common behaviour of the option types; not registered itself."""

    kind = Kind.PRACTICE
    answer_kind = AnswerKind.OPTION
    widget = "options"

    def score_bounds(self, question: Question) -> tuple[float, float]:
        """The lowest and highest option score."""
        scores = [o.score for o in question.options or ()]
        return (min(scores), max(scores)) if scores else (0.0, 0.0)

    def parse(self, question: Question, value: str | float | int) -> Answer:
        """The option value, which must be one of the question's options."""
        text = str(value)
        if question.option(text) is None:
            values = [o.value for o in question.options or ()]
            raise AnswerError(question.id, "answer.not_an_option", value=text, options=values)
        return Answer(AnswerKind.OPTION, text)

    def check(self, question: Question) -> Iterator[tuple[Loc, str]]:
        """Options are required, unique, not reserved and not all of one score."""
        if not question.options:
            yield ("options",), f"a {self.name} question needs options or a scale"
        else:
            values = [o.value for o in question.options]
            for i, value in enumerate(values):
                if value in values[:i]:
                    yield ("options", i, "value"), f"duplicate option value {value!r}"
            if value_clash := RESERVED_VALUES & set(values):
                yield ("options",), f"option values {sorted(value_clash)} are reserved"
            lo, hi = self.score_bounds(question)
            if lo == hi:
                yield ("options",), "options must not all have the same score"
        if question.bands or question.range:
            yield ("type",), f"a {self.name} question takes no bands or range"

    def synthetic(self, question: Question, latent: float, rng: random.Random) -> Answer | None:
        """An option picked by rank of score: healthier respondents pick better options."""
        noisy = self.noisy(latent, rng)
        opts = sorted(question.options or (), key=lambda o: o.score)
        return Answer(AnswerKind.OPTION, opts[int(noisy * len(opts))].value)


@register
class Likert(OptionsType):
    """An agreement scale (e.g. strongly disagree … strongly agree)."""

    name = "likert"
    label = N_("Agreement scale")
    agreement = True


@register
class Choice(OptionsType):
    """A list of options with their own scores, in no particular order."""

    name = "choice"
    label = N_("Choice")


@register
class YesNo(OptionsType):
    """Yes or no; Yes = 1 and No = 0 unless the question gives its own options."""

    name = "yes_no"
    label = N_("Yes / no")
    default_options = (
        {"value": "yes", "label": "Yes", "score": 1},
        {"value": "no", "label": "No", "score": 0},
    )
