"""Synthetic populations whose true scores are known exactly, to check interval coverage.

A population is a mixture of respondent classes; each class answers each question with
fixed option probabilities and leaves it unanswered ("don't know") with a fixed
probability.  The true mean normalized answer of a question is then
``Σ_class share · Σ_option p · n(option)`` (missing answers are missing completely at
random, so they do not move it), and the true element and overall scores follow from the
method-2 formulas.  Used by ``tests/core/test_stats.py`` and ``bench/bench_ci_coverage.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assessment.core.answers import Answer, AnswerKind, Respondent
from assessment.core.loader import load_questionnaire_text
from assessment.core.model import Questionnaire

# The roles (with leadership and frontline) and the five-point agreement scale that the
# scoring tests' small questionnaires share.
ROLES_YAML = """roles:
  - {id: executive, label: Executive}
  - {id: sales_manager, label: Sales manager}
  - {id: sales_rep, label: Sales rep}
  - {id: sales_ops, label: Sales ops}
  - {id: other, label: Other}
leadership_roles: [executive, sales_manager]
frontline_roles: [sales_rep]
"""
AGREE5_YAML = """scales:
  agree5:
    - {value: sd, label: Strongly disagree, score: 1}
    - {value: d, label: Disagree, score: 2}
    - {value: n, label: Neutral, score: 3}
    - {value: a, label: Agree, score: 4}
    - {value: sa, label: Strongly agree, score: 5}
"""

SIMULATION_YAML = (
    """
id: sim
version: "1"
title: Coverage simulation
"""
    + ROLES_YAML
    + """levels:
  - {level: 1, name: Low, min: 0}
  - {level: 2, name: High, min: 50}
"""
    + AGREE5_YAML
    + """elements:
  - id: e1
    title: One
    weight: 2
    levels: {1: low, 2: high}
    questions:
      - {id: e1.q1, type: likert, scale: agree5, text: One, allow_dk: true}
      - {id: e1.q2, type: likert, scale: agree5, text: Two, allow_dk: true}
      - {id: e1.q3, type: likert, scale: agree5, text: Three, weight: 2, allow_dk: true}
      - {id: e1.q4, type: yes_no, text: Four, allow_dk: true}
  - id: e2
    title: Two
    levels: {1: low, 2: high}
    questions:
      - {id: e2.q1, type: likert, scale: agree5, text: One, allow_dk: true}
      - {id: e2.q2, type: likert, scale: agree5, text: Two, allow_dk: true}
      - id: e2.q3
        type: choice
        text: Three
        allow_dk: true
        options:
          - {value: none, label: None, score: 0}
          - {value: some, label: Some, score: 1}
          - {value: most, label: Most, score: 3}
