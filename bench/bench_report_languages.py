"""Warm render time of the same report in each language, in one long-lived process.

Issue 5 target: the Chinese (CJK) report within 0.5 s of the English one.  Renders each
language alternately (so machine noise hits all alike) and prints the median per language
and its difference from English.

    .venv/bin/python bench/bench_report_languages.py [--rounds 5] [--respondents 40]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

from babel.support import Translations

from assessment.core.loader import find_questionnaire
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports.render import render_report
from reports.viewmodel import ReportMeta

LANGS = ["en", "pl", "ru", "zh", "ro"]
TRANSLATIONS = Path(__file__).resolve().parents[1] / "assessment" / "translations"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--respondents", type=int, default=40)
    args = parser.parse_args()
    jobs = {}
    for lang in LANGS:
        q = find_questionnaire("sales-org-health", lang=lang)
        results = score(q, synthetic_respondents(q, args.respondents, seed=3, language=lang))
        meta = ReportMeta(
            client_name="Northwind",
            assessment_title="Health check",
            date=dt.date(2026, 11, 22),
            language=lang,
        )
        jobs[lang] = (results, q, meta, Translations.load(str(TRANSLATIONS), [lang]))
    for lang in LANGS:  # warm-up: fonts, templates, caches
        render_report(*jobs[lang][:3], translations=jobs[lang][3])
    times: dict[str, list[float]] = {lang: [] for lang in LANGS}
    for _ in range(args.rounds):
        for lang in LANGS:
            start = time.perf_counter()
            render_report(*jobs[lang][:3], translations=jobs[lang][3])
            times[lang].append(time.perf_counter() - start)
    english = statistics.median(times["en"])
    print(
        f"warm render, {args.respondents} respondents, median of {args.rounds} alternating rounds"
    )
    for lang in LANGS:
        m = statistics.median(times[lang])
        print(f"  {lang}: {m:.3f} s  (difference to English {m - english:+.3f} s)")
    diff = statistics.median(times["zh"]) - english
    print(f"CJK within 0.5 s of English: {'met' if diff <= 0.5 else 'MISSED'} ({diff:+.3f} s)")


if __name__ == "__main__":
    main()
