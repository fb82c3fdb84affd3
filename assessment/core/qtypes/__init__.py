"""Question types: one class per type, registered once.

Everything that depends on a question's ``type`` (parsing and checking answers, score
bounds, what a question definition must hold, synthetic answers, export cells, the form
widget's name, the display label) lives on its class; the rest of the code asks
:func:`type_of` instead of branching on a type name.  Importing this package registers the
built-in types (``likert``, ``choice``, ``yes_no``, ``number``, ``text``).
"""

from __future__ import annotations

from assessment.core.qtypes.base import N_, Kind, Loc, QuestionType
from assessment.core.qtypes.registry import (
    UnknownQuestionType,
    question_type,
    register,
    type_names,
    type_of,
    unregister,
)

# Imported for their @register side effect: the built-in types.
from assessment.core.qtypes import options, number, text  # noqa: F401  isort: skip

__all__ = [
    "N_",
    "Kind",
    "Loc",
    "QuestionType",
    "UnknownQuestionType",
    "question_type",
    "register",
    "type_names",
    "type_of",
    "unregister",
]
