"""Scoring throughput: 1,000 respondents answering the whole standard questionnaire.

Target (issue 13): at most 0.3 s on a 2-core machine with everything method 2 computes,
bootstrap intervals (1,000 replicates) and Cronbach's alpha included.  Prints the median of
several runs, and the same without the intervals for comparison; building the synthetic
answers is not timed.

    .venv/bin/python bench/bench_scoring.py [--respondents 1000] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

from assessment.core.loader import find_questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.core.stats import REPLICATES
from assessment.core.synthetic import synthetic_respondents


def _time(runs: int, fn: object) -> tuple[list[float], list[float], Results]:
    wall, cpu = [], []
    results = None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        results = fn()  # type: ignore[operator]
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert isinstance(results, Results)
    return wall, cpu, results


def _line(name: str, wall: list[float], cpu: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(wall) * 1000:.1f} ms, min {min(wall) * 1000:.1f} ms,"
        f" max {max(wall) * 1000:.1f} ms over {len(wall)} runs"
        f" (CPU median {statistics.median(cpu) * 1000:.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    q = find_questionnaire("sales-org-health")
    people = synthetic_respondents(q, args.respondents, seed=1)
    answers = sum(len(p.answers) for p in people)
    score(q, people)  # warm-up (imports, caches)
    wall, cpu, results = _time(args.runs, lambda: score(q, people))
    wall_plain, cpu_plain, _ = _time(args.runs, lambda: score(q, people, intervals=False))
    median = statistics.median(wall)
    print(
        f"questionnaire: {q.id} {q.version}, {sum(len(e.questions) for e in q.elements)} questions"
    )
    print(f"respondents: {args.respondents}, answers: {answers}")
    o = results.overall
    ci = "-" if o.ci is None else f"{o.ci[0]:.1f}-{o.ci[1]:.1f}"
    print(
        f"overall score: {o.score:.1f} (90% interval {ci}), practice {o.practice:.1f}, "
        f"KPI {o.kpi:.1f}, recommendations: {len(results.recommendations)}"
    )
    alphas = [el.alpha for el in results.elements if el.alpha is not None]
    print(
        f"elements with an interval: {sum(el.ci is not None for el in results.elements)}, "
        f"with alpha: {len(alphas)}, bootstrap replicates: {REPLICATES}"
    )
    print(_line("score() with intervals and alpha", wall, cpu))
    print(_line("score(intervals=False)         ", wall_plain, cpu_plain))
    print(f"target <= 300 ms: {'met' if median <= 0.3 else 'MISSED'}")


if __name__ == "__main__":
    main()
