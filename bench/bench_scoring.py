"""Scoring throughput: 1,000 respondents answering the whole standard questionnaire.

Target (issue 2): under 0.3 s on a 2-core machine.  Prints the median of several runs;
building the synthetic answers is not timed.

    .venv/bin/python bench/bench_scoring.py [--respondents 1000] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

from assessment.core.loader import find_questionnaire
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    q = find_questionnaire("sales-org-health")
    people = synthetic_respondents(q, args.respondents, seed=1)
    answers = sum(len(p.answers) for p in people)
    score(q, people)  # warm-up
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        results = score(q, people)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(
        f"questionnaire: {q.id} {q.version}, {sum(len(e.questions) for e in q.elements)} questions"
    )
    print(f"respondents: {args.respondents}, answers: {answers}")
    print(
        f"overall score: {results.overall.score:.1f}, "
        f"recommendations: {len(results.recommendations)}"
    )
    print(
        f"score(): median {median * 1000:.1f} ms, min {min(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms over {args.runs} runs"
    )
    print(f"target < 300 ms: {'met' if median < 0.3 else 'MISSED'}")


if __name__ == "__main__":
    main()
