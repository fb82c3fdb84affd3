"""Deterministic synthetic respondents for demos, samples and benchmarks.

Each element gets a latent health; leadership answers a little more favourably than the
frontline (the usual perception gap), and individuals scatter around it.  The data is
labelled synthetic wherever it is shown and is never used as a benchmark.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.model import Question, Questionnaire

DEFAULT_MIX: Mapping[str, int] = {
    "executive": 3,
    "sales_manager": 5,
    "sales_rep": 18,
    "sales_ops": 3,
    "other": 1,
}

_COMMENTS = (
    "We talk about this a lot but little changes between quarters.",
    "Much better since the new sales director arrived.",
    "Depends heavily on which manager you report to.",
    "Hard to answer: we have never measured it.",
    "The tools are fine, the habits are not.",
)


def synthetic_respondents(
    q: Questionnaire,
    n: int | None = None,
    *,
    seed: int = 7,
    mix: Mapping[str, int] | None = None,
    leadership_bias: float = 0.12,
    language: str = "en",
) -> list[Respondent]:
    """Build synthetic respondents; ``n`` scales the role mix to that many people."""
    rng = random.Random(seed)
    mix = dict(mix or DEFAULT_MIX)
    roles = [r for r, k in mix.items() for _ in range(k) if r in q.role_ids]
    if n is not None:
        roles = [roles[i % len(roles)] for i in range(n)]
    health = {el.id: rng.uniform(0.3, 0.8) for el in q.elements}
    people: list[Respondent] = []
    for i, role in enumerate(roles, start=1):
        bias = leadership_bias if role in q.leadership_roles else 0.0
        answers: dict[str, Answer] = {}
        comments: dict[str, str] = {}
        for el in q.elements:
            latent = min(1.0, max(0.0, health[el.id] + bias + rng.gauss(0, 0.12)))
            for question in el.questions:
                if role not in question.roles:
                    continue
                answer = _answer(question, latent, rng)
                if answer is not None:
                    answers[question.id] = answer
            if rng.random() < 0.08:
                comments[el.id] = rng.choice(_COMMENTS)
        people.append(
            Respondent(
                id=f"R{i:04d}",
                role=role,
                answers=answers,
                comments=comments,
                team=f"Team {'ABC'[i % 3]}",
                language=language,
            )
        )
    return people


def _answer(question: Question, latent: float, rng: random.Random) -> Answer | None:
    roll = rng.random()
    if roll < 0.03:
        return None
    if question.allow_dk and roll < 0.07:
        return Answer(AnswerKind.DK)
    if question.allow_na and roll < 0.09:
        return Answer(AnswerKind.NA)
    return question.qtype.synthetic(question, latent, rng)
