"""Worst-case time to read (or refuse) a hostile YAML input of each shape, at 256 KB and 1 MB.

Every YAML the project accepts goes through ``assessment.core.safe_yaml.load``; the issue
found a 244 KB mapping of nested brackets that kept a core busy for ~171 s.  Run:
``.venv/bin/python bench/bench_yaml.py``; prints the seconds per shape and size.
"""

from __future__ import annotations

import time

from assessment.core import safe_yaml


def shapes(size: int) -> dict[str, str]:
    """Hostile and large-but-plain documents of about ``size`` characters."""
    n = size // 2
    return {
        "nested brackets": "a: " + "[" * n + "]" * n,
        "nested braces": "a: " + "{a: " * (size // 5) + "1" + "}" * (size // 5),
        "nested block lists": "".join(" " * i + "- \n" for i in range(int((2 * size) ** 0.5))),
        "flat list": "a: [" + ",".join(["1"] * n) + "]",
        "flat mapping": "".join(f"k{i}: {i}\n" for i in range(size // 12)),
        "just under the event limit": "a: [" + ",".join(["1"] * (safe_yaml.MAX_EVENTS - 10)) + "]",
        "alias fan-out": "a: &a [1,2,3,4,5,6,7,8,9,10]\n"
        + "".join(f"b{i}: [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n" for i in range(size // 40)),
    }


def main() -> None:
    """Time each shape and print the slowest."""
    worst = 0.0
    for size in (256 * 1024, 1024 * 1024):
        for name, text in shapes(size).items():
            start = time.perf_counter()
            try:
                safe_yaml.load(text)
                outcome = "accepted"
            except safe_yaml.YamlProblem as exc:
                outcome = f"refused: {exc.message[:60]}"
            elapsed = time.perf_counter() - start
            worst = max(worst, elapsed)
            print(f"{size // 1024:5d} KB  {name:28s} {elapsed:6.3f} s  {outcome}")
    print(f"worst: {worst:.3f} s (target: well under 1 s)")


if __name__ == "__main__":
    main()
