"""The ``text`` question type: free text, never scored; answers become anonymous comments."""

from __future__ import annotations

from collections.abc import Iterator

from assessment.core.answers import MAX_TEXT, Answer, AnswerError, AnswerKind
from assessment.core.model import Question
from assessment.core.qtypes.base import N_, Kind, Loc, QuestionType
from assessment.core.qtypes.registry import register


@register
class Text(QuestionType):
    """An open question; the answer is shown (anonymously) with the element's comments."""

    name = "text"
    label = N_("Free text")
    kind = Kind.UNSCORED
    answer_kind = AnswerKind.TEXT
    free_text = True

    def parse(self, question: Question, value: str | float | int) -> Answer:
        """The text as typed, up to :data:`~assessment.core.answers.MAX_TEXT` characters."""
        text = str(value)
        if len(text) > MAX_TEXT:
            raise AnswerError(question.id, "answer.text_too_long", num=MAX_TEXT)
        return Answer(AnswerKind.TEXT, text)

    def check(self, question: Question) -> Iterator[tuple[Loc, str]]:
        """Free text takes no options or bands."""
        if question.options or question.bands:
            yield ("type",), "a text question takes no options or bands"
