"""Running sums of one pass over the answers, per question and role (see ``scoring.py``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from assessment.core.model import Questionnaire
from assessment.core.results import Comment


@dataclass(slots=True)
class Acc:
    """Running sums for one question and one role."""

    total: float = 0.0
    count: int = 0
    pos_sum: float = 0.0
    pos_sq: float = 0.0
    na: int = 0
    dk: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    """Answers by option value or band id."""
    numbers: list[tuple[float, int]] = field(default_factory=list)
    """Numeric answers with the respondent's matrix row."""


@dataclass(slots=True)
class Tally:
    """Everything the figures are summed from: ``accs[question id][role]``, per element counts."""

    accs: dict[str, dict[str, Acc]] = field(default_factory=dict)
    contributors: list[Counter[str]] = field(default_factory=list)
    """Per element: respondents of each role with at least one practice answer in it."""
    by_role: Counter[str] = field(default_factory=Counter)
    comments: list[list[Comment]] = field(default_factory=list)

    @classmethod
    def empty(cls, q: Questionnaire) -> Tally:
        """Zeroed sums for every question and role of ``q``."""
        qids = [question.id for el in q.elements for question in el.questions]
        roles = q.role_ids
        return cls(
            accs={qid: {r: Acc() for r in roles} for qid in qids},
            contributors=[Counter() for _ in q.elements],
            comments=[[] for _ in q.elements],
        )
