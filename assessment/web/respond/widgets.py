"""Form widgets of the question types: one template per widget, chosen by name.

A question type names its widget (:attr:`~assessment.core.qtypes.QuestionType.widget_name`);
the widget is ``templates/web/respond/types/<widget>.html``, included by the respondent
page for each question.  A widget template reads ``question``, ``qid``, ``value`` (the
saved or typed answer as text), ``n`` (the question's position on the page) and ``crm``
(question id → value offered from CRM data).  A type without its template is an error
when the page renders, never a silently missing question.
"""

from __future__ import annotations

from collections.abc import Iterable

from assessment.core.model import Question

WIDGET_FOLDER = "web/respond/types"


def widget_template(question: Question) -> str:
    """The template of the widget that asks ``question``."""
    return f"{WIDGET_FOLDER}/{question.qtype.widget_name}.html"


def widget_templates(questions: Iterable[Question]) -> dict[str, str]:
    """Question id → widget template, for a page of questions."""
    return {question.id: widget_template(question) for question in questions}


def offers_comment_box(questions: Iterable[Question]) -> bool:
    """Whether a page needs its own comment box: not when a free-text question asks already."""
    return not any(question.qtype.free_text for question in questions)