"""
)


def simulation_questionnaire() -> Questionnaire:
    """The two-element questionnaire the populations answer."""
    return load_questionnaire_text(SIMULATION_YAML, "simulation.yaml")


@dataclass(frozen=True)
class Population:
    """A mixture of classes: (share, question id → option probabilities)."""

    name: str
    classes: Sequence[tuple[float, Mapping[str, Sequence[float]]]]
    dont_know: float = 0.1

    def true_means(self, q: Questionnaire) -> dict[str, float]:
        """The true mean normalized answer of every question."""
        out = {}
        for qid, question in q.questions().items():
            options = question.options or ()
            lo, hi = question.score_bounds
            norm = np.array([(o.score - lo) / (hi - lo) for o in options])
            out[qid] = sum(share * float(np.dot(probs[qid], norm)) for share, probs in self.classes)
        return out

    def truth(self, q: Questionnaire) -> dict[str, float]:
        """True score of every element and of the overall (key ``overall``)."""
        means = self.true_means(q)
        out: dict[str, float] = {}
        for el in q.elements:
            w = sum(qu.weight for qu in el.questions)
            out[el.id] = 100 * sum(qu.weight * means[qu.id] for qu in el.questions) / w
        weight = sum(el.weight for el in q.elements)
        out["overall"] = sum(el.weight * out[el.id] for el in q.elements) / weight
        return out

    def sample(self, q: Questionnaire, n: int, rng: np.random.Generator) -> list[Respondent]:
        """``n`` respondents drawn from the population (all sales reps)."""
        shares = np.array([share for share, _ in self.classes])
        kinds = rng.choice(len(self.classes), size=n, p=shares / shares.sum())
        questions = list(q.questions().values())
        picks = np.zeros((n, len(questions)), dtype=np.intp)
        for k, (_, probs) in enumerate(self.classes):
            members = np.flatnonzero(kinds == k)
            for j, question in enumerate(questions):
                options = len(question.options or ())
                picks[members, j] = rng.choice(options, size=members.size, p=probs[question.id])
        unknown = rng.random((n, len(questions))) < self.dont_know
        people = []
        for i in range(n):
            answers = {
                question.id: Answer(AnswerKind.DK)
                if unknown[i, j]
                else Answer(AnswerKind.OPTION, (question.options or ())[picks[i, j]].value)
                for j, question in enumerate(questions)
            }
            people.append(Respondent(f"s{i:04d}", "sales_rep", answers))
        return people


def _likert(*p: float) -> tuple[float, ...]:
    return p


POPULATIONS = (
    Population(
        "middling, one class",
        [
            (
                1.0,
                {
                    **{
                        q: _likert(0.1, 0.2, 0.3, 0.3, 0.1)
                        for q in ("e1.q1", "e1.q2", "e1.q3", "e2.q1", "e2.q2")
                    },
                    "e1.q4": (0.6, 0.4),
                    "e2.q3": (0.3, 0.4, 0.3),
                },
            )
        ],
    ),
    Population(
        "polarised, two classes",
        [
            (
                0.7,
                {
                    **{
                        q: _likert(0.0, 0.05, 0.15, 0.5, 0.3)
                        for q in ("e1.q1", "e1.q2", "e1.q3", "e2.q1", "e2.q2")
                    },
                    "e1.q4": (0.9, 0.1),
                    "e2.q3": (0.05, 0.25, 0.7),
                },
            ),
            (
                0.3,
                {
                    **{
                        q: _likert(0.5, 0.3, 0.15, 0.05, 0.0)
                        for q in ("e1.q1", "e1.q2", "e1.q3", "e2.q1", "e2.q2")
                    },
                    "e1.q4": (0.1, 0.9),
                    "e2.q3": (0.7, 0.25, 0.05),
                },
            ),
        ],
        dont_know=0.2,
    ),
    Population(
        "skewed high",
        [
            (
                1.0,
                {
                    **{
                        q: _likert(0.02, 0.03, 0.1, 0.35, 0.5)
                        for q in ("e1.q1", "e1.q2", "e1.q3", "e2.q1", "e2.q2")
                    },
                    "e1.q4": (0.85, 0.15),
                    "e2.q3": (0.1, 0.2, 0.7),
                },
            )
        ],
    ),
)


def coverage(population: Population, n: int, replications: int, seed: int = 7) -> dict[str, float]:
    """Share of samples of ``n`` whose 90 % interval holds the true score, per score.

    A sample where fewer than five respondents answer an element has no interval for it
    and is not counted for that element.
    """
    from assessment.core.scoring import score

    q = simulation_questionnaire()
    truth = population.truth(q)
    rng = np.random.default_rng(seed)
    hits = dict.fromkeys(truth, 0)
    tries = dict.fromkeys(truth, 0)
    for _ in range(replications):
        results = score(q, population.sample(q, n, rng))
        intervals = {el.id: el.ci for el in results.elements}
        intervals["overall"] = results.overall.ci
        for key, ci in intervals.items():
            if ci is not None:
                tries[key] += 1
                hits[key] += ci[0] <= truth[key] <= ci[1]
    return {key: hits[key] / tries[key] for key in truth if tries[key]}
