"""Coverage of the 90 % intervals on synthetic populations whose true scores are known.

For each population (``tests/core/populations.py``) and sample size, draws many samples,
scores each with method 2 and counts how often the interval of each element score and of
the overall holds the true score.  Prints one line per population and size; the figures in
``docs/scoring.md`` come from the defaults.

    .venv/bin/python bench/bench_ci_coverage.py [--sizes 5 10 30 100] [--replications 1000]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core.populations import POPULATIONS, coverage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 30, 100])
    parser.add_argument("--replications", type=int, default=1000)
    args = parser.parse_args()
    se = math.sqrt(0.9 * 0.1 / args.replications)
    print(f"nominal 90 %; {args.replications} samples each (standard error ±{100 * se:.1f} points)")
    for population in POPULATIONS:
        for n in args.sizes:
            start = time.perf_counter()
            rates = coverage(population, n, args.replications, seed=1000 + n)
            shown = ", ".join(f"{key} {100 * rate:.1f} %" for key, rate in rates.items())
            print(
                f"{population.name:<24} n={n:<4} {shown}  ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
