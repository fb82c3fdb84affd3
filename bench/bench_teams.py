"""Team cuts: 1,000 respondents in 25 teams answering the whole standard questionnaire.

Target (issue 18): the team figures computed in at most 0.5 s on this machine.  Prints the
median of several runs of :func:`assessment.core.cuts.team_cuts` (the team figures, their
tests and the differencing protection, given the organization's results), and of scoring
and cutting together as the results page does (bootstrap intervals included).  Team sizes
are uneven — one team of two people — so the protection has work to do; building the
synthetic answers is not timed.

    .venv/bin/python bench/bench_teams.py [--respondents 1000] [--teams 25] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from assessment.core.cuts import team_cuts
from assessment.core.loader import find_questionnaire
from assessment.core.scoring import score
from assessment.core.stats import one_blas_thread
from assessment.core.synthetic import synthetic_respondents

TARGET_S = 0.5


def team_sizes(respondents: int, teams: int) -> list[int]:
    """Uneven sizes that add up to ``respondents``: one team of 2, the others 1:2:3 cycling."""
    rest = respondents - 2
    weights = [1 + i % 3 for i in range(teams - 1)]
    sizes = [rest * w // sum(weights) for w in weights]
    sizes[0] += rest - sum(sizes)
    return [2, *sizes]


def _time(runs: int, fn: Callable[[], Any]) -> tuple[list[float], Any]:
    wall: list[float] = []
    out = None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        wall.append(time.perf_counter() - start)
    return wall, out


def _line(name: str, wall: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(wall) * 1000:.1f} ms, min {min(wall) * 1000:.1f} ms,"
        f" max {max(wall) * 1000:.1f} ms over {len(wall)} runs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=25)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    q = find_questionnaire("sales-org-health")
    sizes = team_sizes(args.respondents, args.teams)
    names = [f"Team {t + 1:02d}" for t, n in enumerate(sizes) for _ in range(n)]
    people = [
        replace(p, team=name)
        for p, name in zip(synthetic_respondents(q, args.respondents, seed=1), names, strict=True)
    ]
    results = score(q, people)
    team_cuts(q, people, results)  # warm-up (imports, caches)

    def cut() -> Any:
        with one_blas_thread():
            return team_cuts(q, people, results)

    def both() -> Any:
        return team_cuts(q, people, score(q, people))

    wall, cuts = _time(args.runs, cut)
    wall_both, _ = _time(args.runs, both)
    shown = len(cuts.shown_teams)
    hidden = {c.reason for t in cuts.teams for c in t.cells if c.suppressed}
    significant = sum(c.significant for t in cuts.teams for c in t.cells)
    gaps = sum(c.gap is not None for t in cuts.teams for c in t.cells)
    print(f"questionnaire: {q.id} {q.version}, {len(q.elements)} elements")
    print(
        f"respondents: {args.respondents} in {args.teams} teams (sizes {min(sizes)}–{max(sizes)})"
    )
    print(
        f"teams shown: {shown} of {len(cuts.teams)} (hidden because: {', '.join(sorted(hidden))});"
        f" team gaps shown: {gaps} cells; significant cells: {significant}"
    )
    print(_line("team_cuts()          ", wall))
    print(_line("score() + team_cuts()", wall_both))
    median = statistics.median(wall)
    verdict = "met" if median <= TARGET_S else "MISSED"
    print(f"target team cuts <= {TARGET_S * 1000:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
